//===- SigmaRegexTest.cpp - PCRE's `$` and `\Z` spelled for RE2 -----------===//
#include "sigma/SigmaRegex.h"

#include <gtest/gtest.h>
#include <re2/re2.h>

using rulec::sigma::pcreToRe2;

namespace {

const std::string kEnd = "(?:\\n?\\z)";

TEST(SigmaRegex, Rewrites) {
  EXPECT_EQ(pcreToRe2("a$", false), "a" + kEnd);
  EXPECT_EQ(pcreToRe2("a\\Z", false), "a" + kEnd);
  EXPECT_EQ(pcreToRe2("a\\Z", true), "a" + kEnd); // \Z ignores multi-line mode
  EXPECT_EQ(pcreToRe2("a$", true), "a$");
  EXPECT_EQ(pcreToRe2("a\\$", false), "a\\$");           // escaped
  EXPECT_EQ(pcreToRe2("[$]", false), "[$]");             // in a class
  EXPECT_EQ(pcreToRe2("[]$]$", false), "[]$]" + kEnd);   // ] first in a class is a member
  EXPECT_EQ(pcreToRe2("[^]$]$", false), "[^]$]" + kEnd);
  EXPECT_EQ(pcreToRe2("[[:alpha:]$]$", false), "[[:alpha:]$]" + kEnd);
  EXPECT_EQ(pcreToRe2("[\\]$]$", false), "[\\]$]" + kEnd);
  EXPECT_EQ(pcreToRe2("(?m)a$", false), "(?m)a$");
  EXPECT_EQ(pcreToRe2("(?m:a$)b$", false), "(?m:a$)b" + kEnd);
  EXPECT_EQ(pcreToRe2("(?m)(a$)", false), "(?m)(a$)");
  EXPECT_EQ(pcreToRe2("(?-m)a$", true), "(?-m)a" + kEnd);
  EXPECT_EQ(pcreToRe2("(a(?m)b$)c$", false), "(a(?m)b$)c" + kEnd); // (?m) ends with its group
  EXPECT_EQ(pcreToRe2("(?i)a$|b$", false), "(?i)a" + kEnd + "|b" + kEnd);
  EXPECT_EQ(pcreToRe2("(?:a)$", false), "(?:a)" + kEnd);
}

// The rewritten patterns match as PCRE would (cases from the PCRE2 pattern
// documentation, "Circumflex and dollar").
TEST(SigmaRegex, MatchesAsPcre) {
  auto matches = [](const std::string &pcre, bool m, const std::string &text) {
    RE2 re((m ? "(?m)" : "") + pcreToRe2(pcre, m)); // as the lowering prefixes the modifier
    EXPECT_TRUE(re.ok()) << pcre;
    return RE2::PartialMatch(text, re);
  };
  EXPECT_TRUE(matches("exe$", false, "a.exe"));
  EXPECT_TRUE(matches("exe$", false, "a.exe\n"));
  EXPECT_FALSE(matches("exe$", false, "a.exe\n\n"));
  EXPECT_FALSE(matches("exe$", false, "a.exe\nb"));
  EXPECT_TRUE(matches("exe$", true, "a.exe\nb"));
  EXPECT_TRUE(matches("^a.exe$", false, "a.exe\n"));
  EXPECT_TRUE(matches("exe\\Z", true, "a.exe\n"));
  EXPECT_FALSE(matches("exe\\Z", true, "a.exe\nb"));
}

} // namespace
