//===- KeywordScanner.cpp -------------------------------------------------===//
#include "matching/KeywordScanner.h"

#include "matching/AsciiFold.h"
#include "matching/EventValues.h"
#include "output/JsonString.h"

#include <hs.h>

namespace rulec {

namespace {

/// How JSON writes `needle` inside a string when it escapes only what it
/// must.
std::string jsonEscaped(const std::string &needle) {
  std::string out;
  appendJsonEscaped(out, needle);
  return out;
}

/// The ids of the two extra literals of every group's database: `\u` and
/// `\/`, the escapes jsonEscaped does not produce. Their matches are checked
/// for being escapes (an odd run of backslashes before the letter: `\\u`
/// in "C:\\Users" is not one); one that is stops the scan, and the group is
/// then searched value by value.
constexpr unsigned kEscapeU = 0xFFFFFFF0u, kEscapeSlash = 0xFFFFFFF1u;

struct ScanState {
  std::string_view text;
  std::vector<uint32_t> *hits;
  bool escaped = false;
};

int onMatch(unsigned int id, unsigned long long, unsigned long long to, unsigned int, void *context) {
  auto *state = static_cast<ScanState *>(context);
  if (id < kEscapeU) {
    state->hits->push_back(id); // once: HS_FLAG_SINGLEMATCH
    return 0;
  }
  // `to` is just past the letter; the backslashes end right before it.
  size_t backslashes = 0;
  for (size_t i = static_cast<size_t>(to) - 1; i > 0 && state->text[i - 1] == '\\'; --i)
    ++backslashes;
  if (backslashes % 2 == 0)
    return 0; // an escaped backslash, then a plain letter
  state->escaped = true;
  return 1; // stop: the scan cannot be trusted
}

/// Whether folded `needle` is in `text` ignoring ASCII case.
bool containsFolded(std::string_view text, const std::string &needle, std::string &buffer) {
  if (text.size() < needle.size())
    return false;
  buffer.resize(text.size());
  foldAscii(text.data(), text.size(), buffer.data());
  return std::string_view(buffer).find(needle) != std::string_view::npos;
}

} // namespace

std::unique_ptr<KeywordScanner> KeywordScanner::build(const std::vector<std::string> &needles,
                                                      const std::vector<uint32_t> &groups, std::string &error) {
  if (!groups.empty() && groups.size() != needles.size()) {
    error = "keyword groups do not fit the keywords";
    return nullptr;
  }
  std::unique_ptr<KeywordScanner> out(new KeywordScanner);
  out->needles_ = needles;
  for (uint32_t i = 0; i < needles.size(); ++i) {
    if (needles[i].empty()) {
      error = "keyword " + std::to_string(i) + " is empty";
      return nullptr;
    }
    const uint32_t g = groups.empty() ? 0 : groups[i];
    if (g > needles.size()) {
      error = "keyword " + std::to_string(i) + " has group " + std::to_string(g) + " of at most " +
              std::to_string(needles.size());
      return nullptr;
    }
    while (out->groups_.size() <= g)
      out->groups_.push_back(std::make_unique<Group>());
    out->groups_[g]->keywords.push_back(i);
    out->groupOf_.push_back(g);
  }
  for (const auto &g : out->groups_)
    out->compile(*g);
  return out;
}

KeywordScanner::~KeywordScanner() {
  for (const auto &g : groups_)
    hs_free_database(g->db);
}

void KeywordScanner::compile(Group &g) const {
  std::vector<std::string> escaped;
  for (uint32_t i : g.keywords)
    escaped.push_back(jsonEscaped(needles_[i]));
  std::vector<const char *> expressions;
  std::vector<size_t> lengths;
  std::vector<unsigned> flags, ids(g.keywords.begin(), g.keywords.end());
  for (const std::string &e : escaped) {
    expressions.push_back(e.data());
    lengths.push_back(e.size());
    flags.push_back(HS_FLAG_CASELESS | HS_FLAG_SINGLEMATCH);
  }
  static const char *const escapes[] = {"\\u", "\\/"};
  for (const char *e : escapes) {
    expressions.push_back(e);
    lengths.push_back(2);
    flags.push_back(0); // every occurrence: each is checked
  }
  ids.push_back(kEscapeU);
  ids.push_back(kEscapeSlash);
  hs_compile_error_t *compileError = nullptr;
  if (g.keywords.empty() ||
      hs_compile_lit_multi(expressions.data(), flags.data(), ids.data(), lengths.data(),
                           static_cast<unsigned>(expressions.size()), HS_MODE_BLOCK, nullptr, &g.db,
                           &compileError) != HS_SUCCESS) {
    hs_free_compile_error(compileError);
    g.db = nullptr;
  }
}

KeywordScanner::Scratch::Scratch(const KeywordScanner &scanner) : fits_(scanner.groups(), 0) {}

KeywordScanner::Scratch::~Scratch() { hs_free_scratch(scratch_); }

bool KeywordScanner::scanInto(uint32_t group, std::string_view text, simdjson::dom::element root,
                              Scratch &scratch) const {
  const Group &g = *groups_[group];
  if (g.db && !scratch.fits_[group])
    scratch.fits_[group] = hs_alloc_scratch(g.db, &scratch.scratch_) == HS_SUCCESS; // grows it for this database
  if (g.db && scratch.fits_[group]) {
    ScanState state{text, &scratch.hits_};
    hs_scan(g.db, text.data(), static_cast<unsigned>(text.size()), 0, scratch.scratch_, onMatch, &state);
    if (!state.escaped)
      return false;
    scratch.hits_.clear();
  }
  for (uint32_t i : g.keywords)
    if (occurs(i, text, root))
      scratch.hits_.push_back(i);
  return true;
}

bool KeywordScanner::occurs(uint32_t i, std::string_view text, simdjson::dom::element root) const {
  const std::string &needle = needles_[i];
  std::string buffer;
  return anyEventValue(root, text, [&](std::string_view value) { return containsFolded(value, needle, buffer); });
}

} // namespace rulec
