//===- EvtxReaderTest.cpp - .evtx records as evtx_dump's JSON, and damage -===//
//
// Every record of every .evtx file of the shared corpus renders to the JSON
// beside it (compared as parsed values), in file order, and the files hold
// as many records as libevtx finds; the values agree with libevtx's XML
// rendering of the same records wherever the two formats can agree (the
// differences, by kind, are listed at LibevtxXmlAgrees). Damaged files (cut
// short, a bad chunk header, a bad record size, random byte flips) never
// crash the reader, every problem is reported and counted, and the records
// outside the damage still render as before.
//
//===----------------------------------------------------------------------===//
#include "events/EvtxReader.h"

#include <libevtx.h>
#include <simdjson.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

using rulec::EvtxReader;
using rulec::EvtxStats;
namespace fs = std::filesystem;

namespace {

const fs::path kRepo = fs::path(__FILE__).parent_path().parent_path().parent_path();
const fs::path kCorpus = kRepo.parent_path() / "shared" / "corpus";
const fs::path kSamples = kCorpus / "evtx-samples";
const fs::path kRegression = kCorpus / "sigma" / "regression_data";

std::string readFile(const fs::path &path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<fs::path> evtxFiles(const fs::path &dir) {
  std::vector<fs::path> files;
  if (fs::is_directory(dir))
    for (const auto &e : fs::recursive_directory_iterator(dir))
      if (e.is_regular_file() && e.path().extension() == ".evtx")
        files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

struct Record {
  uint64_t id;
  std::string json;
};

struct Read {
  std::vector<Record> records;
  std::vector<std::string> problems;
  EvtxStats stats;
  bool opened = false;
};

/// All records of `bytes` read as an EVTX file.
Read readAll(std::string bytes, const rulec::evtx::JsonOptions &options = {}) {
  Read r;
  EvtxReader reader;
  reader.setJsonOptions(options);
  std::string error;
  r.opened = reader.openBytes(std::move(bytes), error);
  if (!r.opened)
    return r;
  std::string_view json;
  uint64_t id;
  while (reader.next(json, id, [&](const std::string &m) { r.problems.push_back(m); }))
    r.records.push_back({id, std::string(json)});
  r.stats = reader.stats();
  return r;
}

/// JSON values equal as values: objects as maps, numbers by value.
bool sameJson(simdjson::dom::element a, simdjson::dom::element b, std::string &where) {
  using simdjson::dom::element_type;
  const auto ta = a.type(), tb = b.type();
  const auto number = [](element_type t) {
    return t == element_type::INT64 || t == element_type::UINT64 || t == element_type::DOUBLE;
  };
  if (number(ta) && number(tb)) {
    if (ta == tb && ta == element_type::INT64)
      return int64_t(a) == int64_t(b);
    if (ta == tb && ta == element_type::UINT64)
      return uint64_t(a) == uint64_t(b);
    if ((ta == element_type::DOUBLE) != (tb == element_type::DOUBLE))
      return false; // 1 and 1.0 are different to rulec
    if (ta == element_type::DOUBLE)
      return double(a) == double(b);
    return false; // int64 vs uint64: simdjson types only values above INT64_MAX as uint64
  }
  if (ta != tb)
    return false;
  switch (ta) {
  case element_type::STRING: return std::string_view(a) == std::string_view(b);
  case element_type::BOOL: return bool(a) == bool(b);
  case element_type::NULL_VALUE: return true;
  case element_type::ARRAY: {
    simdjson::dom::array x = a, y = b;
    if (x.size() != y.size())
      return false;
    for (size_t i = 0; i < x.size(); ++i)
      if (!sameJson(x.at(i).value(), y.at(i).value(), where)) {
        where = "[" + std::to_string(i) + "]" + where;
        return false;
      }
    return true;
  }
  case element_type::OBJECT: {
    simdjson::dom::object x = a, y = b;
    if (x.size() != y.size()) {
      where = " (keys differ)" + where;
      return false;
    }
    for (auto [key, value] : x) {
      simdjson::dom::element other;
      if (y.at_key(key).get(other)) {
        where = "/" + std::string(key) + " (missing)" + where;
        return false;
      }
      if (!sameJson(value, other, where)) {
        where = "/" + std::string(key) + where;
        return false;
      }
    }
    return true;
  }
  default: return false;
  }
}

/// The JSON documents of a corpus rendering: one per line (.jsonl) or
/// pretty-printed one after another (.json).
std::vector<std::string> expectedDocuments(const fs::path &path) {
  std::vector<std::string> docs;
  const std::string text = readFile(path);
  simdjson::dom::parser parser;
  simdjson::dom::document_stream stream;
  if (parser.parse_many(text).get(stream))
    return docs;
  for (auto doc : stream) {
    simdjson::dom::element e;
    if (doc.get(e))
      break;
    docs.push_back(simdjson::minify(e));
  }
  return docs;
}

/// libevtx's view of a file: its record count and each record's XML.
struct Libevtx {
  int records = -1;
  int recovered = -1;
  std::vector<std::string> xml;
};

Libevtx libevtxRead(const fs::path &path, bool withXml) {
  Libevtx out;
  libevtx_file_t *file = nullptr;
  if (libevtx_file_initialize(&file, nullptr) != 1)
    return out;
  if (libevtx_file_open(file, path.c_str(), LIBEVTX_OPEN_READ, nullptr) == 1) {
    libevtx_file_get_number_of_records(file, &out.records, nullptr);
    libevtx_file_get_number_of_recovered_records(file, &out.recovered, nullptr);
    for (int i = 0; withXml && i < out.records; ++i) {
      libevtx_record_t *record = nullptr;
      std::string xml;
      size_t size = 0;
      if (libevtx_file_get_record_by_index(file, i, &record, nullptr) == 1 &&
          libevtx_record_get_utf8_xml_string_size(record, &size, nullptr) == 1 && size > 0) {
        xml.resize(size);
        if (libevtx_record_get_utf8_xml_string(record, reinterpret_cast<uint8_t *>(xml.data()), size, nullptr) != 1)
          xml.clear();
        while (!xml.empty() && xml.back() == '\0')
          xml.pop_back();
      }
      if (record)
        libevtx_record_free(&record, nullptr);
      out.xml.push_back(xml);
    }
    libevtx_file_close(file, nullptr);
  }
  libevtx_file_free(&file, nullptr);
  return out;
}

/// A file of the regression data whose .json was not rendered from its .evtx
/// as it is: "Explorer.exe" where the record (libevtx agrees) says
/// "Explorer.EXE", and a SystemTime with nine fractional digits where the
/// other files of the same data have six.
bool knownMismatch(const fs::path &path) {
  return path.filename() == "ad691d92-15f2-4181-9aa4-723c74f9ddc3.evtx";
}

} // namespace

//===----------------------------------------------------------------------===//
// The corpus
//===----------------------------------------------------------------------===//

/// The evtx-samples corpus renders with the default options; SigmaHQ's
/// regression data (written by evtx_dump >= 0.8.5) with JsonOptions::evtxDump().
TEST(EvtxReaderCorpus, RendersAsTheCorpus) {
  const auto samples = evtxFiles(kSamples), regression = evtxFiles(kRegression);
  if (samples.empty() && regression.empty())
    GTEST_SKIP() << "no " << kSamples.string() << " nor " << kRegression.string();
  size_t files = 0, records = 0;
  simdjson::dom::parser ours, theirs;
  for (const bool isRegression : {false, true})
    for (const fs::path &path : isRegression ? regression : samples) {
      SCOPED_TRACE(path.string());
      const fs::path expectedPath =
          fs::path(path).replace_extension(isRegression ? ".json" : ".jsonl");
      if (!fs::exists(expectedPath))
        continue;
      const Read got = readAll(readFile(path), isRegression ? rulec::evtx::JsonOptions::evtxDump()
                                                            : rulec::evtx::JsonOptions{});
      ASSERT_TRUE(got.opened);
      EXPECT_EQ(got.problems, std::vector<std::string>{});
      EXPECT_EQ(got.stats.damagedRecords, 0u);
      EXPECT_EQ(got.stats.damagedChunks, 0u);
      const auto expected = expectedDocuments(expectedPath);
      ASSERT_EQ(got.records.size(), expected.size());
      ++files;
      for (size_t i = 0; i < expected.size(); ++i) {
        simdjson::dom::element a, b;
        ASSERT_FALSE(ours.parse(got.records[i].json).get(a)) << got.records[i].json;
        ASSERT_FALSE(theirs.parse(expected[i]).get(b));
        EXPECT_EQ(uint64_t(a["Event"]["System"]["EventRecordID"]), got.records[i].id);
        std::string where;
        const bool same = sameJson(a, b, where);
        if (knownMismatch(path)) {
          EXPECT_FALSE(same);
          continue;
        }
        EXPECT_TRUE(same) << "record " << i << " differs at " << where << "\n ours:   " << got.records[i].json
                          << "\n corpus: " << expected[i];
        ++records;
      }
    }
  EXPECT_GT(files, 0u);
  std::cout << "[          ] " << records << " records of " << files << " files render as the corpus\n";
}

TEST(EvtxReaderCorpus, CountsAsLibevtx) {
  auto files = evtxFiles(kSamples);
  const auto regression = evtxFiles(kRegression);
  files.insert(files.end(), regression.begin(), regression.end());
  if (files.empty())
    GTEST_SKIP() << "no corpus at " << kCorpus.string();
  for (const fs::path &path : files) {
    SCOPED_TRACE(path.string());
    const Libevtx lib = libevtxRead(path, false);
    EvtxReader reader;
    std::string error;
    ASSERT_TRUE(reader.open(path.string(), error)) << error;
    std::string_view json;
    uint64_t id, n = 0;
    while (reader.next(json, id, [](const std::string &m) { ADD_FAILURE() << m; }))
      ++n;
    EXPECT_EQ(n, uint64_t(lib.records));
    EXPECT_EQ(reader.stats().records, n);
    EXPECT_EQ(reader.stats().recovered, uint64_t(lib.recovered));
  }
}

//===----------------------------------------------------------------------===//
// Values against libevtx's XML
//===----------------------------------------------------------------------===//

namespace {

/// An element of libevtx's XML.
struct XmlElement {
  std::string name, text;
  std::vector<std::pair<std::string, std::string>> attributes;
  std::vector<XmlElement> children;
};

/// A reader for the XML libevtx writes (elements, attributes, text,
/// entity and character references, CDATA); false on anything else.
class XmlParser {
public:
  explicit XmlParser(std::string_view s) : s_(s) {}
  bool parse(XmlElement &root) {
    skipSpace();
    while (s_.substr(i_, 2) == "<?") { // declaration
      i_ = s_.find("?>", i_);
      if (i_ == std::string_view::npos)
        return false;
      i_ += 2;
      skipSpace();
    }
    return element(root);
  }

private:
  void skipSpace() {
    while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_])))
      ++i_;
  }
  std::string name() {
    const size_t b = i_;
    while (i_ < s_.size() && !std::isspace(static_cast<unsigned char>(s_[i_])) && s_[i_] != '=' && s_[i_] != '>' &&
           s_[i_] != '/')
      ++i_;
    return std::string(s_.substr(b, i_ - b));
  }
  static void putUtf8(std::string &out, uint32_t c) {
    if (c < 0x80) {
      out += char(c);
    } else if (c < 0x800) {
      out += char(0xC0 | c >> 6);
      out += char(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      out += char(0xE0 | c >> 12);
      out += char(0x80 | (c >> 6 & 0x3F));
      out += char(0x80 | (c & 0x3F));
    } else {
      out += char(0xF0 | c >> 18);
      out += char(0x80 | (c >> 12 & 0x3F));
      out += char(0x80 | (c >> 6 & 0x3F));
      out += char(0x80 | (c & 0x3F));
    }
  }
  static std::string unescape(std::string_view t) {
    std::string out;
    for (size_t i = 0; i < t.size(); ++i) {
      if (t[i] != '&') {
        out += t[i];
        continue;
      }
      const size_t e = t.find(';', i);
      if (e == std::string_view::npos) {
        out += t.substr(i);
        break;
      }
      const std::string_view ref = t.substr(i + 1, e - i - 1);
      if (ref == "lt")
        out += '<';
      else if (ref == "gt")
        out += '>';
      else if (ref == "amp")
        out += '&';
      else if (ref == "quot")
        out += '"';
      else if (ref == "apos")
        out += '\'';
      else if (!ref.empty() && ref[0] == '#')
        putUtf8(out, static_cast<uint32_t>(ref.size() > 1 && ref[1] == 'x'
                                               ? std::stoul(std::string(ref.substr(2)), nullptr, 16)
                                               : std::stoul(std::string(ref.substr(1)))));
      else
        out += std::string(t.substr(i, e - i + 1));
      i = e;
    }
    return out;
  }
  bool element(XmlElement &e) {
    if (i_ >= s_.size() || s_[i_] != '<')
      return false;
    ++i_;
    e.name = name();
    while (true) {
      skipSpace();
      if (i_ >= s_.size())
        return false;
      if (s_.substr(i_, 2) == "/>") {
        i_ += 2;
        return true;
      }
      if (s_[i_] == '>') {
        ++i_;
        break;
      }
      std::string attribute = name();
      skipSpace();
      if (i_ + 1 >= s_.size() || s_[i_] != '=' || (s_[i_ + 1] != '"' && s_[i_ + 1] != '\''))
        return false;
      const char quote = s_[i_ + 1];
      const size_t b = i_ + 2, q = s_.find(quote, b);
      if (q == std::string_view::npos)
        return false;
      e.attributes.emplace_back(attribute, unescape(s_.substr(b, q - b)));
      i_ = q + 1;
    }
    // Content.
    while (i_ < s_.size()) {
      if (s_.substr(i_, 2) == "</") {
        i_ = s_.find('>', i_);
        if (i_ == std::string_view::npos)
          return false;
        ++i_;
        if (!e.children.empty())
          e.text.clear(); // indentation
        return true;
      }
      if (s_.substr(i_, 9) == "<![CDATA[") {
        const size_t end = s_.find("]]>", i_);
        if (end == std::string_view::npos)
          return false;
        e.text += s_.substr(i_ + 9, end - i_ - 9);
        i_ = end + 3;
        continue;
      }
      if (s_.substr(i_, 4) == "<!--") {
        i_ = s_.find("-->", i_);
        if (i_ == std::string_view::npos)
          return false;
        i_ += 3;
        continue;
      }
      if (s_[i_] == '<') {
        e.children.emplace_back();
        if (!element(e.children.back()))
          return false;
        continue;
      }
      const size_t b = i_;
      while (i_ < s_.size() && s_[i_] != '<')
        ++i_;
      e.text += unescape(s_.substr(b, i_ - b));
    }
    return false;
  }
  std::string_view s_;
  size_t i_ = 0;
};

using Values = std::map<std::string, std::vector<std::string>>;

/// Values of libevtx's XML by the path the crate's JSON gives them.
void xmlValues(const XmlElement &e, const std::string &parent, Values &out) {
  std::string key = e.name;
  bool named = false;
  if (e.name == "Data")
    for (const auto &[name, value] : e.attributes)
      if (name == "Name") {
        key = value;
        named = true;
      }
  const std::string path = parent + "/" + key;
  bool attributes = false;
  for (const auto &[name, value] : e.attributes) {
    if (named && name == "Name")
      continue;
    if (e.name == "Data" && named)
      continue; // the crate drops the other attributes of a named Data
    out[path + "/#attributes/" + name].push_back(value);
    attributes = true;
  }
  for (const XmlElement &c : e.children)
    xmlValues(c, path, out);
  if (e.children.empty() && !e.text.empty())
    out[e.name == "Data" && !named ? path + "/#text" : attributes ? path + "/#text" : path].push_back(e.text);
}

/// Values of our JSON by path (null left out: libevtx writes nothing there).
void jsonValues(simdjson::dom::element v, const std::string &path, Values &out) {
  using simdjson::dom::element_type;
  switch (v.type()) {
  case element_type::OBJECT:
    for (auto [key, value] : simdjson::dom::object(v))
      jsonValues(value, key == "#text" ? path + "/#text" : path + "/" + std::string(key), out);
    return;
  case element_type::ARRAY:
    for (auto item : simdjson::dom::array(v))
      jsonValues(item, path, out);
    return;
  case element_type::STRING: out[path].emplace_back(std::string_view(v)); return;
  case element_type::INT64: out[path].push_back(std::to_string(int64_t(v))); return;
  case element_type::UINT64: out[path].push_back(std::to_string(uint64_t(v))); return;
  case element_type::DOUBLE: out[path].push_back(std::to_string(double(v))); return;
  case element_type::BOOL: out[path].push_back(bool(v) ? "true" : "false"); return;
  default: return;
  }
}

bool isHex(const std::string &s) {
  return s.size() > 2 && s[0] == '0' && s[1] == 'x' &&
         std::all_of(s.begin() + 2, s.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

/// How our value and libevtx's differ where they are the same value: "" when
/// equal, else the kind of difference (see LibevtxXmlAgrees), or "other".
std::string differenceKind(const std::string &ours, const std::string &xml, bool trimmed) {
  if (ours == xml)
    return "";
  if (xml == "{" + ours + "}")
    return "GUID braces";
  if (isHex(ours) && isHex(xml) && std::stoull(ours, nullptr, 16) == std::stoull(xml, nullptr, 16))
    return "hex zero padding";
  // FILETIME: libevtx writes nine fractional digits, the crate six.
  if (ours.size() == 27 && xml.size() == 30 && ours.back() == 'Z' && xml.back() == 'Z' &&
      xml.compare(0, 26, ours, 0, 26) == 0)
    return "FILETIME digits";
  if (trimmed) {
    std::string x = xml;
    while (!x.empty() && std::isspace(static_cast<unsigned char>(x.back())))
      x.pop_back();
    if (x == ours)
      return "trailing whitespace trimmed";
  }
  char *end = nullptr;
  const double a = std::strtod(ours.c_str(), &end);
  if (end && *end == '\0' && !ours.empty()) {
    const double b = std::strtod(xml.c_str(), &end);
    if (end && *end == '\0' && a == b)
      return "real digits";
  }
  return "other";
}

} // namespace

/// Our values, as text, are libevtx's, but for these differences of format:
///  - GUID braces: libevtx writes GUIDs in braces, the crate without;
///  - hex zero padding: libevtx pads HexInt64 (Keywords) to 16 digits, the
///    crate writes Rust's 0x{:x};
///  - FILETIME digits: libevtx writes nine fractional digits, the crate six
///    (microseconds, truncated);
///  - trailing whitespace trimmed: evtx_dump >= 0.8.5 trims string values
///    (JsonOptions::evtxDump(), the regression data only);
///  - real digits: reals as libevtx prints them and as serde_json does.
/// Values only one side has: libevtx writes empty text where the JSON has
/// null or "" (left out on both sides), and nothing else.
TEST(EvtxReaderCorpus, LibevtxXmlAgrees) {
  const auto samples = evtxFiles(kSamples), regression = evtxFiles(kRegression);
  if (samples.empty() && regression.empty())
    GTEST_SKIP() << "no corpus at " << kCorpus.string();
  std::map<std::string, size_t> kinds;
  size_t records = 0, values = 0;
  simdjson::dom::parser parser;
  for (const bool trimmed : {false, true})
    for (const fs::path &path : trimmed ? regression : samples) {
      SCOPED_TRACE(path.string());
      const Read got = readAll(readFile(path), trimmed ? rulec::evtx::JsonOptions::evtxDump()
                                                       : rulec::evtx::JsonOptions{});
      const Libevtx lib = libevtxRead(path, true);
      ASSERT_EQ(got.records.size(), lib.xml.size());
      for (size_t i = 0; i < lib.xml.size(); ++i) {
        XmlElement root;
        ASSERT_TRUE(XmlParser(lib.xml[i]).parse(root)) << lib.xml[i];
        Values xml, ours;
        xmlValues(root, "", xml);
        simdjson::dom::element doc;
        ASSERT_FALSE(parser.parse(got.records[i].json).get(doc));
        jsonValues(doc, "", ours);
        ++records;
        for (const auto &[key, list] : ours) {
          auto it = xml.find(key);
          if (it == xml.end()) {
            bool allEmpty = std::all_of(list.begin(), list.end(), [](const std::string &s) { return s.empty(); });
            if (!allEmpty)
              ADD_FAILURE() << "record " << i << ": " << key << " only in our JSON: " << list[0];
            continue;
          }
          // Ours may lack empty strings libevtx leaves out, nothing else.
          std::vector<std::string> mine;
          for (const std::string &s : list)
            if (!s.empty() || it->second.size() == list.size())
              mine.push_back(s);
          if (mine.size() != it->second.size()) {
            ADD_FAILURE() << "record " << i << ": " << key << ": " << mine.size() << " values, libevtx "
                          << it->second.size();
            continue;
          }
          for (size_t k = 0; k < mine.size(); ++k) {
            ++values;
            const std::string kind = differenceKind(mine[k], it->second[k], trimmed);
            if (!kind.empty())
              ++kinds[kind];
            EXPECT_NE(kind, "other") << "record " << i << ": " << key << ": ours \"" << mine[k] << "\", libevtx \""
                                     << it->second[k] << "\"";
          }
        }
        for (const auto &[key, list] : xml)
          if (!ours.count(key) &&
              std::any_of(list.begin(), list.end(), [](const std::string &s) { return !s.empty(); }))
            ADD_FAILURE() << "record " << i << ": " << key << " only in libevtx's XML: " << list[0];
      }
    }
  std::cout << "[          ] " << values << " values of " << records << " records agree with libevtx;";
  for (const auto &[kind, n] : kinds)
    std::cout << " " << kind << ": " << n << ";";
  std::cout << "\n";
}

//===----------------------------------------------------------------------===//
// Conventions, on files made here
//===----------------------------------------------------------------------===//

namespace {

uint32_t crc32(const std::string &bytes, size_t begin, size_t end) {
  uint32_t crc = ~0u;
  for (size_t i = begin; i < end; ++i) {
    crc ^= static_cast<uint8_t>(bytes[i]);
    for (int k = 0; k < 8; ++k)
      crc = crc & 1 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
  }
  return ~crc;
}

void put16(std::string &s, uint16_t v) { s.append(reinterpret_cast<const char *>(&v), 2); }
void put32(std::string &s, uint32_t v) { s.append(reinterpret_cast<const char *>(&v), 4); }
void put64(std::string &s, uint64_t v) { s.append(reinterpret_cast<const char *>(&v), 8); }
void set32(std::string &s, size_t at, uint32_t v) { std::memcpy(s.data() + at, &v, 4); }
void set64(std::string &s, size_t at, uint64_t v) { std::memcpy(s.data() + at, &v, 8); }
uint32_t get32(const std::string &s, size_t at) {
  uint32_t v;
  std::memcpy(&v, s.data() + at, 4);
  return v;
}

std::string utf16(std::string_view ascii) {
  std::string out;
  for (char c : ascii)
    put16(out, static_cast<uint8_t>(c));
  return out;
}

/// A substitution value: its type and bytes, or (Binary XML) a writer of
/// its tokens, called where the value goes (names and templates in it are
/// chunk offsets).
struct Value {
  uint8_t type;
  std::string bytes;
  std::function<void()> write = nullptr;
};
Value str(std::string_view s) { return {0x01, utf16(s)}; }
template <class T> Value num(uint8_t type, T v) {
  return {type, std::string(reinterpret_cast<const char *>(&v), sizeof v)};
}

/// Writes one chunk of records whose Binary XML the test spells out token by
/// token (names defined where first used, templates defined in place).
class ChunkWriter {
public:
  ChunkWriter() : c_(512, '\0') {}

  // Tokens.
  void fragment() { c_ += std::string("\x0f\x01\x01\x00", 4); }
  void open(std::string_view name, bool attributes = false, bool dependency = true) {
    c_ += char(attributes ? 0x41 : 0x01);
    if (dependency)
      put16(c_, 0xFFFF);
    put32(c_, 0); // data size (unused)
    nameRef(name);
    if (attributes)
      put32(c_, 0);
  }
  void closeStart() { c_ += '\x02'; }
  void closeEmpty() { c_ += '\x03'; }
  void end() { c_ += '\x04'; }
  void attribute(std::string_view name) {
    c_ += '\x06';
    nameRef(name);
  }
  void text(std::string_view s) {
    c_ += '\x05';
    c_ += '\x01';
    put16(c_, static_cast<uint16_t>(s.size()));
    c_ += utf16(s);
  }
  void sub(uint16_t index, uint8_t type, bool optional = false) {
    c_ += optional ? '\x0e' : '\x0d';
    put16(c_, index);
    c_ += char(type);
  }
  void cdata(std::string_view s) {
    c_ += '\x07';
    put16(c_, static_cast<uint16_t>(s.size()));
    c_ += utf16(s);
  }
  void charRef(uint16_t c) {
    c_ += '\x08';
    put16(c_, c);
  }
  void entityRef(std::string_view name) {
    c_ += '\x09';
    nameRef(name);
  }
  void eof() { c_ += '\x00'; }
  void raw(std::string_view bytes) { c_ += bytes; }
  size_t offset() const { return c_.size(); }
  /// The offset of the definition being written.
  size_t defining() const { return defining_; }

  /// An event fragment: the template <Event>%index</Event> (a string
  /// substitution) instantiated with `values`.
  void substitutedEvent(uint16_t index, const std::vector<Value> &values) {
    fragment();
    instance(
        [&] {
          fragment();
          open("Event");
          closeStart();
          sub(index, 0x01);
          end();
          eof();
        },
        values);
    eof();
  }

  /// A template instance: the definition (written by `body`) in place, or
  /// at `definition` when given; then the values.
  /// Returns the definition's offset.
  size_t instance(const std::function<void()> &body, const std::vector<Value> &values, int64_t definition = -1) {
    c_ += '\x0c';
    c_ += '\x01';
    put32(c_, 0x1234);
    if (definition >= 0) {
      put32(c_, static_cast<uint32_t>(definition));
    } else {
      put32(c_, static_cast<uint32_t>(c_.size() + 4));
      definition = static_cast<int64_t>(c_.size());
      defining_ = static_cast<size_t>(definition);
      put32(c_, 0);
      c_ += std::string(16, '\x11');
      const size_t size = c_.size();
      put32(c_, 0);
      body();
      set32(c_, size, static_cast<uint32_t>(c_.size() - size - 4));
    }
    put32(c_, static_cast<uint32_t>(values.size()));
    const size_t descriptors = c_.size();
    for (const Value &v : values) {
      put16(c_, static_cast<uint16_t>(v.bytes.size()));
      c_ += char(v.type);
      c_ += '\0';
    }
    for (size_t i = 0; i < values.size(); ++i) {
      if (!values[i].write) {
        c_ += values[i].bytes;
        continue;
      }
      const size_t start = c_.size();
      values[i].write();
      const uint16_t size = static_cast<uint16_t>(c_.size() - start);
      std::memcpy(c_.data() + descriptors + 4 * i, &size, 2);
    }
    return static_cast<size_t>(definition);
  }

  /// A record whose event data `binxml` writes.
  void record(uint64_t id, const std::function<void()> &binxml) {
    const size_t start = c_.size();
    c_ += std::string("**\0\0", 4);
    put32(c_, 0);
    put64(c_, id);
    put64(c_, 0x01D4DEAC4A10CDB5ull);
    binxml();
    while ((c_.size() + 4 - start) % 8)
      c_ += '\0';
    put32(c_, static_cast<uint32_t>(c_.size() + 4 - start));
    set32(c_, start + 4, static_cast<uint32_t>(c_.size() - start));
    if (first_ == 0)
      first_ = id;
    last_ = id;
    lastRecord_ = start;
  }

  /// The chunk: header fields and checksums set, padded to 64 KiB.
  std::string finish() {
    std::string c = c_;
    std::memcpy(c.data(), "ElfChnk", 8);
    set64(c, 8, first_);
    set64(c, 16, last_);
    set64(c, 24, first_);
    set64(c, 32, last_);
    set32(c, 40, 128);
    set32(c, 44, static_cast<uint32_t>(lastRecord_));
    set32(c, 48, static_cast<uint32_t>(c.size()));
    set32(c, 52, crc32(c, 512, c.size()));
    c.resize(65536, '\0');
    std::string header = c.substr(0, 120) + c.substr(128, 512 - 128);
    set32(c, 124, crc32(header, 0, header.size()));
    return c;
  }

private:
  void nameRef(std::string_view name) {
    auto it = names_.find(std::string(name));
    if (it != names_.end()) {
      put32(c_, it->second);
      return;
    }
    const uint32_t at = static_cast<uint32_t>(c_.size() + 4);
    names_[std::string(name)] = at;
    put32(c_, at);
    put32(c_, 0);
    put16(c_, 0);
    put16(c_, static_cast<uint16_t>(name.size()));
    c_ += utf16(name);
    put16(c_, 0);
  }

  std::string c_;
  std::map<std::string, uint32_t> names_;
  uint64_t first_ = 0, last_ = 0;
  size_t lastRecord_ = 0, defining_ = 0;
};

/// A file of the given chunks.
std::string evtxFile(const std::vector<std::string> &chunks) {
  std::string f(4096, '\0');
  std::memcpy(f.data(), "ElfFile", 8);
  set32(f, 32, 128);
  f[36] = 2; // minor
  f[38] = 3; // major
  set32(f, 40, 4096 | (static_cast<uint32_t>(chunks.size()) << 16));
  set32(f, 124, crc32(f, 0, 120));
  for (const std::string &c : chunks)
    f += c;
  return f;
}

/// One record whose event is the template `body` with `values`.
Read readOne(const std::function<void(ChunkWriter &)> &body, const std::vector<Value> &values,
             const rulec::evtx::JsonOptions &options = {}) {
  ChunkWriter w;
  w.record(7, [&] {
    w.fragment();
    w.instance([&] { body(w); }, values);
    w.eof();
  });
  return readAll(evtxFile({w.finish()}), options);
}

/// The JSON of the one record of `r`, checked to equal `expected`.
void expectJson(const Read &r, std::string_view expected) {
  ASSERT_TRUE(r.opened);
  ASSERT_EQ(r.records.size(), 1u) << (r.problems.empty() ? "" : r.problems[0]);
  simdjson::dom::parser p1, p2;
  simdjson::dom::element a, b;
  ASSERT_FALSE(p1.parse(r.records[0].json).get(a)) << r.records[0].json;
  ASSERT_FALSE(p2.parse(expected.data(), expected.size()).get(b)) << expected;
  std::string where;
  EXPECT_TRUE(sameJson(a, b, where)) << "at " << where << "\n ours:     " << r.records[0].json
                                     << "\n expected: " << expected;
}

} // namespace

TEST(EvtxReaderConventions, ElementsAttributesAndText) {
  // <Event a="x" n=null><E/><T>t</T><A k="v">text</A><N n=null/><H>1</H><H>2</H><H>3</H><H/></Event>
  const Read r = readOne(
      [](ChunkWriter &w) {
        w.fragment();
        w.open("Event", true);
        w.attribute("a");
        w.text("x");
        w.attribute("n");
        w.sub(0, 0x00);
        w.closeStart();
        w.open("E");
        w.closeEmpty();
        w.open("T");
        w.closeStart();
        w.text("t");
        w.end();
        w.open("A", true);
        w.attribute("k");
        w.text("v");
        w.closeStart();
        w.sub(1, 0x01);
        w.end();
        w.open("N", true);
        w.attribute("n");
        w.sub(0, 0x00);
        w.closeEmpty();
        for (int i = 2; i <= 4; ++i) {
          w.open("H");
          w.closeStart();
          w.sub(static_cast<uint16_t>(i), 0x01);
          w.end();
        }
        w.open("H");
        w.closeEmpty();
        w.end();
        w.eof();
      },
      {{0x00, ""}, str("text"), str("1"), str("2"), str("3")});
  // A repeated name keeps the newest value and moves the previous ones to
  // NAME_1, NAME_2 (an empty one only takes the place).
  expectJson(r, R"({"Event":{"#attributes":{"a":"x"},"E":null,"T":"t","A":{"#attributes":{"k":"v"},"#text":"text"},
                 "N":null,"H":null,"H_1":"1","H_2":"2","H_3":"3"}})");
}

TEST(EvtxReaderConventions, DataElements) {
  // Named Data are keys (other attributes dropped, empty ones ""); unnamed
  // ones gather under Data/#text: a value, then an array.
  auto data = [](ChunkWriter &w, int named, uint16_t value) {
    if (named) {
      w.open("Data", true);
      w.attribute("Name");
      w.text(named == 1 ? "One" : "Two");
      w.attribute("Other");
      w.text("x");
      w.closeStart();
    } else {
      w.open("Data");
      w.closeStart();
    }
    w.sub(value, 0x01);
    w.end();
  };
  // Event/EventData holding three Data elements of the given kinds.
  auto eventData = [&](int first, int second, int third) {
    return [&, first, second, third](ChunkWriter &w) {
      w.fragment();
      w.open("Event");
      w.closeStart();
      w.open("EventData");
      w.closeStart();
      data(w, first, 0);
      data(w, second, 1);
      data(w, third, 2);
      w.end();
      w.end();
      w.eof();
    };
  };
  const Read one = readOne(eventData(1, 2, 0), {str("a"), str(""), str("u")});
  expectJson(one, R"({"Event":{"EventData":{"One":"a","Two":"","Data":{"#text":"u"}}}})");
  const Read many = readOne(eventData(0, 0, 0), {str("a"), str("b"), str("c")});
  expectJson(many, R"({"Event":{"EventData":{"Data":{"#text":["a","b","c"]}}}})");
  // An empty string is no text (null), but "" for a named Data; evtx_dump's
  // own rendering keeps it as text.
  auto emptyText = [](ChunkWriter &w) {
    w.fragment();
    w.open("Event");
    w.closeStart();
    w.open("E");
    w.closeStart();
    w.sub(0, 0x01);
    w.end();
    w.end();
    w.eof();
  };
  expectJson(readOne(emptyText, {str("")}), R"({"Event":{"E":null}})");
  expectJson(readOne(emptyText, {str("")}, rulec::evtx::JsonOptions::evtxDump()), R"({"Event":{"E":""}})");
  expectJson(readOne(emptyText, {str("a b \t\r\n")}, rulec::evtx::JsonOptions::evtxDump()), R"({"Event":{"E":"a b"}})");
}

TEST(EvtxReaderConventions, ValueTypes) {
  std::vector<Value> values;
  std::vector<std::string> expected;
  auto add = [&](Value v, std::string json) {
    values.push_back(std::move(v));
    expected.push_back(std::move(json));
  };
  add(num<int8_t>(0x03, -5), "-5");
  add(num<uint8_t>(0x04, 250), "250");
  add(num<int16_t>(0x05, -300), "-300");
  add(num<uint16_t>(0x06, 65535), "65535");
  add(num<int32_t>(0x07, -70000), "-70000");
  add(num<uint32_t>(0x08, 4000000000u), "4000000000");
  add(num<int64_t>(0x09, -5000000000ll), "-5000000000");
  add(num<uint64_t>(0x0a, ~0ull), "18446744073709551615");
  add(num<float>(0x0b, 0.1f), "0.1");
  add(num<double>(0x0c, 2.5), "2.5");
  add(num<double>(0x0c, 3.0), "3.0");
  add(num<uint32_t>(0x0d, 1), "true");
  add(num<uint32_t>(0x0d, 0), "false");
  add({0x0e, std::string("\x0a\xb0\x00", 3)}, R"("0AB000")");
  add({0x0f, std::string("\x5f\x38\x70\x57\x2a\xc2\xe0\x43\xbf\x4c\x06\xf5\x69\x8f\xfb\xd9", 16)},
      R"("5770385F-C22A-43E0-BF4C-06F5698FFBD9")");
  add(num<uint64_t>(0x10, 16), R"("0x10")");
  add(num<uint64_t>(0x11, 132381830673513660ull), R"("2020-07-02T17:04:27.351366Z")");
  add({0x12, [] {
         std::string s;
         for (uint16_t v : {2021, 2, 3, 3, 4, 5, 6, 789})
           put16(s, v);
         return s;
       }()},
      R"("2021-02-03T04:05:06.789000Z")");
  add({0x13, std::string("\x01\x02\x00\x00\x00\x00\x00\x05\x20\x00\x00\x00\x20\x02\x00\x00", 16)},
      R"("S-1-5-32-544")");
  add(num<uint32_t>(0x14, 0xff), R"("0xff")");
  add(num<uint64_t>(0x15, 0x8000000000000000ull), R"("0x8000000000000000")");
  add({0x02, std::string("caf\xe9\x00", 5)}, R"("café")");
  add({0x81, utf16(std::string("ab\0c\0", 5))}, R"(["ab","c"])");
  add({0x86, std::string("\x01\x00\x02\x00", 4)}, "[1,2]");
  add({0x8d, std::string("\x01\x00\x00\x00\x00\x00\x00\x00", 8)}, "[true,false]");
  add({0x20, "abcd"}, "null");
  add({0x01, utf16("tab\there \"q\" \\ \x01")}, R"("tab\there \"q\" \\ \u0001")");
  const Read r = readOne(
      [&](ChunkWriter &w) {
        w.fragment();
        w.open("Event");
        w.closeStart();
        for (size_t i = 0; i < values.size(); ++i) {
          w.open("V" + std::to_string(i));
          w.closeStart();
          w.sub(static_cast<uint16_t>(i), values[i].type);
          w.end();
        }
        w.end();
        w.eof();
      },
      values);
  std::string json = R"({"Event":{)";
  for (size_t i = 0; i < expected.size(); ++i)
    json += (i ? "," : "") + std::string("\"V") + std::to_string(i) + "\":" + expected[i];
  expectJson(r, json + "}}");
}

TEST(EvtxReaderConventions, SubstitutionsReferencesAndNesting) {
  // An optional substitution the template declares null is left out; a value
  // that is null is null. Entity and character references and CDATA are
  // text, and text after text is concatenated. A Binary XML value renders
  // its elements in place; a second record reuses the first one's template.
  ChunkWriter w;
  size_t definition = 0;
  for (uint64_t id : {1, 2}) {
    w.record(id, [&] {
      w.fragment();
      const auto body = [&] {
        w.fragment();
        w.open("Event");
        w.closeStart();
        w.open("Opt");
        w.closeStart();
        w.sub(0, 0x00, true);
        w.end();
        w.open("Null");
        w.closeStart();
        w.sub(0, 0x01, true);
        w.end();
        w.open("Refs");
        w.closeStart();
        w.text("a");
        w.entityRef("amp");
        w.charRef('B');
        w.cdata("<c>");
        w.entityRef("unknown");
        w.end();
        w.open("System");
        w.closeStart();
        w.open("EventRecordID");
        w.closeStart();
        w.sub(1, 0x0a);
        w.end();
        w.end();
        w.open("UserData");
        w.closeStart();
        w.sub(2, 0x21);
        w.end();
        w.end();
        w.eof();
      };
      // <In k="v">%0</In> as a template of its own inside the value.
      const Value nested{0x21, "", [&] {
                           w.fragment();
                           w.instance(
                               [&] {
                                 w.fragment();
                                 w.open("In", true);
                                 w.attribute("k");
                                 w.text("v");
                                 w.closeStart();
                                 w.sub(0, 0x08);
                                 w.end();
                                 w.eof();
                               },
                               {num<uint32_t>(0x08, static_cast<uint32_t>(id))});
                           w.eof();
                         }};
      const std::vector<Value> values = {{0x00, ""}, num<uint64_t>(0x0a, 12340 + id), nested};
      if (id == 1) {
        definition = w.instance(body, values);
      } else {
        w.instance(body, values, static_cast<int64_t>(definition));
      }
      w.eof();
    });
  }
  const Read r = readAll(evtxFile({w.finish()}));
  ASSERT_EQ(r.records.size(), 2u) << (r.problems.empty() ? "" : r.problems[0]);
  for (uint64_t id : {1, 2}) {
    Read one;
    one.opened = true;
    one.records = {r.records[id - 1]};
    expectJson(one, R"({"Event":{"Opt":null,"Null":null,"Refs":"a&B<c>&unknown;","System":{"EventRecordID":)" +
                        std::to_string(12340 + id) + R"(},"UserData":{"In":{"#attributes":{"k":"v"},"#text":)" +
                        std::to_string(id) + "}}}}");
    EXPECT_EQ(r.records[id - 1].id, 12340 + id); // the event's EventRecordID, not the header's
  }
}

TEST(EvtxReaderConventions, LimitsMakeDamagedRecords) {
  // Each record breaks one limit; the record after it still renders.
  const auto good = [](ChunkWriter &w) { w.substitutedEvent(0, {str("ok")}); };
  const std::vector<std::pair<std::string, std::function<void(ChunkWriter &)>>> cases = {
      {"templates nested too deeply", // a template that instantiates itself, eight times
       [](ChunkWriter &w) {
         w.fragment();
         w.instance(
             [&] {
               w.fragment();
               w.open("Event");
               w.closeStart();
               for (int i = 0; i < 8; ++i) {
                 w.raw(std::string("\x0c\x01\x00\x00\x00\x00", 6));
                 std::string offset;
                 put32(offset, static_cast<uint32_t>(w.defining()));
                 w.raw(offset);
                 w.raw(std::string(4, '\0')); // no values
               }
               w.end();
               w.eof();
             },
             {});
         w.eof();
       }},
      {"record repeats element names too often", // 1000 <H>x</H> and itself twice, under one element
       [](ChunkWriter &w) {
         const auto instanceOf = [&](size_t definition) {
           w.raw(std::string("\x0c\x01\x00\x00\x00\x00", 6));
           std::string offset;
           put32(offset, static_cast<uint32_t>(definition));
           w.raw(offset);
           w.raw(std::string(4, '\0')); // no values
         };
         w.fragment();
         w.open("Event", false, false);
         w.closeStart();
         const size_t h = w.instance(
             [&] {
               w.fragment();
               w.open("H");
               w.closeStart();
               w.text("x");
               w.end();
               w.eof();
             },
             {});
         w.instance(
             [&] {
               w.fragment();
               for (int i = 0; i < 1000; ++i)
                 instanceOf(h);
               instanceOf(w.defining());
               instanceOf(w.defining());
               w.eof();
             },
             {});
         w.end();
         w.eof();
       }},
      {"elements nested too deeply",
       [](ChunkWriter &w) {
         w.fragment();
         for (int i = 0; i < 60; ++i) {
           w.open("E", false, false);
           w.closeStart();
         }
         for (int i = 0; i < 60; ++i)
           w.end();
         w.eof();
       }},
      {"substitution of a value the template instance lacks",
       [](ChunkWriter &w) { w.substitutedEvent(5, {str("x")}); }},
      {"name outside the chunk",
       [](ChunkWriter &w) {
         w.fragment();
         w.raw(std::string("\x01\x00\x00\x00\x00\xf0\xff\xff\xff\x02\x04", 11));
         w.eof();
       }},
      {"template definition outside the chunk",
       [](ChunkWriter &w) { w.raw(std::string("\x0f\x01\x01\x00\x0c\x01\x00\x00\x00\x00\xff\xff\x00\x00", 14)); }},
      {"element end without an element",
       [](ChunkWriter &w) {
         w.fragment();
         w.end();
       }},
      {"unknown token", [](ChunkWriter &w) { w.raw(std::string("\x0f\x01\x01\x00\x3f", 5)); }},
      {"template value of an unknown type",
       [](ChunkWriter &w) {
         w.fragment();
         w.instance([&] { w.eof(); }, {{0x7f, "x"}});
       }},
  };
  for (const auto &[why, bad] : cases) {
    SCOPED_TRACE(why);
    ChunkWriter w;
    w.record(1, [&] { bad(w); });
    w.record(2, [&] { good(w); });
    const auto start = std::chrono::steady_clock::now();
    const Read r = readAll(evtxFile({w.finish()}));
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
    ASSERT_EQ(r.records.size(), 1u);
    EXPECT_EQ(r.records[0].json, R"({"Event":"ok"})");
    EXPECT_EQ(r.stats.damagedRecords, 1u);
    ASSERT_EQ(r.problems.size(), 1u);
    EXPECT_EQ(r.problems[0].rfind("record 1 at offset 0x1200: ", 0), 0u) << r.problems[0];
    if (why != "templates nested too deeply") { // or too many tokens: whichever comes first
      EXPECT_NE(r.problems[0].find(why), std::string::npos) << r.problems[0];
    }
  }
}

//===----------------------------------------------------------------------===//
// Damage
//===----------------------------------------------------------------------===//

namespace {

/// A corpus file with `chunks` chunks (its unused ones cut off).
std::string sampleFile(const char *name, size_t chunks) {
  std::string f = readFile(kSamples / name);
  if (f.size() > 4096 + chunks * 65536)
    f.resize(4096 + chunks * 65536);
  return f;
}

/// The (file offset, size) of each record of chunk `k`.
std::vector<std::pair<size_t, uint32_t>> recordsOf(const std::string &f, size_t k) {
  std::vector<std::pair<size_t, uint32_t>> out;
  const size_t base = 4096 + k * 65536;
  const uint32_t freeSpace = get32(f, base + 48);
  for (size_t p = base + 512; p < base + freeSpace;) {
    const uint32_t size = get32(f, p + 4);
    out.emplace_back(p, size);
    p += size;
  }
  return out;
}

/// The counts of a read add up: a problem per damaged record, a chunk
/// counted once however many problems it has, every record handed out counted.
void expectConsistent(const Read &r) {
  size_t recordProblems = 0;
  std::set<std::string> chunks;
  for (const std::string &m : r.problems) {
    if (m.rfind("record ", 0) == 0)
      ++recordProblems;
    else if (m.rfind("chunk ", 0) == 0)
      chunks.insert(m.substr(0, m.find(' ', 6)));
    else
      EXPECT_EQ(m.rfind("file header: ", 0), 0u) << m;
  }
  EXPECT_EQ(recordProblems, r.stats.damagedRecords);
  EXPECT_EQ(chunks.size(), r.stats.damagedChunks);
  EXPECT_EQ(r.stats.records, r.records.size());
}

/// Every record of `original` whose chunk is not in `damaged` is in `r`, as it was.
void expectUntouchedRecords(const std::string &file, const Read &original, const Read &r,
                            const std::set<size_t> &damaged) {
  std::multiset<std::string> got;
  for (const Record &rec : r.records)
    got.insert(rec.json);
  size_t index = 0;
  for (size_t k = 0; 4096 + (k + 1) * 65536 <= file.size(); ++k) {
    const size_t n = recordsOf(file, k).size();
    for (size_t i = 0; i < n; ++i, ++index)
      if (!damaged.count(k)) {
        auto it = got.find(original.records[index].json);
        EXPECT_TRUE(it != got.end()) << "chunk " << k << " record " << i << " is lost or changed";
        if (it != got.end())
          got.erase(it);
      }
  }
}

constexpr const char *kFourChunks = "AutomatedTestingTools/panache_sysmon_vs_EDRTestingScript.evtx";

} // namespace

TEST(EvtxReaderDamage, TruncatedFile) {
  if (!fs::exists(kSamples / kFourChunks))
    GTEST_SKIP() << "no " << (kSamples / kFourChunks).string();
  const std::string file = sampleFile(kFourChunks, 4);
  const Read original = readAll(file);
  ASSERT_EQ(original.records.size(), 122u);
  const auto chunk2 = recordsOf(file, 2);
  ASSERT_GT(chunk2.size(), 3u);
  const size_t before = recordsOf(file, 0).size() + recordsOf(file, 1).size() + 3;
  const size_t cut = chunk2[3].first + chunk2[3].second / 2; // mid-chunk, mid-record
  // Both ways in: bytes, and a file read a chunk at a time.
  const fs::path tmp = fs::temp_directory_path() / ("rulec-evtx-cut-" + std::to_string(::getpid()) + ".evtx");
  std::ofstream(tmp, std::ios::binary) << file.substr(0, cut);
  Read fromFile;
  {
    EvtxReader reader;
    std::string error;
    ASSERT_TRUE(reader.open(tmp.string(), error)) << error;
    std::string_view json;
    uint64_t id;
    while (reader.next(json, id, [&](const std::string &m) { fromFile.problems.push_back(m); }))
      fromFile.records.push_back({id, std::string(json)});
    fromFile.stats = reader.stats();
    fromFile.opened = true;
  }
  fs::remove(tmp);
  for (const Read &r : {readAll(file.substr(0, cut)), fromFile}) {
    expectConsistent(r);
    ASSERT_EQ(r.records.size(), before);
    for (size_t i = 0; i < before; ++i)
      EXPECT_EQ(r.records[i].json, original.records[i].json);
    EXPECT_EQ(r.stats.damagedChunks, 1u);
    EXPECT_EQ(r.stats.damagedRecords, 1u);
    bool cutShort = false, recordCut = false;
    for (const std::string &m : r.problems) {
      cutShort |= m.rfind("chunk 2 ", 0) == 0 && m.find("cut short") != std::string::npos;
      recordCut |= m.rfind("record ", 0) == 0 && m.find("cut short by the end of the file") != std::string::npos;
    }
    EXPECT_TRUE(cutShort && recordCut) << ::testing::PrintToString(r.problems);
  }
  // Cut inside the file header: no records, no crash; too short to be one: not EVTX.
  const Read header = readAll(file.substr(0, 1000));
  EXPECT_TRUE(header.opened);
  EXPECT_TRUE(header.records.empty());
  EXPECT_FALSE(readAll(file.substr(0, 5)).opened);
  EXPECT_FALSE(readAll("").opened);
  EXPECT_FALSE(readAll(std::string(5000, 'x')).opened);
}

TEST(EvtxReaderDamage, ChunkHeader) {
  if (!fs::exists(kSamples / kFourChunks))
    GTEST_SKIP() << "no " << (kSamples / kFourChunks).string();
  const std::string file = sampleFile(kFourChunks, 4);
  const Read original = readAll(file);
  const size_t chunk1 = 4096 + 65536;
  struct Case {
    size_t at;
    char value;
    const char *problem;
  };
  for (const Case &c : {Case{chunk1 + 0x10, '\x7f', "bad header checksum"}, Case{chunk1 + 2, 'X', "bad signature"},
                        Case{chunk1 + 0x31, '\xff', "bad header checksum"},
                        Case{chunk1 + 0x200 + 40, '\x55', "bad record data checksum"}}) {
    SCOPED_TRACE(c.problem);
    std::string damaged = file;
    damaged[c.at] = c.value;
    const Read r = readAll(damaged);
    expectConsistent(r);
    EXPECT_EQ(r.stats.damagedChunks, 1u);
    ASSERT_FALSE(r.problems.empty());
    EXPECT_EQ(r.problems[0], "chunk 1 (offset 0x11000): " + std::string(c.problem));
    // The chunk's records validate on their own and still render (a byte of
    // record data changed: that record's value may differ).
    ASSERT_EQ(r.records.size(), original.records.size());
    expectUntouchedRecords(file, original, r, {1});
  }
}

TEST(EvtxReaderDamage, RecordSize) {
  if (!fs::exists(kSamples / kFourChunks))
    GTEST_SKIP() << "no " << (kSamples / kFourChunks).string();
  const std::string file = sampleFile(kFourChunks, 4);
  const Read original = readAll(file);
  const auto records = recordsOf(file, 1);
  for (uint32_t delta : {8u, 0x10000u, 3u}) {
    std::string damaged = file;
    set32(damaged, records[2].first + 4, records[2].second + delta);
    const Read r = readAll(damaged);
    expectConsistent(r);
    EXPECT_EQ(r.records.size(), original.records.size() - 1);
    EXPECT_EQ(r.stats.damagedRecords, 1u);
    char where[64];
    std::snprintf(where, sizeof where, " at offset 0x%zx: bad size", records[2].first);
    bool named = false;
    for (const std::string &m : r.problems)
      named |= m.rfind("record ", 0) == 0 && m.find(where) != std::string::npos;
    EXPECT_TRUE(named) << ::testing::PrintToString(r.problems);
    // All other records render as they did, those of the same chunk included.
    std::multiset<std::string> got;
    for (const Record &rec : r.records)
      got.insert(rec.json);
    const size_t lost = recordsOf(file, 0).size() + 2;
    for (size_t i = 0; i < original.records.size(); ++i)
      if (i != lost) {
        EXPECT_EQ(got.count(original.records[i].json), 1u) << i;
      }
  }
}

TEST(EvtxReaderDamage, RandomByteFlips) {
  if (!fs::exists(kSamples / kFourChunks))
    GTEST_SKIP() << "no " << (kSamples / kFourChunks).string();
  const std::string file = sampleFile(kFourChunks, 4);
  const Read original = readAll(file);
  std::mt19937_64 random(20240601);
  for (int variant = 0; variant < 400; ++variant) {
    // One flipped byte for the first 250 variants, then up to 24.
    const int flips = variant < 250 ? 1 : 1 + int(random() % 24);
    std::string damaged = file;
    std::set<size_t> chunks;
    bool headerTouched = false;
    for (int i = 0; i < flips; ++i) {
      const size_t at = random() % damaged.size();
      damaged[at] = static_cast<char>(damaged[at] ^ (1 + random() % 255));
      if (at < 4096)
        headerTouched = true;
      else
        chunks.insert((at - 4096) / 65536);
    }
    SCOPED_TRACE("variant " + std::to_string(variant));
    const Read r = readAll(damaged);
    ASSERT_TRUE(r.opened || headerTouched);
    if (!r.opened)
      continue;
    expectConsistent(r);
    expectUntouchedRecords(file, original, r, chunks);
    if (flips == 1) { // every record is either rendered or reported
      EXPECT_EQ(r.stats.records + r.stats.damagedRecords, original.records.size())
          << ::testing::PrintToString(r.problems);
    }
  }
}

/// The fuzz target's seeds and the inputs it found (fuzz/corpus/fuzz_evtx,
/// regress-*): read with both option sets, every record's JSON parses as
/// rulec parses events (in place, depth 64) and the counts add up.
TEST(EvtxReaderDamage, FuzzCorpus) {
  const fs::path dir = kRepo / "fuzz" / "corpus" / "fuzz_evtx";
  ASSERT_TRUE(fs::is_directory(dir));
  simdjson::dom::parser parser;
  ASSERT_FALSE(parser.allocate(simdjson::SIMDJSON_PADDING, 64));
  size_t files = 0;
  for (const auto &entry : fs::directory_iterator(dir)) {
    SCOPED_TRACE(entry.path().string());
    for (const auto &options : {rulec::evtx::JsonOptions{}, rulec::evtx::JsonOptions::evtxDump()}) {
      const Read r = readAll(readFile(entry.path()), options);
      if (!r.opened)
        continue;
      expectConsistent(r);
      for (const Record &rec : r.records) {
        simdjson::dom::element doc;
        EXPECT_FALSE(parser.parse(rec.json).get(doc)) << rec.json;
        EXPECT_TRUE(doc.is_object());
      }
    }
    ++files;
  }
  EXPECT_GE(files, 5u);
}

/// A record left in slack space (after the chunk's free-space offset, as a
/// wrapped log leaves older records) is not rendered; libevtx recovers it and
/// the reader counts it.
TEST(EvtxReaderDamage, SlackIsCountedNotRendered) {
  if (!fs::exists(kSamples / kFourChunks))
    GTEST_SKIP() << "no " << (kSamples / kFourChunks).string();
  std::string file = sampleFile(kFourChunks, 4);
  const Read original = readAll(file);
  const auto records = recordsOf(file, 0);
  const size_t base = 4096, last = records.back().first - base;
  set32(file, base + 48, static_cast<uint32_t>(last));
  set64(file, base + 16, get32(file, base + 8) + records.size() - 2); // last record number
  set64(file, base + 32, get32(file, base + 24) + records.size() - 2); // last record id
  set32(file, base + 44, static_cast<uint32_t>(records[records.size() - 2].first - base));
  set32(file, base + 52, crc32(file, base + 512, base + last));
  const std::string header = file.substr(base, 120) + file.substr(base + 128, 512 - 128);
  set32(file, base + 124, crc32(header, 0, header.size()));
  const fs::path tmp = fs::temp_directory_path() / ("rulec-evtx-slack-" + std::to_string(::getpid()) + ".evtx");
  std::ofstream(tmp, std::ios::binary) << file;
  EvtxReader reader;
  std::string error;
  ASSERT_TRUE(reader.open(tmp.string(), error)) << error;
  std::vector<std::string> problems;
  std::string_view json;
  uint64_t id;
  size_t n = 0;
  while (reader.next(json, id, [&](const std::string &m) { problems.push_back(m); }))
    EXPECT_NE(std::string(json), original.records[records.size() - 1].json) << "the slack record rendered";
  n = reader.stats().records;
  const Libevtx lib = libevtxRead(tmp, false);
  fs::remove(tmp);
  EXPECT_EQ(problems, std::vector<std::string>{});
  EXPECT_EQ(n, original.records.size() - 1);
  EXPECT_EQ(int64_t(n), lib.records);
  EXPECT_GE(lib.recovered, 1);
  EXPECT_EQ(reader.stats().recovered, uint64_t(lib.recovered));
}

/// A chunk of many records that each cost as much as one record may: the
/// chunk's budget ends them quickly, and the next chunk renders.
TEST(EvtxReaderDamage, ChunkBudget) {
  ChunkWriter w;
  size_t h = 0, a = 0;
  const auto instanceOf = [&](size_t definition) {
    w.raw(std::string("\x0c\x01\x00\x00\x00\x00", 6));
    std::string offset;
    put32(offset, static_cast<uint32_t>(definition));
    w.raw(offset);
    w.raw(std::string(4, '\0'));
  };
  for (uint64_t id = 1; id <= 300; ++id)
    w.record(id, [&] {
      w.fragment();
      w.open("Event", false, false);
      w.closeStart();
      if (id == 1) {
        h = w.instance(
            [&] {
              w.fragment();
              w.open("H");
              w.closeStart();
              w.text("x");
              w.end();
              w.eof();
            },
            {});
        a = w.instance(
            [&] {
              w.fragment();
              for (int i = 0; i < 1000; ++i)
                instanceOf(h);
              instanceOf(w.defining());
              instanceOf(w.defining());
              w.eof();
            },
            {});
      } else {
        instanceOf(a);
      }
      w.end();
      w.eof();
    });
  ChunkWriter good;
  good.record(301, [&] {
    good.fragment();
    good.open("Event", false, false);
    good.closeEmpty();
    good.eof();
  });
  const auto start = std::chrono::steady_clock::now();
  const Read r = readAll(evtxFile({w.finish(), good.finish()}));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  expectConsistent(r);
  EXPECT_EQ(r.stats.damagedRecords, 300u);
  ASSERT_EQ(r.records.size(), 1u);
  EXPECT_EQ(r.records[0].json, R"({"Event":null})");
  ASSERT_EQ(r.problems.size(), 300u);
  EXPECT_NE(r.problems.back().find("the chunk's records expand past the chunk's limit"), std::string::npos);
}
