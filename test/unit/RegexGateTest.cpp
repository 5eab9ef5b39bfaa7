//===- RegexGateTest.cpp - The regex gate never skips a match -------------===//
//
// RegexGate (runtime/matching/RegexGate.h) may only rule a pattern out when RE2 would
// not match it: checked over patterns of the kinds rule packs hold and texts
// built from their atoms in every case, with the Unicode characters RE2's
// case folding maps onto ASCII (the Kelvin sign, the long s).
//
//===----------------------------------------------------------------------===//
#include "matching/RegexGate.h"

#include <gtest/gtest.h>

#include <memory>
#include <re2/re2.h>

#include <algorithm>
#include <random>

using rulec::RegexGate;

namespace {

const std::vector<std::string> kPatterns = {
    R"(\$VerbosePreference\.ToString\()",          // one long atom, case-sensitive
    R"((?i)\\cmd\.exe\s+/c\s+(whoami|net\s+user))", // caseless, an or of atoms, with s
    R"((?i)certutil.*-urlcache)",                   // caseless, no k or s in the atoms
    R"((?i)kernel32)",                              // caseless with k: the Kelvin sign matches it
    R"(\w+`(?:\w+|-|.)`[\w+|\s])",                  // no atoms: always runs
    R"((?i)\.exe[\"\']?\s+[^\"]{0,64}werfaultsecure\.exe)",
    R"((?is)^.*ο.*$)",                              // a Greek omicron, caseless: needs non-ASCII
    R"(Élan(?:cé)?)",                               // non-ASCII atoms, case-sensitive
    R"(abc(?i:DEF)ghi)",                            // caseless in the middle
    R"((?i)(?:set).*&&\s?set.*(?:environment|invoke).*&&)",
    R"(^[A-Z]:\\Windows\\Temp\\[a-f0-9]{8}\.dll$)",
    R"(\x{212A}elvin)",                             // the Kelvin sign itself, case-sensitive
};

const std::vector<std::string> kPieces = {
    "$VerbosePreference.ToString(", "$verbosepreference.tostring(", "\\cmd.exe /c whoami", "\\CMD.EXE  /C NET USER",
    "certutil -urlcache", "CERTUTIL.exe -f -URLCACHE", "kernel32", "KERNEL32", "\u212Aernel32", "\u212AERNEL32",
    "a.exe' 12 werfaultsecure.exe", "ο", "Ο", "o", "Élan", "élan", "ÉLAN", "Élancé", "abcDEFghi", "abcdefghi",
    "ABCDEFGHI", "set x && set environment && ", "C:\\Windows\\Temp\\0badf00d.dll", "\u212Aelvin", "Kelvin",
    "\u017Fet x && \u017Fet invoke && ", "foo`b`x", " ", "x", "&&", "/c", "\n", "é", "\xff",
};

TEST(RegexGate, NeverRulesOutAMatch) {
  RegexGate gate(kPatterns);
  std::vector<std::unique_ptr<re2::RE2>> regexes;
  for (const std::string &p : kPatterns) {
    regexes.push_back(std::make_unique<re2::RE2>(p));
    ASSERT_TRUE(regexes.back()->ok()) << p;
  }
  std::mt19937 rng(20261125);
  size_t matches = 0, ruledOut = 0;
  for (int t = 0; t < 20000; ++t) {
    std::string text;
    for (int n = std::uniform_int_distribution<int>(1, 4)(rng); n > 0; --n)
      text += kPieces[std::uniform_int_distribution<size_t>(0, kPieces.size() - 1)(rng)];
    gate.beginEvent();
    for (uint32_t i = 0; i < kPatterns.size(); ++i) {
      const bool match = re2::RE2::PartialMatch(text, *regexes[i]);
      const bool may = gate.mayMatch(i, text);
      ASSERT_TRUE(may || !match) << "pattern " << kPatterns[i] << " matches \"" << text << "\" but was ruled out";
      matches += match;
      ruledOut += !may;
    }
  }
  // Both outcomes occur often, or the comparison proves little.
  EXPECT_GT(matches, 20000u);
  EXPECT_GT(ruledOut, 40000u);
}

TEST(RegexGate, WhichPatternsAreGated) {
  // On atoms: plain ASCII patterns; caseless ones with k or s in the atoms
  // also run on any text with a non-ASCII byte. On a non-ASCII byte alone:
  // patterns whose atoms all hold one. On short atoms ("`"): patterns with
  // no longer ones. The rest always run.
  RegexGate gate(kPatterns);
  gate.beginEvent();
  const std::string ascii = "nothing relevant here";
  EXPECT_FALSE(gate.mayMatch(0, ascii));  // $VerbosePreference
  EXPECT_FALSE(gate.mayMatch(1, ascii));  // caseless with s: no atom, no non-ASCII byte
  EXPECT_TRUE(gate.mayMatch(1, "\\cmd.exe /c whoami"));
  EXPECT_TRUE(gate.mayMatch(1, "x \u017F y")); // the long s may stand for an s
  EXPECT_FALSE(gate.mayMatch(2, ascii));  // certutil
  EXPECT_FALSE(gate.mayMatch(3, ascii));  // kernel32
  EXPECT_FALSE(gate.mayMatch(4, ascii));  // only "`" as an atom, and no backtick here
  EXPECT_TRUE(gate.mayMatch(4, "a`b`c"));
  EXPECT_FALSE(gate.mayMatch(6, ascii));  // the omicron needs a non-ASCII byte
  EXPECT_TRUE(gate.mayMatch(6, "a Ο b")); // ... and has one here
  EXPECT_FALSE(gate.mayMatch(7, ascii));  // Élan: all atoms non-ASCII
  EXPECT_FALSE(gate.mayMatch(10, ascii)); // C:\Windows\Temp
  EXPECT_TRUE(gate.mayMatch(11, ascii));  // \x{212A}: RE2 lowercases it to the atom k
  EXPECT_TRUE(re2::RE2::PartialMatch("\u212Aernel32", re2::RE2(kPatterns[3])));
  EXPECT_TRUE(gate.mayMatch(3, "\u212Aernel32"));
}

TEST(RegexGate, PlansKeptInAPackAnswerAsPlannedAtLoad) {
  // The compiler plans (planRegexGate) and the pack keeps the plans; a gate
  // given them answers as one that plans for itself, without parsing the
  // patterns it looks for atoms of. Skipped patterns (their leaves test
  // their atoms) are Always; plans of another count, or damaged ones, are not
  // trusted: the gate plans for itself.
  using Kind = rulec::RegexGatePlan::Kind;
  std::vector<uint8_t> skip(kPatterns.size(), 0);
  skip[2] = 1;
  const auto plans = rulec::planRegexGate(kPatterns, skip);
  ASSERT_EQ(plans.size(), kPatterns.size());
  EXPECT_EQ(plans[2].kind, Kind::Always);
  EXPECT_EQ(plans[0].kind, Kind::FewAtoms);
  EXPECT_EQ(plans[6].kind, Kind::NeedsNonAscii);
  // Damaged plans (a pack is untrusted bytes) would rule out matches: an
  // empty clause is never met, an upper-case atom never found.
  auto emptyClause = plans, upperAtom = plans, clausesOnAlways = plans;
  emptyClause[0].clauses.push_back({});
  upperAtom[0].clauses[0][0] = "VERBOSE";
  clausesOnAlways[2].clauses = {{"x"}};
  RegexGate planned(kPatterns, plans), self(kPatterns), shortPlans(kPatterns, {plans[0]});
  std::vector<std::unique_ptr<RegexGate>> damaged;
  for (const auto &bad : {emptyClause, upperAtom, clausesOnAlways})
    damaged.push_back(std::make_unique<RegexGate>(kPatterns, bad));
  const std::vector<std::string> texts = {"nothing relevant here", "certutil -urlcache", "a`b`c", "a Ο b",
                                          "$VerbosePreference.ToString(", "\\cmd.exe /c whoami"};
  for (const std::string &text : texts) {
    planned.beginEvent();
    self.beginEvent();
    shortPlans.beginEvent();
    for (auto &gate : damaged)
      gate->beginEvent();
    for (uint32_t i = 0; i < kPatterns.size(); ++i) {
      EXPECT_EQ(planned.mayMatch(i, text), i == 2 || self.mayMatch(i, text)) << kPatterns[i] << " on " << text;
      EXPECT_EQ(shortPlans.mayMatch(i, text), self.mayMatch(i, text)) << kPatterns[i] << " on " << text;
      for (auto &gate : damaged)
        EXPECT_EQ(gate->mayMatch(i, text), self.mayMatch(i, text)) << kPatterns[i] << " on " << text;
    }
  }
  EXPECT_TRUE(self.mayMatch(0, "$VerbosePreference.ToString("));
  EXPECT_TRUE(planned.mayMatch(2, "nothing relevant here"));
  EXPECT_FALSE(self.mayMatch(2, "nothing relevant here"));
}

} // namespace

namespace {

using rulec::regexRequirement;

TEST(RegexRequirement, NeededAtomsAreClausesOfTheirOwn) {
  // Both atoms needed: two clauses. An alternation: one clause of both.
  auto both = regexRequirement(R"(certutil.*-urlcache)", 4);
  EXPECT_EQ(both.clauses, (std::vector<std::vector<std::string>>{{"-urlcache"}, {"certutil"}}));
  EXPECT_FALSE(both.orNonAscii);
  auto either = regexRequirement(R"(whoami|net\s+user)", 4);
  ASSERT_EQ(either.clauses.size(), 1u);
  EXPECT_EQ(either.clauses[0].size(), 2u);
  // Caseless with s: the atoms, or a non-ASCII byte (the long s).
  auto werfault = regexRequirement(R"((?i)\.exe[\"\']?\s+[^\"]{0,64}werfaultsecure\.exe)", 4);
  EXPECT_TRUE(werfault.orNonAscii);
  EXPECT_NE(std::find(werfault.clauses.begin(), werfault.clauses.end(),
                      std::vector<std::string>{"werfaultsecure.exe"}),
            werfault.clauses.end());
  // No atoms of 4 bytes: nothing known; of 1: the backtick.
  EXPECT_FALSE(regexRequirement(R"(\w+`(?:\w+|-|.)`[\w+|\s])", 4).known());
  EXPECT_EQ(regexRequirement(R"(\w+`(?:\w+|-|.)`[\w+|\s])", 1).clauses,
            (std::vector<std::vector<std::string>>{{"`"}}));
  // Only non-ASCII atoms: a non-ASCII byte.
  auto omicron = regexRequirement(R"((?is)^.*ο.*$)", 4);
  EXPECT_TRUE(omicron.orNonAscii);
  EXPECT_TRUE(omicron.clauses.empty());
}

} // namespace
