//===- LiteralScanTest.cpp - The literal matchers against plain searches --===//
//
// SubstringScanner, AffixTable and EqualsTable (runtime/) must report exactly the needles
// a naive search finds: checked on random needle sets and texts over a small
// alphabet (so that needles overlap, repeat and share anchors), with needles
// of 1 to 12 bytes, non-ASCII bytes, and texts that are needles themselves.
//
//===----------------------------------------------------------------------===//
#include "matching/AffixTable.h"
#include "matching/AsciiFold.h"
#include "matching/EqualsTable.h"
#include "matching/SubstringScanner.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

using namespace rulec;

namespace {

class RandomStrings {
public:
  explicit RandomStrings(uint32_t seed) : rng_(seed) {}

  std::string make(size_t minLength, size_t maxLength) {
    static const char alphabet[] = {'a', 'b', 'c', '.', '\\', ' ', 'e', 'x', '\xc3', '\xa9', '-'};
    std::string s(pick(minLength, maxLength), 'a');
    for (char &c : s)
      c = alphabet[pick(0, sizeof alphabet - 1)];
    return s;
  }
  std::vector<std::string> needles(size_t count, size_t minLength) {
    std::set<std::string> distinct;
    while (distinct.size() < count)
      distinct.insert(make(minLength, 12));
    return {distinct.begin(), distinct.end()};
  }
  /// A text: random bytes around copies of some needles.
  std::string text(const std::vector<std::string> &needles) {
    std::string t = make(0, 6);
    for (int k = static_cast<int>(pick(0, 3)); k > 0; --k)
      t += needles[pick(0, needles.size() - 1)] + make(0, 4);
    return t;
  }
  size_t pick(size_t lo, size_t hi) { return std::uniform_int_distribution<size_t>(lo, hi)(rng_); }

private:
  std::mt19937 rng_;
};

/// The text with SubstringScanner::kPadding readable bytes after it.
std::string padded(const std::string &text) { return text + std::string(SubstringScanner::kPadding, '\x7f'); }

TEST(SubstringScanner, FindsWhatASearchFinds) {
  for (uint32_t seed = 1; seed <= 20; ++seed) {
    RandomStrings gen(seed);
    // Few needles share windows; many (hundreds) fill the filter and buckets.
    const std::vector<std::string> needles = gen.needles(seed % 2 ? 12 : 400, 1);
    const SubstringScanner scanner(needles);
    size_t found = 0;
    for (int t = 0; t < 300; ++t) {
      const std::string text = gen.text(needles), buffer = padded(text);
      std::set<uint32_t> got;
      scanner.scan(buffer.data(), text.size(), [&](uint32_t i) { got.insert(i); });
      for (uint32_t i = 0; i < needles.size(); ++i)
        ASSERT_EQ(got.count(i) == 1, text.find(needles[i]) != std::string::npos)
            << "seed " << seed << ", needle \"" << needles[i] << "\" in \"" << text << "\"";
      found += got.size();
    }
    EXPECT_GT(found, 300u); // texts hold needles, or the comparison proves little
  }
}

TEST(SubstringScanner, NeedlesAtBothEndsAndWholeTexts) {
  const std::vector<std::string> needles = {"abcd", "bcde", "a", "de", "abcdefgh", "h", "ghij", "\xc3\xa9"};
  const SubstringScanner scanner(needles);
  auto found = [&](const std::string &text) {
    const std::string buffer = padded(text);
    std::set<std::string> out;
    scanner.scan(buffer.data(), text.size(), [&](uint32_t i) { out.insert(needles[i]); });
    return out;
  };
  EXPECT_EQ(found("abcd"), (std::set<std::string>{"abcd", "a"}));
  EXPECT_EQ(found("abcdefgh"), (std::set<std::string>{"abcd", "bcde", "a", "de", "abcdefgh", "h"}));
  EXPECT_EQ(found("xxghij"), (std::set<std::string>{"h", "ghij"}));
  EXPECT_EQ(found("ghi"), (std::set<std::string>{"h"})); // "ghij" runs past the end
  EXPECT_EQ(found("\xc3\xa9"), (std::set<std::string>{"\xc3\xa9"}));
  EXPECT_EQ(found(""), (std::set<std::string>{}));
  // Bytes past the end never match, whatever the padding holds.
  const std::string cut = "abcdefg";
  std::string buffer = cut + "h" + std::string(SubstringScanner::kPadding, 'h');
  std::set<std::string> out;
  scanner.scan(buffer.data(), cut.size(), [&](uint32_t i) { out.insert(needles[i]); });
  EXPECT_EQ(out, (std::set<std::string>{"abcd", "bcde", "a", "de"}));
}

TEST(AffixTable, FindsWhatAComparisonFinds) {
  using Anchor = AffixTable::Anchor;
  for (uint32_t seed = 1; seed <= 12; ++seed) {
    RandomStrings gen(seed);
    // Few needles; many (with long shared runs: one-child chains).
    const std::vector<std::string> needles = gen.needles(seed % 2 ? 10 : 300, 1);
    for (Anchor anchor : {Anchor::Start, Anchor::End}) {
      const AffixTable table(needles, anchor);
      size_t found = 0;
      for (int t = 0; t < 300; ++t) {
        // Texts that are needles, or hold one at an end.
        std::string text = gen.text(needles);
        const std::string &some = needles[gen.pick(0, needles.size() - 1)];
        if (gen.pick(0, 2) == 0)
          text = some;
        else if (gen.pick(0, 1))
          text = anchor == Anchor::End ? gen.make(0, 5) + some : some + gen.make(0, 5);
        std::multiset<uint32_t> got;
        table.match(text.data(), text.size(), [&](uint32_t i) { got.insert(i); });
        for (uint32_t i = 0; i < needles.size(); ++i) {
          const std::string &n = needles[i];
          const bool expected = anchor == Anchor::Start ? text.compare(0, n.size(), n) == 0
                                                        : text.size() >= n.size() &&
                                                              text.compare(text.size() - n.size(), n.size(), n) == 0;
          ASSERT_EQ(got.count(i), expected ? 1u : 0u)
              << "seed " << seed << ", needle \"" << n << "\", text \"" << text << "\"";
        }
        found += got.size();
      }
      EXPECT_GT(found, 100u);
    }
  }
}

TEST(AffixTable, LongSharedRuns) {
  // Runs of more than 8 bytes no needle branches in, needles inside them
  // and at their ends, and texts that stop inside one.
  const std::vector<std::string> needles = {"c:\\windows\\system32\\", "c:\\windows\\system32\\cmd.exe",
                                            "c:\\windows\\", "c:\\windows\\syswow64\\", "d:"};
  const AffixTable start(needles, AffixTable::Anchor::Start), end(needles, AffixTable::Anchor::End);
  auto found = [](const AffixTable &table, const std::string &text) {
    std::set<uint32_t> out;
    table.match(text.data(), text.size(), [&](uint32_t i) { out.insert(i); });
    return out;
  };
  EXPECT_EQ(found(start, "c:\\windows\\system32\\cmd.exe /c"), (std::set<uint32_t>{0, 1, 2}));
  EXPECT_EQ(found(start, "c:\\windows\\syswow64\\x"), (std::set<uint32_t>{2, 3}));
  EXPECT_EQ(found(start, "c:\\windows\\system3"), (std::set<uint32_t>{2}));
  EXPECT_EQ(found(start, "c:\\window"), (std::set<uint32_t>{}));
  EXPECT_EQ(found(end, "x c:\\windows\\system32\\cmd.exe"), (std::set<uint32_t>{1}));
  EXPECT_EQ(found(end, "e:\\c:\\windows\\"), (std::set<uint32_t>{2}));
  EXPECT_EQ(found(end, "ad:"), (std::set<uint32_t>{4}));
  EXPECT_EQ(found(end, "windows\\"), (std::set<uint32_t>{}));
}

TEST(EqualsTable, FindsWhatAComparisonFinds) {
  for (uint32_t seed = 1; seed <= 12; ++seed) {
    RandomStrings gen(seed);
    std::vector<std::string> needles = gen.needles(seed % 2 ? 10 : 300, 1);
    needles.push_back("");
    needles.push_back(needles[0]); // given twice: the first index
    const EqualsTable table(needles);
    size_t found = 0;
    for (int t = 0; t < 300; ++t) {
      const std::string text = gen.pick(0, 1) ? needles[gen.pick(0, needles.size() - 1)] : gen.text(needles);
      std::vector<uint32_t> got;
      table.match(text.data(), text.size(), [&](uint32_t i) { got.push_back(i); });
      const auto it = std::find(needles.begin(), needles.end(), text);
      if (it == needles.end())
        ASSERT_TRUE(got.empty()) << text;
      else
        ASSERT_EQ(got, std::vector<uint32_t>{static_cast<uint32_t>(it - needles.begin())}) << text;
      found += got.size();
    }
    EXPECT_GT(found, 100u);
  }
}

TEST(AffixTable, WideNodesAndEveryByte) {
  // A root with all 256 bytes as children (a table, not inline labels).
  std::vector<std::string> needles;
  for (int c = 0; c < 256; ++c)
    needles.push_back(std::string(1, static_cast<char>(c)) + "z");
  const AffixTable table(needles, AffixTable::Anchor::Start);
  for (int c = 0; c < 256; ++c) {
    const std::string text = std::string(1, static_cast<char>(c)) + "zz";
    std::vector<uint32_t> got;
    table.match(text.data(), text.size(), [&](uint32_t i) { got.push_back(i); });
    ASSERT_EQ(got, std::vector<uint32_t>{static_cast<uint32_t>(c)}) << c;
  }
}

TEST(AffixTable, ZeroBytesAreNoChildren) {
  // A node's unused label bytes are zero: a text byte 0 must not follow them
  // (into "bx", numbered right after the children of "a").
  const AffixTable start({"ab", "ac", "bx"}, AffixTable::Anchor::Start);
  const AffixTable withZero({"ab", "ac", std::string("a\0", 2)}, AffixTable::Anchor::Start);
  const std::string text("a\0", 2);
  std::vector<uint32_t> got;
  start.match(text.data(), text.size(), [&](uint32_t i) { got.push_back(i); });
  EXPECT_EQ(got, std::vector<uint32_t>{});
  withZero.match(text.data(), text.size(), [&](uint32_t i) { got.push_back(i); });
  EXPECT_EQ(got, std::vector<uint32_t>{2});
}

TEST(AsciiFold, FoldsOnlyAsciiLetters) {
  std::string in;
  for (int c = 0; c < 256; ++c)
    in.push_back(static_cast<char>(c));
  in += in; // past the 16-byte blocks too
  std::string out(in.size(), '\0');
  EXPECT_TRUE(foldAscii(in.data(), in.size(), out.data()));
  for (size_t i = 0; i < in.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(in[i]);
    ASSERT_EQ(static_cast<unsigned char>(out[i]), c >= 'A' && c <= 'Z' ? c + 32 : c) << i;
  }
  const std::string ascii = "ABC def GHI jkl MNO pqr STU";
  EXPECT_FALSE(foldAscii(ascii.data(), ascii.size(), out.data()));
  EXPECT_EQ(out.substr(0, ascii.size()), "abc def ghi jkl mno pqr stu");
  // Every length (byte loop, 8-byte words, 16-byte blocks, overlapping
  // last blocks), with the non-ASCII byte at each place.
  const std::string sample = "Z@[`az{AZ\x7f\x80\xff\xc3\x89 Mixed CASE 0123 ~!" "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  for (size_t n = 0; n <= sample.size(); ++n)
    for (size_t at = 0; at <= n; ++at) {
      std::string text = sample.substr(0, n);
      for (char &c : text)
        if (static_cast<unsigned char>(c) >= 0x80)
          c = 'q';
      if (at < n)
        text[at] = '\xe9';
      std::string got(n + 1, '#'), want(n, '\0');
      for (size_t i = 0; i < n; ++i)
        want[i] = text[i] >= 'A' && text[i] <= 'Z' ? static_cast<char>(text[i] + 32) : text[i];
      ASSERT_EQ(foldAscii(text.data(), n, got.data()), at < n) << n << " " << at;
      ASSERT_EQ(got.substr(0, n), want) << n << " " << at;
      ASSERT_EQ(got[n], '#') << "wrote past the end at " << n;
    }
}

} // namespace
