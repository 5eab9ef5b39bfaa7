//===- KeywordScannerTest.cpp - One scan of the text, as value by value ---===//
//
// The keyword scan (runtime/matching/KeywordScanner.h) must answer as a
// search of every value would: on random events (strings with escapes,
// control characters, `\u` and `\/`, numbers, booleans, nested objects and
// arrays, keywords as keys) and random keywords, a keyword the scan does
// not report is in no value, and occurs() says exactly whether it is.
//
//===----------------------------------------------------------------------===//
#include "matching/KeywordScanner.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <random>
#include <set>
#include <string>
#include <vector>

using namespace rulec;

namespace {

std::string lower(std::string s) {
  for (char &c : s)
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  return s;
}

/// The reference: every string value, unescaped, and every number and
/// boolean as written; a keyword occurs when one holds it ignoring case.
class Event {
public:
  explicit Event(std::mt19937 &rng) : rng_(rng) {}
  std::string json;
  std::vector<std::string> values;

  void object(int depth) {
    json += '{';
    const int members = pick(0, 4);
    for (int m = 0; m < members; ++m) {
      if (m)
        json += ',';
      json += '"' + escape(text()) + "\":"; // keys are not values
      value(depth + 1);
    }
    json += '}';
  }

private:
  int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  std::string text() {
    static const std::vector<std::string> pieces = {"a", "B", "evil", "EXE", ".", "\\", "\"", "/", " ", "42",
                                                    "\n", "\t", "\x01", "true", "mimi", "katz", ":", "\xC3\xA9"};
    std::string s;
    for (int i = pick(0, 6); i > 0; --i)
      s += pieces[pick(0, static_cast<int>(pieces.size()) - 1)];
    return s;
  }
  /// As a JSON writer might: escapes what it must, and sometimes more.
  std::string escape(const std::string &s) {
    std::string out;
    for (char c : s) {
      const unsigned char u = static_cast<unsigned char>(c);
      if (c == '"' || c == '\\') {
        out += '\\';
        out += c;
      } else if (c == '/' && pick(0, 4) == 0) {
        out += "\\/";
      } else if (u < 0x20 || (u < 0x80 && pick(0, 20) == 0)) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", u);
        out += buf;
      } else {
        out += c;
      }
    }
    return out;
  }
  void value(int depth) {
    switch (depth > 3 ? pick(0, 2) : pick(0, 4)) {
    case 0: {
      const std::string s = text();
      values.push_back(s);
      json += '"' + escape(s) + '"';
      break;
    }
    case 1: {
      static const std::vector<std::string> scalars = {"42", "-7", "4.5e3", "true", "false", "0", "1042"};
      const std::string s = scalars[pick(0, static_cast<int>(scalars.size()) - 1)];
      values.push_back(s);
      json += s;
      break;
    }
    case 2:
      json += "null";
      break;
    case 3: {
      json += '[';
      for (int i = pick(0, 3); i > 0; --i) {
        value(depth + 1);
        if (i > 1)
          json += ',';
      }
      json += ']';
      break;
    }
    default:
      object(depth + 1);
    }
  }
  std::mt19937 &rng_;
};

TEST(KeywordScanner, AnswersAsAValueByValueSearch) {
  const std::vector<std::string> keywords = {"evil",   "evil.exe", "\\evil", "\"evil", "a/b",   "42",   "4.5e3",
                                             "true",   "mimikatz", "e:",     "\n",     "b\\\"", "\xc3\xa9", "/",
                                             "ka",     "e\"",      "exe\\",  "1042",   "a\tb"};
  std::string error;
  std::vector<uint32_t> groups;
  for (size_t i = 0; i < keywords.size(); ++i)
    groups.push_back(static_cast<uint32_t>(i % 3));
  auto scanner = KeywordScanner::build(keywords, groups, error);
  ASSERT_TRUE(scanner) << error;
  KeywordScanner::Scratch scratch(*scanner);
  simdjson::dom::parser parser;
  std::mt19937 rng(11);
  size_t present = 0, reported = 0;
  for (int round = 0; round < 3000; ++round) {
    Event e(rng);
    e.object(0);
    simdjson::dom::element root;
    ASSERT_EQ(parser.parse(e.json).get(root), simdjson::SUCCESS) << e.json;
    std::set<uint32_t> found;
    for (uint32_t g = 0; g < scanner->groups(); ++g)
      scanner->scan(g, e.json, root, scratch, [&](uint32_t k) { found.insert(k); });
    for (uint32_t k = 0; k < keywords.size(); ++k) {
      bool inValue = false;
      for (const std::string &v : e.values)
        inValue = inValue || lower(v).find(keywords[k]) != std::string::npos;
      ASSERT_TRUE(!inValue || found.count(k)) << "missed '" << keywords[k] << "' in " << e.json;
      ASSERT_EQ(scanner->occurs(k, e.json, root), inValue) << "'" << keywords[k] << "' in " << e.json;
      present += inValue;
      reported += found.count(k);
    }
  }
  EXPECT_GT(present, 1000u);
  EXPECT_GE(reported, present);
}

} // namespace
