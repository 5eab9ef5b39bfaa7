//===- fuzz_literals.cpp - The literal matchers against plain searches ----===//
//
// An input is split at 0xff bytes: the first parts are needles, the last one
// the text. SubstringScanner, AffixTable (both anchors) and EqualsTable
// must report exactly the needles a plain search finds; any difference
// aborts. Needles of every length and byte (the scanner's windows, the radix
// tree's runs and wide nodes, Teddy's 16-byte blocks) and texts at the edges of the
// padding are what the unit tests sample and this explores.
//
//===----------------------------------------------------------------------===//
#include "matching/AffixTable.h"
#include "matching/EqualsTable.h"
#include "matching/SubstringScanner.h"

#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

using namespace rulec;

namespace {

void check(bool ok, const char *what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz_literals: %s disagrees with a plain search\n", what);
    std::abort();
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::vector<std::string> parts(1);
  for (size_t i = 0; i < size; ++i) {
    if (data[i] == 0xff)
      parts.emplace_back();
    else
      parts.back().push_back(static_cast<char>(data[i]));
  }
  const std::string text = parts.back();
  std::vector<std::string> needles;
  std::set<std::string> distinct;
  for (size_t i = 0; i + 1 < parts.size() && needles.size() < 512; ++i)
    if (!parts[i].empty() && distinct.insert(parts[i]).second)
      needles.push_back(parts[i]);
  if (needles.empty())
    return 0;

  // The scan may read kPadding bytes past the text: give it exactly that.
  std::vector<char> padded(text.begin(), text.end());
  padded.resize(text.size() + SubstringScanner::kPadding, '\x7f');
  std::set<uint32_t> got;
  SubstringScanner(needles).scan(padded.data(), text.size(), [&](uint32_t i) { got.insert(i); });
  for (uint32_t i = 0; i < needles.size(); ++i)
    check(got.count(i) == (text.find(needles[i]) != std::string::npos), "SubstringScanner");

  for (auto anchor : {AffixTable::Anchor::Start, AffixTable::Anchor::End}) {
    std::multiset<uint32_t> hits;
    AffixTable(needles, anchor).match(text.data(), text.size(), [&](uint32_t i) { hits.insert(i); });
    for (uint32_t i = 0; i < needles.size(); ++i) {
      const std::string &n = needles[i];
      const bool at = n.size() <= text.size() &&
                      text.compare(anchor == AffixTable::Anchor::Start ? 0 : text.size() - n.size(), n.size(), n) == 0;
      check(hits.count(i) == (at ? 1u : 0u), "AffixTable");
    }
  }

  std::vector<uint32_t> equal;
  EqualsTable(needles).match(text.data(), text.size(), [&](uint32_t i) { equal.push_back(i); });
  size_t expected = 0;
  for (uint32_t i = 0; i < needles.size(); ++i)
    expected += needles[i] == text;
  check(equal.size() == expected && (equal.empty() || needles[equal[0]] == text), "EqualsTable");
  return 0;
}
