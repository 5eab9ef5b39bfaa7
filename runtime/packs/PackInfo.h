//===- PackInfo.h - What the runtime knows of a compiled rule pack --------===//
//
// A rule pack is its native eval function (see include/rulec/abi.h) plus this
// description: the field table that says how to fill each slot from an event,
// the log-type table, and per rule the metadata the runtime needs for alerting
// (severity, threshold, dedup period, title template). The compiler fills it;
// the runtime only reads it.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace rulec {

/// One step of a field path: an object key, an array index, or a wildcard:
/// in rule ASTs the `[*]` of a KeyPath; in a field table (Sigma
/// configurations) any member of an object or element of an array.
struct PathStep {
  bool isIndex = false;
  bool isWildcard = false;
  std::string key; ///< when neither flag is set
  int64_t index = 0; ///< when isIndex; negative counts from the end, as in Python

  static PathStep makeKey(std::string k) { PathStep s; s.key = std::move(k); return s; }
  static PathStep makeIndex(int64_t i) { PathStep s; s.isIndex = true; s.index = i; return s; }
  static PathStep makeWildcard() { PathStep s; s.isWildcard = true; return s; }

  bool operator==(const PathStep &o) const {
    return isIndex == o.isIndex && isWildcard == o.isWildcard && key == o.key && index == o.index;
  }
};

/// How object keys of a path are matched against event keys.
enum class KeyMatch : uint8_t {
  Exact,
  /// Panther: an exact key first, else the first key (in document order)
  /// that is equal ignoring ASCII case.
  ExactThenCaseInsensitive,
  /// Sigma: an exact key first, else the first key that is equal ignoring
  /// ASCII case and spaces (the log's "Source Name" is Sigma's SourceName).
  ExactThenLoose,
};

/// One slot of the pack: a field path into the event.
struct FieldSpec {
  std::vector<PathStep> path;
  KeyMatch keyMatch = KeyMatch::Exact;
  /// When non-empty, `path` is unused: the slot takes the value of the first
  /// of these paths the event has (Sigma field mappings: EventData.Image,
  /// then System.Image, then Image).
  std::vector<std::vector<PathStep>> alternatives;
  /// The element table: when non-empty and the field holds an array, each
  /// element is read into these sub-fields (paths relative to the element;
  /// an empty path is the element itself). See include/rulec/abi.h.
  std::vector<FieldSpec> elements;

  /// Same field (the element tables are merged when interning).
  bool sameField(const FieldSpec &o) const {
    return path == o.path && keyMatch == o.keyMatch && alternatives == o.alternatives;
  }
  /// Panther KeyPath spelling: a.b[0].c; "(element)" for the empty path.
  std::string str() const;
};

/// An alert title (or dedup) template: literal text and field slots.
struct TemplatePiece {
  bool isField = false;
  std::string text;      ///< literal text, or the placeholder as written
  uint32_t slot = 0;     ///< when isField
  std::string fallback;  ///< rendered when the field is missing
};

/// A named value of the event: an AlertContext entry or a KQL result column.
struct ContextEntry {
  std::string name;
  uint32_t slot = 0;     ///< top-level slot, unless computed
  bool computed = false; ///< computed by rulec_pack_column (KQL: strcat(...), iff(...), ...)
};

/// What a rule's matches become.
enum class RuleKind : uint8_t {
  Alert,      ///< Panther: thresholds, dedup windows, alerts
  Query,      ///< KQL: result rows (its `columns`), optionally distinct / limited
  SetBuilder, ///< a KQL let-table: its matches add columns[0]'s value to set `set`
  Aggregate,  ///< a KQL summarize: its matches fold into grouped rows (`aggregate`)
};

/// How an Aggregate rule (KQL `summarize aggs by keys`) folds its matches
/// into rows, which then run, as events of `outputLogType`, through the rule
/// that holds the operators after the summarize.
struct AggregateSpec {
  enum class Fn : uint8_t { Count, CountIf, DCount, Min, Max, Sum, Avg, MakeSet, MakeList, TakeAny, ArgMax, ArgMin, MakeBag,
                            Covariance, CovarianceP };
  struct Aggregate {
    Fn fn = Fn::Count;
    std::string name;  ///< the row column it fills
    int32_t input = -1; ///< index into RuleInfo::columns of its argument; -1 for count()
    int32_t input2 = -1; ///< covariance: its second argument
    int64_t limit = 1048576; ///< make_set / make_list / make_bag: at most this many values (keys)
    /// The *if forms (sumif, dcountif, make_set_if, ...): index into
    /// RuleInfo::columns of the predicate; rows where it is not true are skipped.
    int32_t condition = -1;
    /// arg_max / arg_min: the columns (indexes into RuleInfo::columns) the
    /// best row brings along; `carryRow`: all of the row's (`*`).
    std::vector<uint32_t> carry;
    bool carryRow = false;
  };
  std::vector<uint32_t> keys;   ///< `by` columns: indexes into RuleInfo::columns, in order
  int32_t binKey = -1;          ///< which of `keys` is bin(x, size); -1: none
  int64_t binSize = 0;          ///< ns for datetime bins, else the numeric bin size
  bool binIsTime = true;
  std::vector<Aggregate> aggregates;
  uint32_t outputLogType = 0;
  uint32_t flushOrder = 0; ///< as OperatorSpec::flushOrder
};

/// A runtime operator of a KQL query's plan (docs/kql.md, "The tabular
/// plan"): the rows of the Query rules whose `toOperator` names it come in
/// (each on its input: a join's left is 0, its right 1), its rows go out as
/// events of `outputLogType`, through the rules of the operators after it.
struct OperatorSpec {
  enum class Kind : uint8_t {
    Sort,     ///< sort / order / top: every row, sorted at the end of input (`limit`: top N)
    Union,    ///< union: rows pass through as they come
    MvExpand, ///< mv-expand: one row per element of `expand` columns' arrays
    Join,     ///< join / lookup by `leftKeys` / `rightKeys`: batch at the end of input, stream as rows arrive
    BagUnpack, ///< evaluate bag_unpack: at the end of input, the bag column `expand[0]`'s properties as columns
  };
  /// The lookup kinds are leftouter and inner joins whose right key columns
  /// are not repeated in the output (the lookup operator).
  enum class JoinKind : uint8_t {
    InnerUnique, Inner, LeftOuter, RightOuter, FullOuter, LeftAnti, RightAnti, LeftSemi, RightSemi,
    LookupLeftOuter, LookupInner
  };
  struct SortKey {
    std::string column;
    bool descending = true; ///< Kusto's default
    bool nullsFirst = false;
    bool operator==(const SortKey &) const = default;
  };
  Kind kind = Kind::Sort;
  std::string name;            ///< for messages: "sort at q.kql:3:3"
  std::string rule;            ///< for messages: the id of the query it belongs to
  uint32_t outputLogType = 0;
  /// Its place among its query's summarize and operator stages, in plan
  /// order: at the end of input they emit in this order, each after all
  /// that feed it.
  uint32_t flushOrder = 0;
  std::vector<SortKey> sortKeys; ///< Sort
  int64_t limit = -1;            ///< Sort: top N; MvExpand: at most N rows per row
  /// Sort: sorted and limited per value of this column, partitions in order
  /// of appearance (mv-apply's sub-query, per input row); "" none.
  std::string partition;
  std::vector<std::string> expand; ///< MvExpand: the array columns, expanded side by side
  std::string itemIndex;           ///< MvExpand: with_itemindex's column ("" none)
  /// MvExpand: per `expand` column, the type its elements convert to (`to
  /// typeof(T)`: long, int, real, double, string, bool, datetime; "" keeps them).
  std::vector<std::string> expandTypes;
  bool bagsAsArrays = false;       ///< MvExpand kind=array: a bag's entries as [key, value]
  /// BagUnpack: the new columns' prefix; columnsConflict ("error",
  /// "replace_source", "keep_source"); properties left out; the output
  /// schema's columns ("*": the others; empty: no schema).
  std::string prefix, conflict;
  std::vector<std::string> ignored, schema;
  JoinKind joinKind = JoinKind::InnerUnique;
  std::vector<std::string> leftKeys, rightKeys; ///< Join: equal in pairs
  /// Stream mode: how long (ns of event time) the operator keeps a row: the
  /// Sentinel rule's queryPeriod, else the query's largest `> ago(X)`; 0:
  /// no window, kWholeInput: cannot have one (stream mode refuses both).
  int64_t windowNanos = 0;
  static constexpr int64_t kWholeInput = -1; ///< mv-apply's per-row summarize joined back: it emits at the end
  bool innerColumns = false; ///< Union kind=inner: each row keeps only the columns every input has
  bool firstPass = false; ///< of a toscalar() sub-query (RuleInfo::firstPass)
  bool operator==(const OperatorSpec &) const = default;
};

/// A set a KQL let-table fills, read by `in` / `has_any` in other queries.
struct SetSpec {
  std::string name;
  /// Members older than this (by event time) are dropped in streaming mode;
  /// 0 keeps them. Taken from the table's `where TimeGenerated > ago(...)`.
  int64_t retentionNanos = 0;
};

/// Where a match (or a correlation's firing) goes besides its own output:
/// input `input` of correlation `correlation`.
struct CorrelationFeed {
  uint32_t correlation = 0;
  uint32_t input = 0;
};

/// A Sigma correlation rule: per group (the values of its group-by fields)
/// it counts the matches of other rules, or the firings of other
/// correlations, in a window of `timespanNanos` (docs/sigma.md).
struct CorrelationSpec {
  enum class Type : uint8_t { EventCount, ValueCount, Temporal, TemporalOrdered };
  enum class Cmp : uint8_t { Gt, Gte, Lt, Lte, Eq };
  struct Bound {
    Cmp cmp = Cmp::Gte;
    int64_t value = 1;
  };
  /// One entry of `rules`, in order (temporal_ordered's order).
  struct Input {
    bool fromCorrelation = false;
    uint32_t source = 0; ///< a pack rule index, or a correlation index
    /// Per group-by name: the slot of its field (rule inputs) or the index of
    /// the source correlation's group-by value (correlation inputs).
    std::vector<uint32_t> groupBy;
    int64_t valueField = -1; ///< value_count: slot / group index of `field`
  };

  Type type = Type::EventCount;
  std::string id;
  std::string title;
  std::string level;
  std::string sourceFile;
  int64_t timespanNanos = 0;
  std::vector<Bound> condition; ///< all hold
  std::vector<std::string> groupBy;
  std::string valueField; ///< value_count's `field`
  std::vector<Input> inputs;
  bool emit = true; ///< false: only other correlations read its firings
  std::vector<CorrelationFeed> feeds;

  /// Whether the condition bounds the count from above (lt, lte, eq): then a
  /// window is judged when it closes, else as soon as the count holds.
  bool boundedAbove() const;
  bool holds(int64_t count) const;
};

const char *correlationTypeName(CorrelationSpec::Type type);
const char *correlationCmpName(CorrelationSpec::Cmp cmp);

/// One needle of one literal set.
struct LiteralRef {
  uint32_t set = 0;
  uint32_t index = 0;
};

struct RuleInfo {
  RuleKind kind = RuleKind::Alert;
  std::string id;
  std::string displayName;
  std::string severity;
  std::string sourceFile;
  uint32_t threshold = 1;
  uint32_t dedupPeriodMinutes = 60;
  /// false: matches are signals, not alerts (Panther CreateAlert: false; a
  /// Sigma rule only a correlation reads, whose `generate` is false)
  bool createAlert = true;
  std::vector<TemplatePiece> title; ///< empty: no AlertTitle
  /// GroupBy: the dedup string is these pieces; empty: the title decides.
  std::vector<TemplatePiece> groupBy;
  std::vector<ContextEntry> alertContext;
  /// ChangeTo of each DynamicSeverities entry, by the index
  /// rulec_pack_severity returns.
  std::vector<std::string> dynamicSeverities;
  std::vector<uint32_t> logTypes; ///< indexes into PackInfo::logTypes

  // Query and SetBuilder rules.
  /// Query: the row's columns; with `wholeEvent`, the event's own fields come
  /// first and these (extend) columns are added. SetBuilder: columns[0] is
  /// the value it adds.
  std::vector<ContextEntry> columns;
  bool wholeEvent = false;
  std::vector<std::string> hiddenFields; ///< wholeEvent: event fields project-away removed
  bool distinct = false;             ///< Query: each distinct row once
  int64_t take = -1;                 ///< Query: at most this many rows; -1 unlimited
  uint32_t set = 0;                  ///< SetBuilder: the set it fills
  AggregateSpec aggregate;           ///< Aggregate
  int32_t toOperator = -1;           ///< Query: its rows go to this operator, not out
  uint32_t operatorInput = 0;        ///< Query with toOperator: which input (a join's right is 1, a union's arms 0..n-1)
  int32_t toScalar = -1;             ///< Query: its first row's first column is scalar #toScalar (toscalar())
  /// Part of a toscalar() sub-query: runs (and its summarizes flush) in the
  /// first of batch mode's two passes, before the rules that read the scalar.
  bool firstPass = false;
  /// Correlations its matches count in (Sigma rules named in `rules`).
  std::vector<CorrelationFeed> feeds;
  /// Prefilter (compiler/ir/Prefilter.h): the rule can only match an event that
  /// holds, for each clause, one of its needles (or a list in a field one of
  /// the needles is of); empty: the rule always runs.
  std::vector<std::vector<LiteralRef>> requirements;
  static constexpr size_t kMaxClauses = 4;
};

/// Many ASCII-case-insensitive string tests on one field, answered from one
/// pass over the field's folded string per event, before the rules run
/// (runtime/matching/LiteralMatcher.h). Needles are lower case. Every needle of the
/// pack has a bit in one array (needleBases) that the generated code reads.
struct LiteralSet {
  enum class Kind : uint8_t {
    Contains,   ///< icontains: needles that are scannable()
    Equals,     ///< ieq
    StartsWith, ///< istartswith (needles not empty)
    EndsWith,   ///< iendswith (needles not empty)
    /// One needle, "": found when the string has a byte >= 0x80. No leaf
    /// tests it; the prefilter does (a regex that may match by Unicode case
    /// folding, runtime/matching/RegexGate.h).
    NonAscii,
  };
  /// The field it tests, or kEventText: the event's values, all of them
  /// (Sigma keywords, runtime/matching/KeywordScanner.h; kind Contains).
  uint32_t slot = 0;
  static constexpr uint32_t kEventText = UINT32_MAX;
  Kind kind = Kind::Contains;
  std::vector<std::string> needles;
  /// kEventText: per needle, its scan group, searched together when one of
  /// them is first asked for in an event (the keywords of one rule; the
  /// rule asks only when its other conditions held). Else empty.
  std::vector<uint32_t> groups;

  /// Whether an icontains needle is worth a place in the per-event scan: 4
  /// bytes or more, or any non-ASCII byte (the scan skips those needles in
  /// ASCII texts). Shorter ASCII needles (" -p", "&", "\\") occur in most
  /// texts: they would slow every scan and select no rule; their leaves
  /// search the string themselves.
  static bool scannable(const std::string &needle);
};

/// The first needle bit of each literal set: needle i of set s is bit
/// needleBases(sets)[s] + i; the last entry is the number of bits.
std::vector<uint32_t> needleBases(const std::vector<LiteralSet> &sets);

/// How the regex gate (runtime/matching/RegexGate.h) answers for one pattern: planned
/// when the pack is compiled (planRegexGate), so that loading need not parse
/// every pattern.
struct RegexGatePlan {
  enum class Kind : uint8_t {
    Always,        ///< may match any text
    NeedsNonAscii, ///< matches only a text with a byte >= 0x80
    FewAtoms,      ///< a match holds an atom of each of `clauses`, each looked for
    Filtered,      ///< FilteredRE2's condition over the scan of every such pattern's atoms
  };
  Kind kind = Kind::Always;
  bool orNonAscii = false; ///< FewAtoms, Filtered: a text with a non-ASCII byte may match too
  std::vector<std::vector<std::string>> clauses; ///< FewAtoms: smallest clauses first
  bool operator==(const RegexGatePlan &) const = default;
};

/// How an event without `p_log_type` or `Type` shows its log type: it has
/// every one of `fields` (dotted paths; a Sigma configuration's `detect`).
struct LogTypeShape {
  uint32_t logType = 0;
  std::vector<std::string> fields;
  bool operator==(const LogTypeShape &) const = default;
};

/// Rows a KQL source makes without events (`datatable`, `print`, `range`):
/// JSON objects the runtime runs through the pack as events of `logType`
/// before any input (docs/kql.md, "The tabular plan").
struct SourceRows {
  uint32_t logType = 0;
  std::string name; ///< where the rows come from, for messages: "datatable at q.kql:1:9"
  std::vector<std::string> rows;
  bool operator==(const SourceRows &) const = default;
};

/// A Sentinel scheduled (or NRT) analytic rule: its query's pack rules and
/// operators, its schedule and what its alerts hold. The runtime replays its
/// runs on event time (runtime/schedule/AnalyticReplay.h, docs/sentinel.md).
/// Or (`hunting`) a query without a schedule whose plan needs its whole
/// input (sort, top, toscalar(), ...) and has an ago() window: stream mode
/// runs it as a batch over each window in turn and prints the rows
/// (frequency = period = the window; docs/kql.md, "Batch and stream").
/// The longest frequency or period a replayed query may have (about 36
/// years): run times stay far from int64's ends.
inline constexpr int64_t kMaxAnalyticSpan = int64_t(1) << 60;

struct AnalyticRuleSpec {
  std::string id, name, description, severity, sourceFile;
  bool hunting = false;
  bool nrt = false;
  int64_t frequencyNanos = 0, periodNanos = 0;
  enum class Trigger : uint8_t { Gt, Lt, Eq, Ne };
  Trigger trigger = Trigger::Gt;
  int64_t threshold = 0;
  bool perResult = false; ///< AlertPerResult; else SingleAlert
  std::string displayNameFormat, descriptionFormat, severityColumn, tacticsColumn;
  struct Mapping {
    std::string key, column; ///< identifier, alertProperty or custom detail; the column it is read from
    bool operator==(const Mapping &) const = default;
  };
  std::vector<Mapping> dynamicProperties;
  struct Entity {
    std::string type;
    std::vector<Mapping> identifiers;
    bool operator==(const Entity &) const = default;
  };
  std::vector<Entity> entities;
  std::vector<Mapping> customDetails;
  bool suppression = false;
  int64_t suppressionNanos = 0;
  std::vector<std::string> tactics, techniques;
  /// Its query: pack rules [firstRule, endRule), operators [firstOperator, endOperator).
  uint32_t firstRule = 0, endRule = 0, firstOperator = 0, endOperator = 0;
  /// Whether the replay runs it: scheduled rules always, hunting queries in stream mode.
  bool replayed(bool streaming) const { return !hunting || streaming; }
  bool operator==(const AnalyticRuleSpec &) const = default;
};

struct PackInfo {
  std::vector<FieldSpec> fields;
  std::vector<std::string> logTypes;
  /// Tried in order on events that do not name their log type.
  std::vector<LogTypeShape> logTypeShapes;
  std::vector<RuleInfo> rules;
  std::vector<SetSpec> sets;
  /// KQL toscalar() values, by the index `$toscalar` reads: where each is (for messages).
  std::vector<std::string> scalars;
  std::vector<std::string> regexes; ///< RE2 patterns, by the index the code passes
  /// The scalar functions the code calls (rulec_rt_call's index), by name
  /// (runtime/functions/FunctionLibrary.h).
  std::vector<std::string> functions;
  /// Per regex, or none (a pack built by hand: the gate plans for itself).
  std::vector<RegexGatePlan> regexGate;
  std::vector<CorrelationSpec> correlations;
  std::vector<LiteralSet> literalSets;
  std::vector<SourceRows> sources;
  std::vector<OperatorSpec> operators;
  std::vector<AnalyticRuleSpec> analyticRules;

  /// Whether pack rule `rule` / operator `op` belongs to a query the replay
  /// runs (AnalyticRuleSpec::replayed), not run on each event.
  bool ruleReplayed(uint32_t rule, bool streaming) const;
  bool operatorReplayed(uint32_t op, bool streaming) const;

  /// Index of a log type by name, or RULEC_NO_LOG_TYPE.
  uint32_t logTypeIndex(const std::string &name) const;
};

} // namespace rulec
