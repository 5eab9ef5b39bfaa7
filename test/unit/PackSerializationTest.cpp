//===- PackSerializationTest.cpp - PackInfo to bytes and back -------------===//
//
// Round trips of a hand-built pack that sets every field, and of the packs
// the frontend compiles from real rules; then bad bytes of every kind, which
// must fail with a message and never crash or allocate wildly.
//
//===----------------------------------------------------------------------===//
#include "Frontend.h"
#include "packs/PackSerialization.h"

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>

using namespace rulec;

namespace {

namespace fs = std::filesystem;

//===----------------------------------------------------------------------===//
// Field-by-field comparison. Each struct overload binds all the struct's data
// members with a structured binding, which stops compiling when a member is
// added: the new member must then be compared here, and serialized.
//===----------------------------------------------------------------------===//

template <class T> void expectSame(const T &a, const T &b, const std::string &at) { EXPECT_EQ(a, b) << at; }
void expectSame(const PathStep &a, const PathStep &b, const std::string &at);
void expectSame(const FieldSpec &a, const FieldSpec &b, const std::string &at);
void expectSame(const TemplatePiece &a, const TemplatePiece &b, const std::string &at);
void expectSame(const ContextEntry &a, const ContextEntry &b, const std::string &at);
void expectSame(const AggregateSpec::Aggregate &a, const AggregateSpec::Aggregate &b, const std::string &at);
void expectSame(const AggregateSpec &a, const AggregateSpec &b, const std::string &at);
void expectSame(const SetSpec &a, const SetSpec &b, const std::string &at);
void expectSame(const CorrelationFeed &a, const CorrelationFeed &b, const std::string &at);
void expectSame(const CorrelationSpec::Bound &a, const CorrelationSpec::Bound &b, const std::string &at);
void expectSame(const CorrelationSpec::Input &a, const CorrelationSpec::Input &b, const std::string &at);
void expectSame(const CorrelationSpec &a, const CorrelationSpec &b, const std::string &at);
void expectSame(const RuleInfo &a, const RuleInfo &b, const std::string &at);
void expectSame(const LiteralRef &a, const LiteralRef &b, const std::string &at);
void expectSame(const LiteralSet &a, const LiteralSet &b, const std::string &at);
void expectSame(const RegexGatePlan &a, const RegexGatePlan &b, const std::string &at);

template <class T> void expectSame(const std::vector<T> &a, const std::vector<T> &b, const std::string &at) {
  ASSERT_EQ(a.size(), b.size()) << at;
  for (size_t i = 0; i < a.size(); ++i)
    expectSame(a[i], b[i], at + "[" + std::to_string(i) + "]");
}

// `m` is both a structured binding of `a` and the member of `b`.
#define SAME(m) expectSame(m, b.m, at + "." #m)

void expectSame(const PathStep &a, const PathStep &b, const std::string &at) {
  const auto &[isIndex, isWildcard, key, index] = a;
  SAME(isIndex); SAME(isWildcard); SAME(key); SAME(index);
}
void expectSame(const FieldSpec &a, const FieldSpec &b, const std::string &at) {
  const auto &[path, keyMatch, alternatives, elements] = a;
  SAME(path); SAME(keyMatch); SAME(alternatives); SAME(elements);
}
void expectSame(const TemplatePiece &a, const TemplatePiece &b, const std::string &at) {
  const auto &[isField, text, slot, fallback] = a;
  SAME(isField); SAME(text); SAME(slot); SAME(fallback);
}
void expectSame(const ContextEntry &a, const ContextEntry &b, const std::string &at) {
  const auto &[name, slot, computed] = a;
  SAME(name); SAME(slot); SAME(computed);
}
void expectSame(const AggregateSpec::Aggregate &a, const AggregateSpec::Aggregate &b, const std::string &at) {
  const auto &[fn, name, input, input2, limit, condition, carry, carryRow] = a;
  SAME(fn); SAME(name); SAME(input); SAME(input2); SAME(limit); SAME(condition); SAME(carry); SAME(carryRow);
}
void expectSame(const AggregateSpec &a, const AggregateSpec &b, const std::string &at) {
  const auto &[keys, binKey, binSize, binIsTime, aggregates, outputLogType, flushOrder] = a;
  SAME(keys); SAME(binKey); SAME(binSize); SAME(binIsTime); SAME(aggregates); SAME(outputLogType);
  SAME(flushOrder);
}
void expectSame(const SetSpec &a, const SetSpec &b, const std::string &at) {
  const auto &[name, retentionNanos] = a;
  SAME(name); SAME(retentionNanos);
}
void expectSame(const CorrelationFeed &a, const CorrelationFeed &b, const std::string &at) {
  const auto &[correlation, input] = a;
  SAME(correlation); SAME(input);
}
void expectSame(const CorrelationSpec::Bound &a, const CorrelationSpec::Bound &b, const std::string &at) {
  const auto &[cmp, value] = a;
  SAME(cmp); SAME(value);
}
void expectSame(const CorrelationSpec::Input &a, const CorrelationSpec::Input &b, const std::string &at) {
  const auto &[fromCorrelation, source, groupBy, valueField] = a;
  SAME(fromCorrelation); SAME(source); SAME(groupBy); SAME(valueField);
}
void expectSame(const CorrelationSpec &a, const CorrelationSpec &b, const std::string &at) {
  const auto &[type, id, title, level, sourceFile, timespanNanos, condition, groupBy, valueField, inputs, emit,
               feeds] = a;
  SAME(type); SAME(id); SAME(title); SAME(level); SAME(sourceFile); SAME(timespanNanos); SAME(condition);
  SAME(groupBy); SAME(valueField); SAME(inputs); SAME(emit); SAME(feeds);
}
void expectSame(const RuleInfo &a, const RuleInfo &b, const std::string &at) {
  const auto &[kind, id, displayName, severity, sourceFile, threshold, dedupPeriodMinutes, createAlert, title,
               groupBy, alertContext, dynamicSeverities, logTypes, columns, wholeEvent, hiddenFields, distinct,
               take, set, aggregate, toOperator, operatorInput, toScalar, firstPass, feeds, requirements] = a;
  SAME(kind); SAME(id); SAME(displayName); SAME(severity); SAME(sourceFile); SAME(threshold);
  SAME(dedupPeriodMinutes); SAME(createAlert); SAME(title); SAME(groupBy); SAME(alertContext);
  SAME(dynamicSeverities); SAME(logTypes); SAME(columns); SAME(wholeEvent); SAME(hiddenFields); SAME(distinct);
  SAME(take); SAME(set); SAME(aggregate); SAME(toOperator); SAME(operatorInput); SAME(toScalar); SAME(firstPass);
  SAME(feeds); SAME(requirements);
}
void expectSame(const LiteralRef &a, const LiteralRef &b, const std::string &at) {
  const auto &[set, index] = a;
  SAME(set); SAME(index);
}
void expectSame(const LiteralSet &a, const LiteralSet &b, const std::string &at) {
  const auto &[slot, kind, needles, groups] = a;
  SAME(slot); SAME(kind); SAME(needles); SAME(groups);
}
void expectSame(const RegexGatePlan &a, const RegexGatePlan &b, const std::string &at) {
  const auto &[kind, orNonAscii, clauses] = a;
  SAME(kind); SAME(orNonAscii); SAME(clauses);
}
void expectSame(const LogTypeShape &a, const LogTypeShape &b, const std::string &at) {
  const auto &[logType, fields] = a;
  SAME(logType); SAME(fields);
}
void expectSame(const SourceRows &a, const SourceRows &b, const std::string &at) {
  const auto &[logType, name, rows] = a;
  SAME(logType); SAME(name); SAME(rows);
}
void expectSame(const OperatorSpec::SortKey &a, const OperatorSpec::SortKey &b, const std::string &at) {
  const auto &[column, descending, nullsFirst] = a;
  SAME(column); SAME(descending); SAME(nullsFirst);
}
void expectSame(const OperatorSpec &a, const OperatorSpec &b, const std::string &at) {
  const auto &[kind, name, rule, outputLogType, flushOrder, sortKeys, limit, partition, expand, itemIndex, expandTypes, bagsAsArrays,
               prefix, conflict, ignored, schema, joinKind, leftKeys,
               rightKeys, windowNanos, innerColumns, firstPass] = a;
  SAME(kind); SAME(name); SAME(rule); SAME(outputLogType); SAME(flushOrder); SAME(sortKeys); SAME(limit); SAME(partition); SAME(expand);
  SAME(itemIndex); SAME(expandTypes); SAME(bagsAsArrays); SAME(prefix); SAME(conflict); SAME(ignored); SAME(schema);
  SAME(joinKind); SAME(leftKeys); SAME(rightKeys); SAME(windowNanos); SAME(innerColumns); SAME(firstPass);
}
void expectSame(const PackInfo &a, const PackInfo &b) {
  const std::string at = "pack";
  const auto &[fields, logTypes, logTypeShapes, rules, sets, scalars, regexes, functions, regexGate, correlations,
               literalSets, sources, operators, analyticRules] = a;
  SAME(fields); SAME(logTypes); SAME(logTypeShapes); SAME(rules); SAME(sets); SAME(scalars); SAME(regexes);
  SAME(functions);
  SAME(regexGate); SAME(correlations); SAME(literalSets); SAME(sources); SAME(operators); SAME(analyticRules);
}

#undef SAME

//===----------------------------------------------------------------------===//
// Packs
//===----------------------------------------------------------------------===//

constexpr int64_t kMin64 = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax64 = std::numeric_limits<int64_t>::max();
constexpr uint32_t kMax32 = std::numeric_limits<uint32_t>::max();

PathStep oddStep() {
  PathStep s; // every member set, whatever the combination means
  s.isIndex = true;
  s.isWildcard = true;
  s.key = std::string("k\0\xff", 3);
  s.index = kMin64;
  return s;
}

/// A rule of `kind` with every member away from its default, varied by `n`.
RuleInfo fullRule(RuleKind kind, uint32_t n) {
  RuleInfo r;
  r.kind = kind;
  r.id = "Rule." + std::to_string(n);
  r.displayName = "Rule number " + std::to_string(n) + " \xc3\xa9";
  r.severity = "HIGH";
  r.sourceFile = "/rules/r" + std::to_string(n) + ".yml";
  r.threshold = kMax32 - n;
  r.dedupPeriodMinutes = 1440 + n;
  r.createAlert = false;
  r.title = {{false, "Access by ", 0, ""}, {true, "{user}", 7 + n, "<USER_NOT_FOUND>"}};
  r.groupBy = {{true, "{ip}", 3, "<none>"}};
  r.alertContext = {{"user", 7, false}, {"total", 9, true}};
  r.dynamicSeverities = {"LOW", "CRITICAL", ""};
  r.logTypes = {0, 2, n};
  r.columns = {{"Account", 1, false}, {"Summary", 2, true}};
  r.wholeEvent = true;
  r.hiddenFields = {"TenantId", "Type"};
  r.distinct = true;
  r.take = kMax64 - n;
  r.set = 1 + n;
  r.aggregate.keys = {4, 0, 1};
  r.aggregate.binKey = 2;
  r.aggregate.binSize = kMin64 + n;
  r.aggregate.binIsTime = false;
  for (auto fn : {AggregateSpec::Fn::Count, AggregateSpec::Fn::CountIf, AggregateSpec::Fn::DCount,
                  AggregateSpec::Fn::Min, AggregateSpec::Fn::Max, AggregateSpec::Fn::Sum, AggregateSpec::Fn::Avg,
                  AggregateSpec::Fn::MakeSet, AggregateSpec::Fn::MakeList, AggregateSpec::Fn::TakeAny,
                  AggregateSpec::Fn::ArgMax, AggregateSpec::Fn::ArgMin, AggregateSpec::Fn::MakeBag,
                  AggregateSpec::Fn::Covariance, AggregateSpec::Fn::CovarianceP}) {
    int32_t i = static_cast<int32_t>(r.aggregate.aggregates.size());
    r.aggregate.aggregates.push_back({fn, "agg" + std::to_string(i), i - 3, i - 2, 0x0123456789abcdefLL + i, 7 - i,
                                      {kMax32, static_cast<uint32_t>(i)}, i % 2 == 1});
  }
  r.aggregate.outputLogType = 5 + n;
  r.feeds = {{1, 2}, {3, n}};
  r.requirements = {{{0, 5}, {1, n}}, {{2, 0}}};
  return r;
}

/// Every member of every struct away from its default.
PackInfo fullPack() {
  PackInfo p;
  FieldSpec deepest;
  deepest.path = {PathStep::makeKey("leaf"), oddStep()};
  deepest.keyMatch = KeyMatch::ExactThenCaseInsensitive;
  deepest.alternatives = {{PathStep::makeIndex(-1)}};
  FieldSpec element; // the element itself, with a table of its own
  element.keyMatch = KeyMatch::ExactThenLoose;
  element.alternatives = {{PathStep::makeKey("x")}, {}};
  element.elements = {deepest, FieldSpec{}};
  FieldSpec top;
  top.path = {PathStep::makeKey("a"), PathStep::makeIndex(kMax64), PathStep::makeWildcard(), oddStep()};
  top.keyMatch = KeyMatch::ExactThenLoose;
  top.alternatives = {{PathStep::makeKey("EventData"), PathStep::makeKey("Image")}, {PathStep::makeKey("Image")}};
  top.elements = {element};
  p.fields = {top, deepest};

  p.logTypes = {"AWS.CloudTrail", "", "SecurityEvent"};
  p.logTypeShapes = {{2, {"Event.System.EventID"}}, {2, {"EventID", "Channel"}}, {0, {}}};
  uint32_t n = 0;
  for (RuleKind kind : {RuleKind::Alert, RuleKind::Query, RuleKind::SetBuilder, RuleKind::Aggregate})
    p.rules.push_back(fullRule(kind, n++));
  p.sets = {{"admins", kMax64}, {"", -1}};
  p.regexes = {"^a.*b$", "(?i)x\\d+", ""};
  p.functions = {"tostring", "$add", "todatetime"};
  using Plan = RegexGatePlan;
  p.regexGate = {Plan{Plan::Kind::FewAtoms, true, {{"a"}, {"bb", "ccc"}}}, Plan{Plan::Kind::Filtered, false, {}},
                 Plan{Plan::Kind::NeedsNonAscii, false, {}}};

  using C = CorrelationSpec;
  for (C::Type type : {C::Type::EventCount, C::Type::ValueCount, C::Type::Temporal, C::Type::TemporalOrdered}) {
    C c;
    c.type = type;
    c.id = "corr-" + std::to_string(p.correlations.size());
    c.title = "Correlation title";
    c.level = "critical";
    c.sourceFile = "corr.yml";
    c.timespanNanos = 600'000'000'000 + static_cast<int64_t>(p.correlations.size());
    c.condition = {{C::Cmp::Gt, kMin64}, {C::Cmp::Gte, 3}, {C::Cmp::Lt, kMax64}, {C::Cmp::Lte, -7},
                   {C::Cmp::Eq, 0}};
    c.groupBy = {"User", "Host"};
    c.valueField = "TargetUser";
    c.inputs = {{true, 1, {0, 1}, 4}, {false, 3, {kMax32, 2}, kMin64}};
    c.emit = false;
    c.feeds = {{2, 1}};
    p.correlations.push_back(c);
  }
  p.literalSets = {{7, LiteralSet::Kind::Contains, {"whoami", "-enc", "\xE2\x80\x93" "c", std::string("nul\0byte", 8)}},
                   {kMax32, LiteralSet::Kind::Equals, {"", "cmd.exe"}},
                   {3, LiteralSet::Kind::EndsWith, {"\\whoami.exe"}},
                   {LiteralSet::kEventText, LiteralSet::Kind::Contains, {"mimikatz", "sekurlsa::", "x"}, {0, 1, 1}}};
  p.scalars = {"q.kql:1:9", "q.kql:2:1"};
  p.sources = {{2, "datatable at q.kql:1:1", {"{\"a\":1}", "{}", ""}}, {0, "", {}}};
  using O = OperatorSpec;
  for (O::Kind kind : {O::Kind::Sort, O::Kind::Union, O::Kind::MvExpand, O::Kind::Join, O::Kind::BagUnpack}) {
    O o;
    o.kind = kind;
    o.name = "op " + std::to_string(p.operators.size());
    o.rule = "r";
    o.outputLogType = static_cast<uint32_t>(p.operators.size() % 3);
    o.flushOrder = kMax32 - static_cast<uint32_t>(p.operators.size());
    o.sortKeys = {{"a", true, false}, {"", false, true}};
    o.limit = kMin64;
    o.expand = {"x", "y"};
    o.partition = "p";
    o.itemIndex = "i";
    o.expandTypes = {"long", ""};
    o.bagsAsArrays = true;
    o.prefix = "p_";
    o.conflict = "keep_source";
    o.ignored = {"a"};
    o.schema = {"*", "x"};
    o.joinKind = O::JoinKind::RightSemi;
    o.leftKeys = {"k"};
    o.rightKeys = {"k2", ""};
    o.windowNanos = kMin64;
    o.innerColumns = p.operators.size() % 3 == 1;
    o.firstPass = p.operators.size() % 2 == 1;
    p.operators.push_back(o);
  }
  for (RuleInfo &rule : p.rules) {
    rule.toOperator = rule.kind == RuleKind::Query ? 3 : -1;
    rule.operatorInput = rule.kind == RuleKind::Query ? 1 : 0;
    rule.toScalar = rule.kind == RuleKind::Query ? 1 : -1;
    rule.firstPass = rule.kind == RuleKind::Query;
    rule.aggregate.flushOrder = kMax32;
  }
  AnalyticRuleSpec a;
  a.id = "sched";
  a.name = "Scheduled \xc3\xa9";
  a.description = "d";
  a.severity = "High";
  a.sourceFile = "s.yaml";
  a.hunting = true;
  a.nrt = true;
  a.frequencyNanos = kMaxAnalyticSpan; // the longest a pack may hold
  a.periodNanos = 1;
  a.trigger = AnalyticRuleSpec::Trigger::Ne;
  a.threshold = kMin64;
  a.perResult = true;
  a.displayNameFormat = "{{A}} x";
  a.descriptionFormat = "{{B}}";
  a.severityColumn = "Sev";
  a.tacticsColumn = "Tac";
  a.dynamicProperties = {{"ProductName", "P"}};
  a.entities = {{"Account", {{"Name", "User"}, {"UPNSuffix", ""}}}, {"IP", {}}};
  a.customDetails = {{"Key", "Col"}};
  a.suppression = true;
  a.suppressionNanos = 5;
  a.tactics = {"Impact"};
  a.techniques = {"T1", ""};
  a.firstRule = 1;
  a.endRule = static_cast<uint32_t>(p.rules.size());
  a.firstOperator = 2;
  a.endOperator = static_cast<uint32_t>(p.operators.size());
  p.analyticRules = {a};
  return p;
}

/// A pack with one log type "abc": header (12), 0 fields (12..15), 1 log
/// type (16..19), its length (20..23) and bytes (24..26), then the empty
/// vectors after it.
PackInfo smallPack() {
  PackInfo p;
  p.logTypes = {"abc"};
  return p;
}

PackInfo compile(const std::vector<std::string> &paths) {
  DiagnosticEngine diags; // rules the compiler rejects are left out, as in `rulec check`
  Frontend fe = runFrontend(collectRuleFiles(paths, diags), FrontendOptions{true}, diags);
  return fe.pack.info();
}

void expectRoundTrip(const PackInfo &p) {
  std::string bytes = serializePack(p);
  PackInfo back;
  std::string error;
  ASSERT_TRUE(deserializePack(bytes, back, error)) << error;
  EXPECT_EQ(error, "");
  expectSame(p, back);
  EXPECT_EQ(serializePack(back), bytes);
}

std::string deserializeError(std::string_view bytes) {
  PackInfo out;
  std::string error;
  EXPECT_FALSE(deserializePack(bytes, out, error));
  EXPECT_NE(error, "");
  return error;
}

const fs::path kRepo = fs::path(__FILE__).parent_path().parent_path().parent_path();

//===----------------------------------------------------------------------===//
// Round trips
//===----------------------------------------------------------------------===//

TEST(PackSerialization, RoundTripsEveryField) {
  PackInfo p = fullPack();
  expectRoundTrip(p);
  // The comparison sees a change anywhere, deep down included.
  PackInfo changed = p;
  changed.fields[0].elements[0].elements[0].path[1].index = 0;
  ::testing::TestPartResultArray failures;
  {
    ::testing::ScopedFakeTestPartResultReporter reporter(
        ::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD, &failures);
    expectSame(p, changed);
  }
  ASSERT_EQ(failures.size(), 1);
  EXPECT_NE(std::string(failures.GetTestPartResult(0).message())
                .find("pack.fields[0].elements[0].elements[0].path[1].index"),
            std::string::npos);
}

TEST(PackSerialization, RoundTripsEmptyPack) {
  std::string bytes = serializePack(PackInfo{});
  EXPECT_EQ(bytes.size(), 8u + 4u + 14 * 4u);
  EXPECT_EQ(bytes.substr(0, 12), std::string("RULECPK\0\26\0\0\0", 12));
  expectRoundTrip(PackInfo{});
}

TEST(PackSerialization, RoundTripsRepoRules) {
  PackInfo p = compile({(kRepo / "rules").string()});
  ASSERT_FALSE(p.rules.empty());
  expectRoundTrip(p);
}

TEST(PackSerialization, RoundTripsSharedCorpora) {
  const fs::path corpus = kRepo.parent_path() / "shared" / "corpus";
  if (!fs::is_directory(corpus / "panther"))
    GTEST_SKIP() << "no " << corpus.string();
  // Panther; KQL (queries, let-sets, summarize); Sigma (its cloud rules only:
  // all of them take half a minute to compile).
  for (const char *dir : {"panther", "kql", "sigma/rules/cloud"}) {
    SCOPED_TRACE(dir);
    if (!fs::is_directory(corpus / dir))
      continue;
    PackInfo p = compile({(corpus / dir).string()});
    EXPECT_FALSE(p.rules.empty());
    expectRoundTrip(p);
  }
}

TEST(PackSerialization, RoundTripsSigmaCorrelations) {
  // The Sigma specification's chained example (test/lit/sigma/correlation-chain.test).
  const fs::path file = fs::path(::testing::TempDir()) / "rulec-pack-serialization-login.yml";
  std::ofstream(file) << R"(title: Failed Logins Followed by Successful Login
id: b180ead8-d58f-40b2-ae54-c8940995b9b6
correlation:
    type: temporal_ordered
    rules: [multiple_failed_login, successful_login]
    group-by: [User]
    timespan: 10m
level: high
---
title: Multiple failed logons
id: a8418a5a-5fc4-46b5-b23b-6c73beb19d41
name: multiple_failed_login
correlation:
    type: event_count
    rules: [failed_login]
    group-by: [User]
    timespan: 10m
    condition:
        gte: 3
---
title: Single failed login
id: 53ba33fd-3a50-4468-a5ef-c583635cfa92
name: failed_login
logsource: {product: windows, service: security}
detection:
    selection:
        EventID: [529, 4625]
    condition: selection
---
title: Successful login
id: 4d0a2c83-c62c-4ed4-b475-c7e23a9269b8
name: successful_login
logsource: {product: windows, service: security}
detection:
    selection:
        EventID: [528, 4624]
    condition: selection
)";
  PackInfo p = compile({file.string()});
  fs::remove(file);
  ASSERT_EQ(p.correlations.size(), 2u);
  ASSERT_EQ(p.rules.size(), 2u);
  EXPECT_FALSE(p.rules[0].feeds.empty());
  expectRoundTrip(p);
}

//===----------------------------------------------------------------------===//
// Bad bytes
//===----------------------------------------------------------------------===//

TEST(PackSerialization, RejectsBadMagic) {
  std::string bytes = serializePack(smallPack());
  for (std::string_view bad : {std::string_view(), std::string_view("RULECPK"), std::string_view("\x7f" "ELF")})
    EXPECT_EQ(deserializeError(bad), "not a rulec pack (bad magic)");
  bytes[0] = 'r';
  EXPECT_EQ(deserializeError(bytes), "not a rulec pack (bad magic)");
}

TEST(PackSerialization, RejectsUnknownVersion) {
  std::string bytes = serializePack(smallPack());
  bytes[8] = 6;
  EXPECT_EQ(deserializeError(bytes), "unknown format version 6 (this build reads version 22)");
  bytes[8] = 1;
  bytes[11] = 1;
  EXPECT_EQ(deserializeError(bytes), "unknown format version 16777217 (this build reads version 22)");
}

TEST(PackSerialization, RejectsEveryTruncation) {
  std::string bytes = serializePack(fullPack());
  for (size_t len = 0; len < bytes.size(); ++len) {
    std::string error = deserializeError(std::string_view(bytes).substr(0, len));
    if (len >= 8) {
      EXPECT_EQ(error.rfind("pack metadata truncated at byte ", 0), 0u) << len << ": " << error;
    }
  }
  EXPECT_EQ(deserializeError(std::string_view(bytes).substr(0, 10)),
            "pack metadata truncated at byte 8 reading version");
  std::string small = serializePack(smallPack());
  // A count is checked against the least its elements take (4 bytes a string).
  EXPECT_EQ(deserializeError(std::string_view(small).substr(0, 22)),
            "pack metadata truncated at byte 16 reading logTypes: length 1, only 2 bytes left");
  EXPECT_EQ(deserializeError(std::string_view(small).substr(0, 26)),
            "pack metadata truncated at byte 20 reading logTypes[0]: length 3, only 2 bytes left");
  EXPECT_EQ(deserializeError(std::string_view(small).substr(0, 30)),
            "pack metadata truncated at byte 27 reading logTypeShapes");
  EXPECT_EQ(deserializeError(std::string_view(small).substr(0, 44)),
            "pack metadata truncated at byte 43 reading regexes");
  EXPECT_EQ(deserializeError(std::string_view(small).substr(0, 48)),
            "pack metadata truncated at byte 47 reading functions");
}

TEST(PackSerialization, TruncationNamesTheField) {
  PackInfo p;
  p.rules.push_back(fullRule(RuleKind::Alert, 0));
  p.rules.push_back(fullRule(RuleKind::Alert, 1));
  std::string bytes = serializePack(p);
  // Cut inside the text of rule 1's second title piece.
  size_t at = bytes.find("{user}", bytes.find("Rule.1"));
  ASSERT_NE(at, std::string::npos);
  EXPECT_EQ(deserializeError(std::string_view(bytes).substr(0, at + 2)),
            "pack metadata truncated at byte " + std::to_string(at - 4) +
                " reading rules[1].title[1].text: length 6, only 2 bytes left");
}

TEST(PackSerialization, RejectsHugeLengths) {
  std::string bytes = serializePack(smallPack());
  std::string vecCount = bytes;
  vecCount[19] = '\xff'; // the log type count becomes 0xff000001
  EXPECT_EQ(deserializeError(vecCount),
            "pack metadata truncated at byte 16 reading logTypes: length 4278190081, only 55 bytes left");
  std::string strLength = bytes;
  for (int i = 20; i < 24; ++i)
    strLength[i] = '\xff';
  EXPECT_EQ(deserializeError(strLength),
            "pack metadata truncated at byte 20 reading logTypes[0]: length 4294967295, only 51 bytes left");
}

TEST(PackSerialization, RejectsShapesOfUnknownLogTypes) {
  PackInfo p = smallPack();
  p.logTypeShapes = {{0, {"Event.System.EventID"}}};
  expectRoundTrip(p);
  p.logTypeShapes.push_back({1, {"EventID"}});
  EXPECT_EQ(deserializeError(serializePack(p)),
            "pack metadata names a log type the pack does not have at byte 126 reading logTypeShapes");
}

TEST(PackSerialization, RejectsScheduledRulesOutOfRange) {
  // Rule ranges past the pack, and spans past the replay's limit (its run
  // times would overflow), are refused.
  for (int bad = 0; bad < 4; ++bad) {
    PackInfo p = fullPack();
    AnalyticRuleSpec &a = p.analyticRules[0];
    if (bad == 0)
      a.endRule = static_cast<uint32_t>(p.rules.size() + 1);
    if (bad == 1)
      a.firstRule = a.endRule;
    if (bad == 2)
      a.periodNanos = kMaxAnalyticSpan + 1;
    if (bad == 3)
      a.frequencyNanos = 0;
    EXPECT_NE(deserializeError(serializePack(p))
                  .find("has a scheduled rule whose rules, operators or schedule are out of range"),
              std::string::npos)
        << bad;
  }
}

TEST(PackSerialization, RejectsSourcesOfUnknownLogTypes) {
  PackInfo p = smallPack();
  p.sources = {{0, "print", {"{}"}}};
  expectRoundTrip(p);
  p.sources.push_back({1, "range", {}});
  EXPECT_NE(deserializeError(serializePack(p)).find("names a log type the pack does not have"), std::string::npos);
}

TEST(PackSerialization, RejectsFunctionsThisRuntimeLacks) {
  PackInfo p = smallPack();
  p.functions = {"strlen", "$json_get"};
  expectRoundTrip(p);
  p.functions.push_back("no_such_function");
  EXPECT_NE(deserializeError(serializePack(p)).find("calls the function 'no_such_function', which this rulec does not have"),
            std::string::npos);
}

TEST(PackSerialization, RejectsTrailingBytes) {
  std::string bytes = serializePack(smallPack()) + "xyz";
  EXPECT_EQ(deserializeError(bytes), "pack metadata has 3 trailing bytes at byte 75");
}

TEST(PackSerialization, RejectsOutOfRangeEnumsAndBools) {
  PackInfo p;
  p.fields.push_back(FieldSpec{{PathStep::makeKey("a")}, KeyMatch::ExactThenLoose, {}, {}});
  p.rules.push_back(RuleInfo{});
  std::string bytes = serializePack(p);
  // fields: count 12, path count 16, isIndex 20, isWildcard 21, key 22..26,
  // index 27..34, keyMatch 35; then elements, log types, log-type shapes; rules[0].kind at 56.
  ASSERT_EQ(bytes[35], 2);
  bytes[35] = 3;
  EXPECT_EQ(deserializeError(bytes), "pack metadata has an invalid keyMatch 3 at byte 35 reading fields[0].keyMatch");
  bytes[35] = 2;
  bytes[20] = 2;
  EXPECT_EQ(deserializeError(bytes), "pack metadata has an invalid bool 2 at byte 20 reading fields[0].path[0].isIndex");
  bytes[20] = 0;
  ASSERT_EQ(bytes[56], 0);
  bytes[56] = 4;
  EXPECT_EQ(deserializeError(bytes), "pack metadata has an invalid kind 4 at byte 56 reading rules[0].kind");
}

TEST(PackSerialization, CapsFieldNesting) {
  auto nested = [](unsigned depth) {
    FieldSpec f;
    f.path = {PathStep::makeKey("leaf")};
    for (unsigned d = 1; d < depth; ++d) {
      FieldSpec outer;
      outer.elements.push_back(std::move(f));
      f = std::move(outer);
    }
    PackInfo p;
    p.fields.push_back(std::move(f));
    return p;
  };
  expectRoundTrip(nested(kMaxFieldNesting));
  std::string error = deserializeError(serializePack(nested(kMaxFieldNesting + 1)));
  EXPECT_EQ(error.rfind("pack metadata nests element tables deeper than 64 at byte ", 0), 0u) << error;
  EXPECT_NE(error.find("reading fields[0].elements[0].elements[0]."), std::string::npos) << error;
}

TEST(PackSerialization, SurvivesEveryCorruptedByte) {
  // No crash, no out-of-bounds read (valgrind / sanitizers), no wild
  // allocation; a corrupted byte inside a string may still read as a pack.
  const std::string bytes = serializePack(fullPack());
  for (size_t i = 0; i < bytes.size(); ++i) {
    for (char c : {'\xff', '\x80', '\x01'}) {
      std::string bad = bytes;
      bad[i] = static_cast<char>(bad[i] ^ c);
      PackInfo out;
      std::string error;
      if (!deserializePack(bad, out, error)) {
        EXPECT_NE(error, "") << i;
      }
    }
  }
}

TEST(PackSerialization, FailureLeavesOutputUntouched) {
  PackInfo out = smallPack();
  std::string error;
  std::string bytes = serializePack(fullPack());
  EXPECT_FALSE(deserializePack(std::string_view(bytes).substr(0, bytes.size() / 2), out, error));
  expectSame(out, smallPack());
}

} // namespace
