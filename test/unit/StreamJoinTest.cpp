// StreamJoin (runtime/state/StreamJoin.h): within one window it makes the
// rows the batch join makes, whatever the order the two sides' rows arrive
// in; rows further apart than the window do not meet; its memory bound
// throws rather than drop rows.
#include "state/StreamJoin.h"
#include "state/TableOperators.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

using namespace rulec;

namespace {

using Kind = OperatorSpec::JoinKind;

OperatorSpec joinSpec(Kind kind) {
  OperatorSpec spec;
  spec.kind = OperatorSpec::Kind::Join;
  spec.name = "join at t.kql:2:3";
  spec.rule = "t";
  spec.joinKind = kind;
  spec.leftKeys = {"k"};
  spec.rightKeys = {"k"};
  spec.windowNanos = 1000;
  return spec;
}

struct Input {
  int side;
  std::string row;
  int64_t time;
};

std::vector<std::string> batchRows(const OperatorSpec &spec, const std::vector<Input> &inputs) {
  PackInfo pack;
  pack.operators = {spec};
  std::vector<std::string> out;
  TableOperators ops(pack, [&](uint32_t, const std::string &row, int64_t) { out.push_back(row); });
  for (const Input &in : inputs)
    ops.add(0, static_cast<uint32_t>(in.side), in.row, in.time);
  ops.flush(0);
  return out;
}

std::vector<std::string> streamRows(const OperatorSpec &spec, const std::vector<Input> &inputs) {
  std::vector<std::string> out;
  StreamJoin join(spec, spec.windowNanos, TableOperators::kDefaultMaxBytes);
  auto sink = [&](const std::string &row, int64_t) { out.push_back(row); };
  for (const Input &in : inputs)
    join.add(in.side, in.row, in.time, false, sink);
  join.finish(sink);
  EXPECT_EQ(join.bytes(), 0u);
  return out;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

} // namespace

TEST(StreamJoin, OneWindowGivesTheBatchRowsInAnyOrder) {
  std::mt19937 rng(20);
  const char *keys[] = {"\"a\"", "\"b\"", "\"c\"", "null", "1", "\"1\""};
  for (Kind kind : {Kind::InnerUnique, Kind::Inner, Kind::LeftOuter, Kind::RightOuter, Kind::FullOuter,
                    Kind::LeftAnti, Kind::RightAnti, Kind::LeftSemi, Kind::RightSemi, Kind::LookupLeftOuter,
                    Kind::LookupInner})
    for (int round = 0; round < 50; ++round) {
      // Each side's first row has every column; later ones may lack the key.
      std::vector<Input> left, right;
      const size_t n = rng() % 8, m = rng() % 8;
      for (size_t i = 0; i < n; ++i) {
        const std::string key = i && rng() % 6 == 0 ? "" : std::string("\"k\":") + keys[rng() % 6] + ",";
        left.push_back({0, "{" + key + "\"v\":" + std::to_string(i) + "}", int64_t(rng() % 1000)});
      }
      for (size_t j = 0; j < m; ++j) {
        const std::string key = j && rng() % 6 == 0 ? "" : std::string("\"k\":") + keys[rng() % 6] + ",";
        right.push_back({1, "{" + key + "\"w\":" + std::to_string(j) + "}", int64_t(rng() % 1000)});
      }
      // Batch order: each side in its order; stream: the sides interleaved at random.
      std::vector<Input> batch = left;
      batch.insert(batch.end(), right.begin(), right.end());
      std::vector<Input> stream;
      size_t i = 0, j = 0;
      while (i < left.size() || j < right.size())
        stream.push_back(j == right.size() || (i < left.size() && rng() % 2) ? left[i++] : right[j++]);
      const OperatorSpec spec = joinSpec(kind);
      // Times stay within one window of each other: every row can meet every other.
      for (Input &in : stream)
        in.time = 0;
      EXPECT_EQ(sorted(batchRows(spec, batch)), sorted(streamRows(spec, stream)))
          << "kind " << int(kind) << " round " << round;
    }
}

TEST(StreamJoin, RowsFurtherApartThanTheWindowDoNotMeet) {
  const OperatorSpec spec = joinSpec(Kind::FullOuter);
  StreamJoin join(spec, 100, TableOperators::kDefaultMaxBytes);
  std::vector<std::string> out;
  auto sink = [&](const std::string &row, int64_t) { out.push_back(row); };
  join.add(0, R"({"k":"a","v":1})", 0, false, sink);
  join.add(1, R"({"k":"a","w":2})", 100, false, sink); // exactly the window apart: they meet
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0], R"({"k":"a","v":1,"k1":"a","w":2})");
  join.add(1, R"({"k":"b","w":3})", 150, false, sink); // the left a leaves now: it matched
  join.add(0, R"({"k":"b","v":4})", 300, false, sink); // the right b left before, unmatched
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1], R"({"k":null,"v":null,"k1":"b","w":3})");
  join.add(1, R"({"k":"b","w":5})", 100, false, sink); // late: outside the window on arrival
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[2], R"({"k":null,"v":null,"k1":"b","w":5})");
  join.advance(1000, sink);
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[3], R"({"k":"b","v":4,"k1":null,"w":null})");
  EXPECT_EQ(join.bytes(), 0u);
}

TEST(StreamJoin, PinnedRowsStayToTheEnd) {
  const OperatorSpec spec = joinSpec(Kind::LeftAnti);
  StreamJoin join(spec, 100, TableOperators::kDefaultMaxBytes);
  std::vector<std::string> out;
  auto sink = [&](const std::string &row, int64_t) { out.push_back(row); };
  join.add(1, R"({"k":"allowed"})", 0, true, sink);
  join.advance(1000000, sink);
  join.add(0, R"({"k":"allowed","v":1})", 1000000, false, sink);
  join.add(0, R"({"k":"other","v":2})", 1000000, false, sink);
  join.advance(2000000, sink);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0], R"({"k":"other","v":2})");
}

TEST(StreamJoin, OverItsMemoryLimitItThrows) {
  const OperatorSpec spec = joinSpec(Kind::Inner);
  const std::string row = R"({"k":"a","v":"xxxxxxxxxx"})";
  const uint64_t perRow = row.size() + 4 + StreamJoin::kRowOverhead; // the key's text: "a" and a separator
  StreamJoin join(spec, 100, 3 * perRow);
  auto sink = [](const std::string &, int64_t) {};
  for (int i = 0; i < 3; ++i)
    join.add(0, row, 0, false, sink);
  EXPECT_EQ(join.bytes(), 3 * perRow);
  try {
    join.add(0, row, 0, false, sink);
    FAIL() << "no error";
  } catch (const OperatorLimitError &e) {
    EXPECT_NE(std::string(e.what()).find("join at t.kql:2:3 of query 't' keeps more than"), std::string::npos);
  }
  join.advance(101, sink); // the window frees them
  EXPECT_EQ(join.bytes(), 0u);
}
