//===- HelpersTest.cpp - The string helpers generated code calls ----------===//
#include "rulec/abi.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace {

std::string lowerAscii(std::string s) {
  for (char &c : s)
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  return s;
}

/// icontains as its definition says: some position where the folded
/// haystack equals the (lower-case) needle.
bool naiveIcontains(const std::string &s, const std::string &lowerNeedle) {
  return lowerAscii(s).find(lowerNeedle) != std::string::npos;
}

// Haystacks long enough for the 16-byte path and its tail, from an alphabet
// with the bytes that OR 0x20 would confuse ('@' '`' '[' '{' '\\' '|' '^' '~').
TEST(Helpers, IcontainsAgreesWithItsDefinition) {
  const std::string alphabet = "aAbBzZ@`[{\\|^~ -\x80\xE2";
  std::mt19937 rng(3);
  auto randomString = [&](size_t len) {
    std::string s;
    for (size_t i = 0; i < len; ++i)
      s += alphabet[std::uniform_int_distribution<size_t>(0, alphabet.size() - 1)(rng)];
    return s;
  };
  size_t found = 0;
  for (int iter = 0; iter < 20000; ++iter) {
    const std::string s = randomString(std::uniform_int_distribution<size_t>(0, 70)(rng));
    std::string needle = lowerAscii(randomString(std::uniform_int_distribution<size_t>(0, 4)(rng)));
    if (iter % 3 == 0 && s.size() > 5) // often a real piece of s
      needle = lowerAscii(s.substr(s.size() / 2, std::uniform_int_distribution<size_t>(1, 5)(rng)));
    const bool expected = naiveIcontains(s, needle);
    ASSERT_EQ(rulec_rt_icontains(s.data(), static_cast<uint32_t>(s.size()), needle.data(),
                                 static_cast<uint32_t>(needle.size())) != 0,
              expected)
        << "haystack '" << s << "' needle '" << needle << "'";
    found += expected;
  }
  EXPECT_GT(found, 5000u);
  EXPECT_LT(found, 15000u);
}

// The same for the field-to-field and Sigma-list form (rulec_rt_compare_fields
// with RULEC_CMP_ICONTAINS), whose needle may hold upper case too.
TEST(Helpers, CompareFieldsIcontainsAgreesWithItsDefinition) {
  const std::string alphabet = "aAbBzZ@`[{\\|^~ -\x80\xE2";
  std::mt19937 rng(5);
  auto randomString = [&](size_t len) {
    std::string s;
    for (size_t i = 0; i < len; ++i)
      s += alphabet[std::uniform_int_distribution<size_t>(0, alphabet.size() - 1)(rng)];
    return s;
  };
  auto value = [](const std::string &s) {
    rulec_value v{};
    v.kind = RULEC_STRING;
    v.len = static_cast<uint32_t>(s.size());
    v.payload.s = s.data();
    return v;
  };
  size_t found = 0;
  for (int iter = 0; iter < 20000; ++iter) {
    const std::string s = randomString(std::uniform_int_distribution<size_t>(0, 90)(rng));
    std::string needle = randomString(std::uniform_int_distribution<size_t>(0, 4)(rng));
    if (iter % 3 == 0 && s.size() > 5)
      needle = s.substr(std::uniform_int_distribution<size_t>(0, s.size() - 1)(rng),
                        std::uniform_int_distribution<size_t>(1, 5)(rng));
    const bool expected = lowerAscii(s).find(lowerAscii(needle)) != std::string::npos;
    const rulec_value a = value(s), b = value(needle);
    ASSERT_EQ(rulec_rt_compare_fields(&a, &b, RULEC_CMP_ICONTAINS) != 0, expected)
        << "haystack '" << s << "' needle '" << needle << "'";
    found += expected;
  }
  EXPECT_GT(found, 5000u);
  EXPECT_LT(found, 15000u);
}

TEST(Helpers, IeqAgreesWithItsDefinition) {
  // Every byte value at every position of a 40-byte string (the 16-byte path
  // and the tail): folded, it equals the needle only where lowerAscii says.
  std::string s(40, 'q');
  for (size_t pos : {0u, 15u, 16u, 31u, 39u})
    for (int b = 0; b < 256; ++b) {
      s[pos] = static_cast<char>(b);
      for (int n = 0; n < 256; n += 37) {
        std::string needle = lowerAscii(s);
        needle[pos] = static_cast<char>(n);
        const bool expected = lowerAscii(s) == needle;
        ASSERT_EQ(rulec_rt_ieq(s.data(), 40, needle.data(), 40) != 0, expected) << pos << " " << b << " " << n;
      }
      std::string needle = lowerAscii(s);
      ASSERT_TRUE(rulec_rt_ieq(s.data(), 40, needle.data(), 40)) << pos << " " << b;
      s[pos] = 'q';
    }
}

TEST(Helpers, IcontainsEdges) {
  const std::string s = "0123456789abcdefXYZ"; // the match ends in the last byte
  EXPECT_TRUE(rulec_rt_icontains(s.data(), 19, "xyz", 3));
  EXPECT_TRUE(rulec_rt_icontains(s.data(), 19, "", 0));
  EXPECT_FALSE(rulec_rt_icontains(s.data(), 18, "xyz", 3)); // never reads past n
  EXPECT_FALSE(rulec_rt_icontains("\\", 1, "|", 1));
  EXPECT_FALSE(rulec_rt_icontains("@", 1, "`", 1));
}

} // namespace
