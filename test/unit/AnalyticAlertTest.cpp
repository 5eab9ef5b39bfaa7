//===- AnalyticAlertTest.cpp - A Sentinel run's rows into alerts ----------===//
#include "output/AnalyticAlert.h"

#include <gtest/gtest.h>

#include <string>

using namespace rulec;

namespace {

AnalyticRuleSpec rule(AnalyticRuleSpec::Trigger trigger, int64_t threshold) {
  AnalyticRuleSpec r;
  r.id = "r";
  r.name = "Rule";
  r.frequencyNanos = r.periodNanos = 1;
  r.trigger = trigger;
  r.threshold = threshold;
  return r;
}

AnalyticRun rows(size_t n) {
  AnalyticRun run;
  for (size_t i = 0; i < n; ++i)
    run.rows.push_back("{\"i\":" + std::to_string(i) + "}");
  return run;
}

size_t count(const std::string &text, const std::string &what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
    ++n;
  return n;
}

} // namespace

TEST(AnalyticAlert, TriggersCompareTheRowCount) {
  using T = AnalyticRuleSpec::Trigger;
  EXPECT_TRUE(analyticTriggered(rule(T::Gt, 1), 2));
  EXPECT_FALSE(analyticTriggered(rule(T::Gt, 2), 2));
  EXPECT_TRUE(analyticTriggered(rule(T::Lt, 2), 1));
  EXPECT_FALSE(analyticTriggered(rule(T::Lt, 2), 2));
  EXPECT_TRUE(analyticTriggered(rule(T::Eq, 0), 0));
  EXPECT_FALSE(analyticTriggered(rule(T::Eq, 0), 1));
  EXPECT_TRUE(analyticTriggered(rule(T::Ne, 3), 0));
  EXPECT_FALSE(analyticTriggered(rule(T::Ne, 3), 3));
}

TEST(AnalyticAlert, NoAlertWhenTheTriggerFails) {
  EXPECT_TRUE(analyticAlerts(rule(AnalyticRuleSpec::Trigger::Gt, 5), rows(5)).empty());
}

TEST(AnalyticAlert, ZeroRowsMeetingTheTriggerRaiseOneAlert) {
  AnalyticRuleSpec r = rule(AnalyticRuleSpec::Trigger::Eq, 0);
  r.perResult = true;
  const auto alerts = analyticAlerts(r, rows(0));
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_NE(alerts[0].find("\"row_count\":0,"), std::string::npos);
  EXPECT_NE(alerts[0].find("\"alert_name\":\"Rule\""), std::string::npos);
}

TEST(AnalyticAlert, PerResultCapsAtOneHundredFiftyWithASummary) {
  AnalyticRuleSpec r = rule(AnalyticRuleSpec::Trigger::Gt, 0);
  r.perResult = true;
  EXPECT_EQ(analyticAlerts(r, rows(150)).size(), 150u); // exactly the cap: no summary
  const auto over = analyticAlerts(r, rows(151));
  ASSERT_EQ(over.size(), 150u);
  EXPECT_NE(over[148].find("\"row_count\":1,"), std::string::npos);
  EXPECT_NE(over[149].find("\"grouping\":\"AlertPerResult summary\",\"row_count\":151,"), std::string::npos);
  r.nrt = true;
  EXPECT_EQ(analyticAlerts(r, rows(31)).size(), 30u);
}

TEST(AnalyticAlert, NamesAreCutAtTwoHundredFiftySixCharacters) {
  AnalyticRuleSpec r = rule(AnalyticRuleSpec::Trigger::Gt, 0);
  r.displayNameFormat = "{{Name}}";
  AnalyticRun run;
  std::string name;
  for (int i = 0; i < 300; ++i)
    name += "\xc3\xa9"; // two bytes, one character
  run.rows.push_back("{\"Name\":\"" + name + "\"}");
  const auto alerts = analyticAlerts(r, run);
  ASSERT_EQ(alerts.size(), 1u);
  const size_t at = alerts[0].find("\"alert_name\":\"") + 14;
  EXPECT_EQ(alerts[0].substr(at, 512 + 1), std::string(name, 0, 512) + "\"");
}

TEST(AnalyticAlert, EntitiesShareFiveHundredBetweenTheMappings) {
  AnalyticRuleSpec r = rule(AnalyticRuleSpec::Trigger::Gt, 0);
  r.entities = {{"IP", {{"Address", "a"}}}, {"Host", {{"HostName", "h"}}}};
  AnalyticRun run;
  for (int i = 0; i < 300; ++i)
    run.rows.push_back("{\"a\":\"10.0." + std::to_string(i / 256) + "." + std::to_string(i % 256) + "\",\"h\":\"h" +
                       std::to_string(i) + "\"}");
  const auto alerts = analyticAlerts(r, run);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(count(alerts[0], "{\"type\":\"IP\""), 250u);
  EXPECT_EQ(count(alerts[0], "{\"type\":\"Host\""), 250u);
  EXPECT_NE(alerts[0].find("\"entities_dropped\":100"), std::string::npos);
}

TEST(AnalyticAlert, UnparsableRowsKeepTheRuleDetails) {
  AnalyticRuleSpec r = rule(AnalyticRuleSpec::Trigger::Gt, 0);
  r.displayNameFormat = "{{x}}";
  r.tacticsColumn = "x";
  r.entities = {{"IP", {{"Address", "x"}}}};
  AnalyticRun run;
  run.rows = {"not json", "[1]"};
  const auto alerts = analyticAlerts(r, run);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_NE(alerts[0].find("\"alert_name\":\"Rule\""), std::string::npos);
  EXPECT_NE(alerts[0].find("\"entities\":[]"), std::string::npos);
}
