//===- FieldExtractorTest.cpp - Field paths over parsed events ------------===//
#include "events/FieldExtractor.h"

#include <gtest/gtest.h>

#include <optional>
#include <random>

using namespace rulec;

namespace {

FieldSpec path(std::initializer_list<PathStep> steps, KeyMatch m = KeyMatch::ExactThenCaseInsensitive) {
  FieldSpec f;
  f.path = steps;
  f.keyMatch = m;
  return f;
}
PathStep key(const char *k) { return PathStep::makeKey(k); }
PathStep idx(int64_t i) { return PathStep::makeIndex(i); }

class FieldExtractorTest : public ::testing::Test {
protected:
  void extract(const std::vector<FieldSpec> &fields, const std::string &json) {
    slots.assign(fields.size(), rulec_value{});
    elements.assign(fields.size(), {});
    ASSERT_FALSE(parser.parse(json).get(root));
    arena.reset();
    FieldExtractor(fields).extract(root, slots.data(), elements.data(), arena);
  }
  std::string str(size_t i) { return std::string(slots[i].payload.s, slots[i].len); }

  simdjson::dom::parser parser;
  ValueArena arena;
  simdjson::dom::element root;
  std::vector<rulec_value> slots;
  std::vector<simdjson::dom::element> elements;
};

TEST_F(FieldExtractorTest, ReadsNestedKeysAndIndexes) {
  extract({path({key("a"), key("b")}), path({key("l"), idx(0)}), path({key("l"), idx(-1)}),
           path({key("l"), idx(5)}), path({key("nope")})},
          R"({"a":{"b":"x"},"l":[403,"POST",2.5]})");
  EXPECT_EQ(slots[0].kind, RULEC_STRING);
  EXPECT_EQ(str(0), "x");
  EXPECT_EQ(slots[1].kind, RULEC_INT);
  EXPECT_EQ(slots[1].payload.i, 403);
  EXPECT_EQ(slots[2].kind, RULEC_DOUBLE);
  EXPECT_EQ(slots[2].payload.d, 2.5);
  EXPECT_EQ(slots[3].kind, RULEC_MISSING);
  EXPECT_EQ(slots[4].kind, RULEC_MISSING);
}

TEST_F(FieldExtractorTest, KindsOfValues) {
  extract({path({key("n")}), path({key("t")}), path({key("o")}), path({key("e")}), path({key("big")})},
          R"({"n":null,"t":true,"o":{"x":1,"y":2},"e":[],"big":18446744073709551615})");
  EXPECT_EQ(slots[0].kind, RULEC_NULL);
  EXPECT_EQ(slots[1].kind, RULEC_BOOL);
  EXPECT_EQ(slots[1].payload.i, 1);
  EXPECT_EQ(slots[2].kind, RULEC_OBJECT);
  EXPECT_EQ(slots[2].len, 2u);
  EXPECT_EQ(slots[3].kind, RULEC_ARRAY);
  EXPECT_EQ(slots[3].len, 0u);
  EXPECT_EQ(slots[4].kind, RULEC_DOUBLE);
}

TEST_F(FieldExtractorTest, PantherKeysMatchExactThenIgnoringCase) {
  extract({path({key("User")}), path({key("user")}), path({key("USER")}),
           path({key("USER")}, KeyMatch::Exact)},
          R"({"user":"lower","User":"upper"})");
  EXPECT_EQ(str(0), "upper"); // exact match wins
  EXPECT_EQ(str(1), "lower");
  EXPECT_EQ(str(2), "lower"); // first case-insensitive match in document order
  EXPECT_EQ(slots[3].kind, RULEC_MISSING);
}

TEST_F(FieldExtractorTest, SigmaKeysMatchExactThenIgnoringCaseAndSpaces) {
  extract({path({key("SourceName")}, KeyMatch::ExactThenLoose), path({key("sourcename")}, KeyMatch::ExactThenLoose),
           path({key("Source Name")}, KeyMatch::ExactThenLoose), path({key("SourceNames")}, KeyMatch::ExactThenLoose),
           path({key("SourceName")}, KeyMatch::ExactThenCaseInsensitive)},
          R"({"Source Name":"spaced","sourcename":"lower"})");
  EXPECT_EQ(str(0), "spaced"); // first loose match in document order
  EXPECT_EQ(str(1), "lower");  // exact match wins
  EXPECT_EQ(str(2), "spaced");
  EXPECT_EQ(slots[3].kind, RULEC_MISSING); // not a prefix match
  EXPECT_EQ(str(4), "lower");  // Panther ignores case only
}

FieldSpec alternatives(std::vector<std::vector<PathStep>> paths) {
  FieldSpec f;
  f.alternatives = std::move(paths);
  f.keyMatch = KeyMatch::ExactThenLoose;
  return f;
}

// A field with alternative paths (Sigma's configured mappings) takes the
// first alternative present, whatever the document order; subtrees whose
// alternatives are all decided are skipped, never one that could still give a
// better-ranked value.
TEST_F(FieldExtractorTest, AlternativesTakeTheFirstPresent) {
  const std::vector<FieldSpec> fields = {alternatives({{key("X"), key("a")}, {key("Y"), key("a")}, {key("a")}}),
                                         alternatives({{key("X"), key("b")}, {key("Y"), key("b")}})};
  extract(fields, R"({"X":{"a":1},"Y":{"a":2},"a":3})");
  EXPECT_EQ(slots[0].payload.i, 1);
  extract(fields, R"({"Y":{"a":2},"a":3})");
  EXPECT_EQ(slots[0].payload.i, 2);
  extract(fields, R"({"a":3})");
  EXPECT_EQ(slots[0].payload.i, 3);
  EXPECT_EQ(slots[1].kind, RULEC_MISSING);
  extract(fields, R"({"Y":{"a":2,"b":5},"X":{"b":4}})");
  EXPECT_EQ(slots[0].payload.i, 2);
  EXPECT_EQ(slots[1].payload.i, 4);
  // P is walked first and fills y with its second-ranked value; Q must still
  // be walked for y's first-ranked one.
  const std::vector<FieldSpec> crossed = {alternatives({{key("P"), key("x")}, {key("Q"), key("x")}}),
                                          alternatives({{key("Q"), key("y")}, {key("P"), key("y")}})};
  extract(crossed, R"({"P":{"x":1,"y":10},"Q":{"x":2,"y":20}})");
  EXPECT_EQ(slots[0].payload.i, 1);
  EXPECT_EQ(slots[1].payload.i, 20);
  extract(crossed, R"({"P":{"x":1,"y":10}})");
  EXPECT_EQ(slots[1].payload.i, 10);
}

// A wildcard step takes every member of an object, or element of an array,
// in order (the tape walk skips each value whole: numbers are two words,
// containers jump to their end): a lone path keeps the last match, a field's
// alternative the first.
TEST_F(FieldExtractorTest, WildcardsVisitEveryMemberAndElement) {
  FieldSpec alternative = alternatives({{key("U"), PathStep::makeWildcard(), key("x")}});
  extract({path({key("U"), PathStep::makeWildcard(), key("x")}), alternative,
           path({key("L"), PathStep::makeWildcard(), key("x")}), path({key("after")})},
          R"({"U":{"n":1.5,"a":{"x":1},"big":18446744073709551615,"b":{"y":[1,{"x":9}],"x":2},"s":"x"},)"
          R"("L":[{"x":"first"},5,[{"x":0}],{"x":"last"},null],"after":true})");
  EXPECT_EQ(slots[0].payload.i, 2);
  EXPECT_EQ(slots[1].payload.i, 1);
  EXPECT_EQ(str(2), "last");
  EXPECT_EQ(slots[3].kind, RULEC_BOOL);
}

TEST_F(FieldExtractorTest, DuplicateKeysFirstWins) {
  extract({path({key("a")})}, R"({"a":1,"a":2})");
  EXPECT_EQ(slots[0].payload.i, 1);
}

TEST_F(FieldExtractorTest, PathThroughWrongTypeIsMissing) {
  extract({path({key("a"), key("b")}), path({key("s"), idx(0)})}, R"({"a":[1],"s":"text"})");
  EXPECT_EQ(slots[0].kind, RULEC_MISSING);
  EXPECT_EQ(slots[1].kind, RULEC_MISSING);
}

TEST_F(FieldExtractorTest, ElementTablesReadEachElement) {
  FieldSpec list = path({key("items")});
  list.elements = {path({key("name")}), path({}), path({key("tags"), idx(0)})};
  extract({list}, R"({"items":[{"name":"a","tags":["x"]},"plain",{"NAME":"b"}]})");
  ASSERT_EQ(slots[0].kind, RULEC_ARRAY);
  ASSERT_EQ(slots[0].len, 3u);
  const rulec_value *e = slots[0].payload.elems;
  ASSERT_NE(e, nullptr);
  // element 0: name, itself, tags[0]
  EXPECT_EQ(std::string(e[0].payload.s, e[0].len), "a");
  EXPECT_EQ(e[1].kind, RULEC_OBJECT);
  EXPECT_EQ(std::string(e[2].payload.s, e[2].len), "x");
  // element 1: a string has no name; the element itself is the string
  EXPECT_EQ(e[3].kind, RULEC_MISSING);
  EXPECT_EQ(std::string(e[4].payload.s, e[4].len), "plain");
  // element 2: keys match ignoring case
  EXPECT_EQ(std::string(e[6].payload.s, e[6].len), "b");
  EXPECT_EQ(e[8].kind, RULEC_MISSING);
}

TEST_F(FieldExtractorTest, NestedElementTables) {
  FieldSpec inner = path({key("perms")});
  inner.elements = {path({})};
  FieldSpec outer = path({key("grants")});
  outer.elements = {inner};
  extract({outer}, R"({"grants":[{"perms":["r","w"]},{"perms":[]},{}]})");
  ASSERT_EQ(slots[0].len, 3u);
  const rulec_value *g = slots[0].payload.elems;
  ASSERT_EQ(g[0].kind, RULEC_ARRAY);
  ASSERT_EQ(g[0].len, 2u);
  EXPECT_EQ(std::string(g[0].payload.elems[1].payload.s, 1), "w");
  EXPECT_EQ(g[1].len, 0u);
  EXPECT_EQ(g[2].kind, RULEC_MISSING);
}

TEST_F(FieldExtractorTest, ArenaBlocksSurviveGrowth) {
  FieldSpec list = path({key("l")});
  list.elements = {path({})};
  std::string json = R"({"l":[)";
  for (int i = 0; i < 10000; ++i)
    json += (i ? "," : "") + std::to_string(i);
  json += "]}";
  extract({list}, json);
  ASSERT_EQ(slots[0].len, 10000u);
  EXPECT_EQ(slots[0].payload.elems[9999].payload.i, 9999);
}

/// A plain reading of the key-matching rules, for the test below: per step
/// the first member with the exact key, else (per keyMatch) the first equal
/// ignoring ASCII case, or ignoring case and spaces; the first alternative
/// the event has wins.
std::optional<simdjson::dom::element> referenceLookup(simdjson::dom::element value, const std::vector<PathStep> &path,
                                                      KeyMatch match) {
  auto normal = [&](std::string_view k) {
    std::string out;
    for (char c : k) {
      if (match == KeyMatch::ExactThenLoose && c == ' ')
        continue;
      out += c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
    }
    return out;
  };
  for (const PathStep &step : path) {
    simdjson::dom::object object;
    if (value.get_object().get(object))
      return std::nullopt;
    std::optional<simdjson::dom::element> exact, loose;
    for (auto member : object) {
      if (!exact && member.key == step.key)
        exact = member.value;
      if (!loose && match != KeyMatch::Exact && normal(member.key) == normal(step.key))
        loose = member.value;
    }
    if (!exact && !loose)
      return std::nullopt;
    value = exact ? *exact : *loose;
  }
  return value;
}

// The extractor remembers each object's key layout between events (one
// lookup per changed key, not per key). Events whose layouts repeat, change
// in one key, grow, shrink, and hold keys that match only loosely must give
// what a fresh reading of the rules gives, event after event.
TEST_F(FieldExtractorTest, RememberedLayoutsAgreeWithAPlainReading) {
  const std::vector<std::string> names = {"Image", "image", "IMAGE", "Ima ge", "CommandLine", "command line",
                                          "User", "user", "Channel", "EventID", "Hashes", "a_rather_long_key_name_here",
                                          "a_rather_long_key_name_HERE", "a_rather_LONG_key_name_here", "x", "X", "", "abc", "aXc"};
  std::vector<FieldSpec> fields;
  for (KeyMatch m : {KeyMatch::Exact, KeyMatch::ExactThenCaseInsensitive, KeyMatch::ExactThenLoose})
    for (const char *k : {"Image", "CommandLine", "commandline", "User", "a_rather_long_key_name_here", "X", "Ima ge", "abc"}) {
      FieldSpec f;
      f.keyMatch = m;
      f.alternatives = {{key("E"), key("D"), key(k)}, {key("E"), key("S"), key(k)}, {key(k)}};
      fields.push_back(f);
    }
  FieldExtractor remembering(fields);
  std::mt19937 rng(11);
  std::vector<std::string> layout = {"Image", "User"};
  for (int event = 0; event < 3000; ++event) {
    // Mostly the previous layout; sometimes one key changed, added or dropped.
    switch (rng() % 6) {
    case 0:
      layout[rng() % layout.size()] = names[rng() % names.size()];
      break;
    case 1:
      layout.insert(layout.begin() + static_cast<long>(rng() % (layout.size() + 1)), names[rng() % names.size()]);
      break;
    case 2:
      if (layout.size() > 1)
        layout.erase(layout.begin() + static_cast<long>(rng() % layout.size()));
      break;
    default:
      break;
    }
    auto object = [&](int salt) {
      std::string json = "{";
      for (size_t i = 0; i < layout.size(); ++i)
        json += (i ? ",\"" : "\"") + layout[(i + static_cast<size_t>(salt)) % layout.size()] + "\":" +
                std::to_string(event * 100 + static_cast<int>(i) + salt * 10);
      return json + "}";
    };
    const std::string json = rng() % 3 == 0 ? object(0)
                                            : R"({"E":{"S":)" + object(1) + R"(,"D":)" + object(0) + "}," +
                                                  object(2).substr(1);
    slots.assign(fields.size(), rulec_value{});
    ASSERT_FALSE(parser.parse(json).get(root)) << json;
    arena.reset();
    remembering.extract(root, slots.data(), nullptr, arena);
    for (size_t f = 0; f < fields.size(); ++f) {
      std::optional<simdjson::dom::element> want;
      for (const auto &alternative : fields[f].alternatives)
        if ((want = referenceLookup(root, alternative, fields[f].keyMatch)))
          break;
      if (!want) {
        EXPECT_EQ(slots[f].kind, RULEC_MISSING) << json << " field " << f;
        continue;
      }
      rulec_value expected;
      toRulecValue(*want, expected);
      EXPECT_EQ(slots[f].kind, expected.kind) << json << " field " << f;
      EXPECT_EQ(slots[f].payload.i, expected.payload.i) << json << " field " << f;
    }
  }
}

} // namespace
