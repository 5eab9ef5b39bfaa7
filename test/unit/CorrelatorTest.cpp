//===- CorrelatorTest.cpp - Sigma correlation windows ---------------------===//
#include "state/Correlator.h"

#include <gtest/gtest.h>

using namespace rulec;

namespace {

using Type = CorrelationSpec::Type;
using Cmp = CorrelationSpec::Cmp;

/// One correlation per test (index 0), fed directly: inputs carry their
/// group value and, for value_count, their value. Times are in ns; the
/// windows here are 10 ns long.
class CorrelatorTest : public ::testing::Test {
protected:
  CorrelationSpec &define(Type type, std::vector<CorrelationSpec::Bound> condition, size_t inputs = 1) {
    CorrelationSpec spec;
    spec.id = "C" + std::to_string(pack.correlations.size());
    spec.type = type;
    spec.timespanNanos = 10;
    spec.condition = std::move(condition);
    spec.groupBy = {"user"};
    spec.inputs.resize(inputs);
    pack.correlations.push_back(spec);
    return pack.correlations.back();
  }
  void add(int64_t time, const std::string &user = "\"u\"", uint32_t input = 0, uint32_t correlation = 0,
           std::optional<std::string> value = std::nullopt) {
    correlator.add({correlation, input}, {user}, value, time, {"e" + std::to_string(time)});
  }

  PackInfo pack;
  std::vector<CorrelationAlert> alerts;
  Correlator correlator{pack, [this](const CorrelationAlert &a) { alerts.push_back(a); }};
};

TEST_F(CorrelatorTest, EventCountFiresAsSoonAsItHoldsThenStartsOver) {
  define(Type::EventCount, {{Cmp::Gte, 2}});
  add(0);
  EXPECT_TRUE(alerts.empty());
  add(5);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].count, 2u);
  EXPECT_EQ(alerts[0].group, std::vector<std::string>{"\"u\""});
  EXPECT_EQ(alerts[0].eventRefs, (std::vector<std::string>{"e0", "e5"}));
  add(6); // the burst that fired is gone: a full count again
  EXPECT_EQ(alerts.size(), 1u);
  add(7);
  EXPECT_EQ(alerts.size(), 2u);
}

TEST_F(CorrelatorTest, SlidingWindowIncludesBothEndsAndDropsOlderInputs) {
  define(Type::EventCount, {{Cmp::Gte, 3}});
  add(0);
  add(9);
  add(11); // 0 is 11 old: out; 9 and 11 stay
  EXPECT_TRUE(alerts.empty());
  add(19); // 19 - 9 = 10: still in
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].firstEventTime, 9);
  EXPECT_EQ(alerts[0].lastEventTime, 19);
}

TEST_F(CorrelatorTest, GroupsAreSeparateAndExact) {
  define(Type::EventCount, {{Cmp::Gte, 2}});
  add(0, "\"bob\"");
  add(1, "\"Bob\"");
  add(2, "1");
  add(3, "\"1\"");
  EXPECT_TRUE(alerts.empty());
  add(4, "\"Bob\"");
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].group[0], "\"Bob\"");
}

TEST_F(CorrelatorTest, UpperBoundIsJudgedWhenTheAnchoredWindowCloses) {
  define(Type::EventCount, {{Cmp::Lte, 2}});
  add(0, "\"a\"");
  add(10, "\"a\""); // the anchored window is [0, 10]
  add(3, "\"b\"");
  add(4, "\"b\"");
  add(5, "\"b\"");
  EXPECT_TRUE(alerts.empty()); // nothing is known before the window closes
  correlator.advance(10);
  EXPECT_TRUE(alerts.empty());
  correlator.advance(11);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].group[0], "\"a\"");
  EXPECT_EQ(alerts[0].count, 2u);
  correlator.flush(); // b: 3 inputs, not lte 2
  EXPECT_EQ(alerts.size(), 1u);
}

TEST_F(CorrelatorTest, AnInputPastTheAnchoredWindowClosesItAndOpensTheNext) {
  define(Type::EventCount, {{Cmp::Eq, 1}});
  add(0);
  add(11);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].eventRefs, std::vector<std::string>{"e0"});
  add(12);
  correlator.flush();
  EXPECT_EQ(alerts.size(), 1u); // [11, 21] holds two
}

TEST_F(CorrelatorTest, RangeConditionNeedsBothBounds) {
  define(Type::EventCount, {{Cmp::Gt, 1}, {Cmp::Lt, 4}});
  for (int64_t t : {0, 1, 2})
    add(t, "\"three\"");
  add(0, "\"one\"");
  for (int64_t t : {0, 1, 2, 3})
    add(t, "\"four\"");
  correlator.flush();
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].group[0], "\"three\"");
}

TEST_F(CorrelatorTest, ValueCountCountsDistinctValuesInTheWindow) {
  define(Type::ValueCount, {{Cmp::Gte, 2}});
  add(0, "\"u\"", 0, 0, "\"a\"");
  add(5, "\"u\"", 0, 0, "\"a\"");
  EXPECT_TRUE(alerts.empty());
  add(16, "\"u\"", 0, 0, "\"b\""); // a was last seen at 5: out
  EXPECT_TRUE(alerts.empty());
  add(20, "\"u\"", 0, 0, std::nullopt); // no value: not counted
  EXPECT_TRUE(alerts.empty());
  add(21, "\"u\"", 0, 0, "\"c\"");
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].count, 2u);
  EXPECT_EQ(alerts[0].eventRefs, (std::vector<std::string>{"e16", "e21"}));
}

TEST_F(CorrelatorTest, TemporalNeedsEveryRuleInTheWindowInAnyOrder) {
  define(Type::Temporal, {{Cmp::Gte, 2}}, 2);
  add(0, "\"u\"", 1);
  add(5, "\"u\"", 1);
  EXPECT_TRUE(alerts.empty()); // one rule twice is one rule
  add(15, "\"u\"", 0);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].count, 2u);
  EXPECT_EQ(alerts[0].eventRefs, (std::vector<std::string>{"e5", "e15"}));
}

TEST_F(CorrelatorTest, TemporalOrderedNeedsTheRulesInOrder) {
  define(Type::TemporalOrdered, {{Cmp::Gte, 3}}, 3);
  add(0, "\"u\"", 1);
  add(1, "\"u\"", 0);
  add(2, "\"u\"", 2); // 1 has not followed 0 yet
  EXPECT_TRUE(alerts.empty());
  add(3, "\"u\"", 1);
  add(4, "\"u\"", 2);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].eventRefs, (std::vector<std::string>{"e1", "e3", "e4"}));
  EXPECT_EQ(alerts[0].firstEventTime, 1);
}

TEST_F(CorrelatorTest, TemporalOrderedChainMustFitTheTimespan) {
  define(Type::TemporalOrdered, {{Cmp::Gte, 2}}, 2);
  add(0, "\"u\"", 0);
  add(11, "\"u\"", 1);
  EXPECT_TRUE(alerts.empty());
  add(12, "\"u\"", 0); // a later start leaves more time
  add(22, "\"u\"", 1);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].firstEventTime, 12);
}

TEST_F(CorrelatorTest, InputsWithoutAGroupValueAreCountedNotGrouped) {
  define(Type::EventCount, {{Cmp::Gte, 1}});
  correlator.add({0, 0}, {std::nullopt}, std::nullopt, 0, {"e0"});
  EXPECT_TRUE(alerts.empty());
  EXPECT_EQ(correlator.ungrouped(), 1u);
}

TEST_F(CorrelatorTest, LateInputsCountAtTheGroupsNewestTime) {
  define(Type::EventCount, {{Cmp::Gte, 2}});
  add(100);
  add(50); // late: windows never go back, so it joins the window at 100
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].lastEventTime, 100);
}

TEST_F(CorrelatorTest, AFiringFeedsTheCorrelationsThatNameIt) {
  // C0 counts two inputs per (user, host); C1 needs C0 then input 1, per host.
  CorrelationSpec &inner = define(Type::EventCount, {{Cmp::Gte, 2}});
  inner.groupBy = {"user", "host"};
  inner.emit = false;
  inner.feeds = {{1, 0}};
  CorrelationSpec &outer = define(Type::TemporalOrdered, {{Cmp::Gte, 2}}, 2);
  outer.groupBy = {"host"};
  outer.inputs[0].fromCorrelation = true;
  outer.inputs[0].groupBy = {1}; // the inner group's host
  correlator.add({0, 0}, {"\"u\"", "\"h\""}, std::nullopt, 0, {"a"});
  correlator.add({0, 0}, {"\"u\"", "\"h\""}, std::nullopt, 1, {"b"});
  EXPECT_TRUE(alerts.empty()); // the inner one does not emit
  correlator.add({1, 1}, {"\"h\""}, std::nullopt, 5, {"c"});
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].correlation, 1u);
  EXPECT_EQ(alerts[0].group, std::vector<std::string>{"\"h\""});
  EXPECT_EQ(alerts[0].eventRefs, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(alerts[0].firstEventTime, 0);
}

} // namespace
