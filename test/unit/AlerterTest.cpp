//===- AlerterTest.cpp - Threshold and dedup windows ----------------------===//
#include "state/Alerter.h"
#include "events/EventTime.h"

#include <gtest/gtest.h>

using namespace rulec;

namespace {

constexpr int64_t kMinute = kNanosPerMinute;

class AlerterTest : public ::testing::Test {
protected:
  AlerterTest() {
    RuleInfo r;
    r.id = "R";
    r.threshold = 3;
    r.dedupPeriodMinutes = 60;
    pack.rules.push_back(r);
    RuleInfo single = r;
    single.id = "S";
    single.threshold = 1;
    pack.rules.push_back(single);
  }
  void match(uint32_t rule, const std::string &key, int64_t minute) {
    alerter.onMatch(rule, key, minute * kMinute, "m" + std::to_string(minute),
                    [&](Alert &a) { a.title = key + "@" + std::to_string(minute); });
  }

  PackInfo pack;
  std::vector<Alert> alerts;
  Alerter alerter{pack, [this](const Alert &a) { alerts.push_back(a); }};
};

TEST_F(AlerterTest, BelowThresholdNoAlert) {
  match(0, "k", 0);
  match(0, "k", 10);
  alerter.flush();
  EXPECT_TRUE(alerts.empty());
}

TEST_F(AlerterTest, ThresholdReachedOneAlertWithAllMatchesOfTheWindow) {
  for (int m : {0, 10, 20, 59, 60}) // 60 is still inside: the window's ends are included
    match(0, "k", m);
  EXPECT_TRUE(alerts.empty()); // still open
  alerter.advance(61 * kMinute);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].count, 5u);
  EXPECT_EQ(alerts[0].firstEventTime, 0);
  EXPECT_EQ(alerts[0].lastEventTime, 60 * kMinute);
  EXPECT_EQ(alerts[0].eventRefs.front(), "m0");
  EXPECT_EQ(alerts[0].title, "k@0"); // described by the match that opened the window
}

TEST_F(AlerterTest, WindowsAreTumblingFromTheFirstMatch) {
  for (int m : {0, 50, 55})
    match(0, "k", m); // window 1 [0, 60]: 3 matches
  for (int m : {61, 70})
    match(0, "k", m); // window 2 [61, 121]: 2 matches, below threshold
  alerter.flush();
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].count, 3u);
}

TEST_F(AlerterTest, DedupKeysAreSeparateGroups) {
  for (int m : {0, 1, 2})
    match(0, "a", m);
  for (int m : {0, 1})
    match(0, "b", m);
  alerter.flush();
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].dedup, "a");
}

TEST_F(AlerterTest, NewAlertAfterTheDedupPeriod) {
  match(1, "k", 0);
  match(1, "k", 30);
  match(1, "k", 61);
  alerter.flush();
  ASSERT_EQ(alerts.size(), 2u);
  EXPECT_EQ(alerts[0].count, 2u);
  EXPECT_EQ(alerts[1].count, 1u);
  EXPECT_EQ(alerts[1].firstEventTime, 61 * kMinute);
}

TEST_F(AlerterTest, EmittedInOrderOfWindowEnd) {
  match(1, "late", 30);
  match(1, "early", 0);
  alerter.flush();
  ASSERT_EQ(alerts.size(), 2u);
  EXPECT_EQ(alerts[0].dedup, "early");
  EXPECT_EQ(alerts[1].dedup, "late");
}

TEST_F(AlerterTest, EventRefsAreCapped) {
  for (int m = 0; m < 25; ++m)
    match(1, "k", m);
  alerter.flush();
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].count, 25u);
  EXPECT_EQ(alerts[0].eventRefs.size(), Alerter::kMaxEventRefs);
}

} // namespace
