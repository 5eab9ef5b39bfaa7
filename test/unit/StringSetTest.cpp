//===- StringSetTest.cpp - has_any through the term index = each member as `has`
//
// A let-table set answers has_any from an index of its members' leading
// terms (runtime/EvalContext.h). It must answer exactly as testing every
// member with rulec_rt_has, the `has` of docs/kql.md: checked here on the
// edges by name, then on random strings and members over an alphabet of
// term bytes, separators, '_' and a non-ASCII byte, with retention times.
//
//===----------------------------------------------------------------------===//
#include "EvalContext.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <random>
#include <string>
#include <vector>

using rulec::StringSet;

namespace {

bool hasAny(const StringSet &set, const std::string &s, int64_t since = INT64_MIN) {
  return set.match(s, RULEC_SET_HAS_ANY, since);
}

TEST(StringSet, HasAnyIsHasOfSomeMember) {
  StringSet set;
  for (const char *m : {"america", "1.2.3.4", "AmazonAPIGateway_", "-x", "user@corp"})
    set.insert(m, 0);
  EXPECT_TRUE(hasAny(set, "North America"));            // a whole term, any case
  EXPECT_FALSE(hasAny(set, "NorthAmerican"));           // not on term boundaries
  EXPECT_TRUE(hasAny(set, "from 1.2.3.4:443"));         // a member of several terms
  EXPECT_FALSE(hasAny(set, "from 11.2.3.4"));           // its leading term is not the string's
  EXPECT_FALSE(hasAny(set, "from 1.2.3.45"));           // ... nor its last
  EXPECT_TRUE(hasAny(set, "ua=AmazonAPIGateway_7x"));   // its `_` end needs no boundary
  EXPECT_TRUE(hasAny(set, "a-x"));                      // a member with no leading term
  EXPECT_TRUE(hasAny(set, "mail USER@CORP.example"));   // case folded on both sides
  EXPECT_FALSE(hasAny(set, "nothing here"));
  StringSet empty;
  EXPECT_FALSE(hasAny(empty, "anything"));
  empty.insert("", 0);
  EXPECT_TRUE(hasAny(empty, "anything")); // an empty member matches, as an empty `has` term
}

TEST(StringSet, HasAnyKeepsRetention) {
  StringSet set;
  set.insert("old", 10);
  set.insert("new", 20);
  EXPECT_TRUE(hasAny(set, "an old one", 5));
  EXPECT_FALSE(hasAny(set, "an old one", 15));
  EXPECT_TRUE(hasAny(set, "a new one", 15));
  set.insert("OLD", 30); // the folded member is newer now
  EXPECT_TRUE(hasAny(set, "an old one", 25));
}

TEST(StringSet, HasAnyAgreesWithEachMemberAsHas) {
  std::mt19937 rng(7);
  // Few distinct bytes, so that members often occur in the strings, and
  // at the edges that matter (a member that ends inside a longer term).
  const std::string alphabet = "aaAb0 ..-_\xc3";
  auto word = [&](size_t maxLength) {
    std::string out(std::uniform_int_distribution<size_t>(0, maxLength)(rng), ' ');
    for (char &c : out)
      c = alphabet[std::uniform_int_distribution<size_t>(0, alphabet.size() - 1)(rng)];
    return out;
  };
  for (int round = 0; round < 2000; ++round) {
    StringSet set;
    std::vector<std::pair<std::string, int64_t>> members;
    const int n = std::uniform_int_distribution<int>(0, 12)(rng);
    for (int i = 0; i < n; ++i) {
      std::string m = word(5);
      const int64_t time = std::uniform_int_distribution<int64_t>(0, 9)(rng);
      set.insert(m, time);
      std::string folded = m;
      for (char &c : folded)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      auto it = std::find_if(members.begin(), members.end(), [&](const auto &p) { return p.first == folded; });
      if (it == members.end())
        members.emplace_back(folded, time);
      else
        it->second = std::max(it->second, time);
    }
    for (int k = 0; k < 40; ++k) {
      const std::string s = word(16);
      const int64_t since = std::uniform_int_distribution<int64_t>(0, 10)(rng);
      const bool expected = std::any_of(members.begin(), members.end(), [&](const auto &p) {
        return p.second >= since && rulec_rt_has(s.data(), static_cast<uint32_t>(s.size()), p.first.data(),
                                                 static_cast<uint32_t>(p.first.size()), 0);
      });
      ASSERT_EQ(hasAny(set, s, since), expected) << "string '" << s << "' since " << since << ", round " << round;
    }
  }
}

} // namespace
