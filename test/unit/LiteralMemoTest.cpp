//===- LiteralMemoTest.cpp - Needles of field values seen before ----------===//
//
// The memo must give a value's needles only for that value, byte for byte,
// and stop remembering a field whose values do not repeat. End to end, the
// SigmaList tests run packs with literal sets over events whose few values
// repeat (so most are answered from the memo) against the reference
// evaluator.
//
//===----------------------------------------------------------------------===//
#include "matching/LiteralMemo.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

using rulec::LiteralMemo;

namespace {

std::vector<uint32_t> lookup(LiteralMemo &memo, size_t field, const std::string &text, uint64_t hash) {
  const uint32_t *last = nullptr;
  const uint32_t *first = memo.find(field, text, hash, last);
  if (!first)
    return {UINT32_MAX}; // not remembered
  return std::vector<uint32_t>(first, last);
}

} // namespace

TEST(LiteralMemo, FindsOnlyTheSameBytes) {
  LiteralMemo memo(2);
  const uint64_t h = LiteralMemo::hash("powershell -enc AAAA");
  EXPECT_EQ(lookup(memo, 0, "powershell -enc AAAA", h), std::vector<uint32_t>{UINT32_MAX});
  memo.store(0, "powershell -enc AAAA", h, {7, 3});
  EXPECT_EQ(lookup(memo, 0, "powershell -enc AAAA", h), (std::vector<uint32_t>{7, 3}));
  // Another field, another hash, or other bytes under the same hash: not it.
  EXPECT_EQ(lookup(memo, 1, "powershell -enc AAAA", h), std::vector<uint32_t>{UINT32_MAX});
  EXPECT_EQ(lookup(memo, 0, "powershell -enc AAAA", h + 1), std::vector<uint32_t>{UINT32_MAX});
  EXPECT_EQ(lookup(memo, 0, "powershell -enc AAAB", h), std::vector<uint32_t>{UINT32_MAX});
  EXPECT_EQ(lookup(memo, 0, "powershell -enc AAA", h), std::vector<uint32_t>{UINT32_MAX});
  // A value with no needles is remembered too; a new value replaces the slot's.
  memo.store(0, "powershell -enc AAAB", h, {});
  EXPECT_EQ(lookup(memo, 0, "powershell -enc AAAB", h), std::vector<uint32_t>{});
  EXPECT_EQ(lookup(memo, 0, "powershell -enc AAAA", h), std::vector<uint32_t>{UINT32_MAX});
  // A longer value in the same slot grows its storage.
  const std::string longer(LiteralMemo::kMaxText, 'x');
  std::vector<uint32_t> many(100);
  for (uint32_t i = 0; i < many.size(); ++i)
    many[i] = i * 3;
  memo.store(0, longer, h, many);
  EXPECT_EQ(lookup(memo, 0, longer, h), many);
  memo.store(0, "", h, {1});
  EXPECT_EQ(lookup(memo, 0, "", h), std::vector<uint32_t>{1});
}

TEST(LiteralMemo, HashSeesEveryByte) {
  // Every one-byte change of texts of 0..80 bytes changes the hash (the
  // blocks overlap at the end; short texts are read whole).
  for (size_t n = 0; n <= 80; ++n) {
    std::string text;
    for (size_t i = 0; i < n; ++i)
      text += static_cast<char>('a' + i % 26);
    std::set<uint64_t> hashes = {LiteralMemo::hash(text)};
    for (size_t i = 0; i < n; ++i) {
      std::string changed = text;
      changed[i] = static_cast<char>(changed[i] ^ 0x20);
      EXPECT_TRUE(hashes.insert(LiteralMemo::hash(changed)).second) << "length " << n << ", byte " << i;
    }
    EXPECT_TRUE(hashes.insert(LiteralMemo::hash(text + '\0')).second) << "length " << n;
  }
}

TEST(LiteralMemo, StopsRememberingValuesThatDoNotRepeat) {
  LiteralMemo memo(2);
  // Field 0 repeats one value in four; field 1 never repeats.
  for (uint32_t i = 0; i < LiteralMemo::kProbe; ++i) {
    const std::string repeating = std::to_string(i % 4 == 0 ? 0 : i);
    const std::string unique = "u" + std::to_string(i);
    for (auto [field, text] : {std::pair<size_t, const std::string &>{0, repeating}, {1, unique}}) {
      ASSERT_TRUE(memo.active(field)) << "value " << i;
      const uint64_t h = LiteralMemo::hash(text);
      if (lookup(memo, field, text, h) == std::vector<uint32_t>{UINT32_MAX})
        memo.store(field, text, h, {});
    }
  }
  EXPECT_TRUE(memo.active(0));
  EXPECT_FALSE(memo.active(1));
  EXPECT_EQ(memo.lookups(), 2u * LiteralMemo::kProbe);
  EXPECT_NEAR(static_cast<double>(memo.hits()), LiteralMemo::kProbe / 4.0, 2);
  // After kPause values matched without it, the field is tried again.
  for (uint32_t i = 0; i + 1 < LiteralMemo::kPause; ++i)
    memo.skipped(1);
  EXPECT_FALSE(memo.active(1));
  memo.skipped(1);
  EXPECT_TRUE(memo.active(1));
}
