//===- EventTimeTest.cpp --------------------------------------------------===//
#include "events/EventTime.h"

#include <gtest/gtest.h>

using namespace rulec;

namespace {

int64_t parsed(const std::string &text) {
  int64_t ns = -1;
  EXPECT_TRUE(parseTimestamp(text, ns)) << text;
  return ns;
}

TEST(EventTime, PantherAndRfc3339Forms) {
  EXPECT_EQ(parsed("2023-12-11 18:10:13.000000000"), 1702318213 * kNanosPerSecond);
  EXPECT_EQ(parsed("2023-12-11T18:10:13Z"), 1702318213 * kNanosPerSecond);
  EXPECT_EQ(parsed("2023-12-11T18:10:13.25Z"), 1702318213 * kNanosPerSecond + 250000000);
  EXPECT_EQ(parsed("2023-12-11T20:10:13+02:00"), 1702318213 * kNanosPerSecond);
  EXPECT_EQ(parsed("1970-01-01 00:00:00"), 0);
  EXPECT_EQ(parsed("1969-12-31T23:59:59Z"), -kNanosPerSecond);
  EXPECT_EQ(parsed("2024-02-29 00:00:00"), 1709164800 * kNanosPerSecond);
  EXPECT_EQ(parsed("2023-12-11t18:10:13z"), 1702318213 * kNanosPerSecond);
  EXPECT_EQ(parsed("2023-12-11T18:10:13.5-01:30"), (1702318213 + 5400) * kNanosPerSecond + 500000000);
  EXPECT_EQ(parsed("2023-12-11 18:10:13.1234567899"), 1702318213 * kNanosPerSecond + 123456789); // 9 digits kept
  EXPECT_EQ(parsed("2023-12-11 18:10:13.000000001"), 1702318213 * kNanosPerSecond + 1);
  EXPECT_EQ(parsed("2016-12-31T23:59:60Z"), 1483228800 * kNanosPerSecond); // a leap second: the next one
}

TEST(EventTime, RejectsMalformed) {
  int64_t ns;
  for (const char *bad : {"", "2023-12-11", "2023-13-01 00:00:00", "2023-02-29 00:00:00",
                          "2023-12-11 25:00:00", "2023-12-11 18:10:13.", "2023-12-11 18:10:13 UTC",
                          "2023/12/11 18:10:13", "1702318213", "2023-12-1a 18:10:13", "2O23-12-11 18:10:13",
                          "2023-12-11 18:10:1", "2023-12-11_18:10:13", "2023-12-11 18-10-13", "2023-12-11 18:10:13.x",
                          "2023-12-11 18:10:13+0200", "2023-12-11 18:10:13+02:00x", "2023-12-11 18:10:61",
                          "2023-00-11 18:10:13", "2023-12-00 18:10:13", "2023-04-31 18:10:13", "2023-12-11 18:60:00",
                          " 2023-12-11 18:10:13", "2023-12-11 18:10:13 "})
    EXPECT_FALSE(parseTimestamp(bad, ns)) << bad;
}

TEST(EventTime, FormatsRfc3339Utc) {
  EXPECT_EQ(formatTimestamp(1702318213 * kNanosPerSecond), "2023-12-11T18:10:13Z");
  EXPECT_EQ(formatTimestamp(1702318213 * kNanosPerSecond + 500000000), "2023-12-11T18:10:13.5Z");
  EXPECT_EQ(formatTimestamp(-kNanosPerSecond), "1969-12-31T23:59:59Z");
}

} // namespace

// int64 nanoseconds end at 2262-04-11T23:47:16.854775807Z and start at
// 1677-09-21T00:12:43.145224192Z; times outside are not times (they used to
// overflow: found by fuzz_events with "9999-12-31T23:59:59Z", fuzz_kql with
// datetime(1012-01-01)).
TEST(EventTime, OutsideTheNanosecondRangeIsNotATime) {
  int64_t ns;
  EXPECT_EQ(parsed("2262-04-11T23:47:16.854775807Z"), INT64_MAX);
  EXPECT_EQ(parsed("1677-09-21T00:12:43.145224192Z"), INT64_MIN);
  for (const char *outside : {"2262-04-11T23:47:16.854775808Z", "2262-04-12T00:00:00Z", "9999-12-31T23:59:59Z",
                              "1677-09-21T00:12:43.145224191Z", "1012-01-01T00:00:00Z", "0000-01-01T00:00:00Z"})
    EXPECT_FALSE(parseTimestamp(outside, ns)) << outside;
}
