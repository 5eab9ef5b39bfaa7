//===- KqlLanguage.cpp ----------------------------------------------------===//
#include "kql/KqlLanguage.h"

#include "kql/KqlLowering.h"

#include "events/EventTime.h"

#include <filesystem>
#include <ostream>

namespace rulec::kql {

Claim KqlLanguage::claims(const YAML::Node &root) const {
  return sentinel::looksLikeSentinel(root) ? Claim::Sure : Claim::None;
}

bool KqlLanguage::readsWholeFile(const std::string &path) const {
  return std::filesystem::path(path).extension() == ".kql";
}

bool KqlLanguage::keep(std::unique_ptr<sentinel::Rule> query, RuleIds &ids, DiagnosticEngine &diags) {
  if (!query || !ids.claim(query->id, query->loc, diags))
    return false;
  parsed_.push_back(std::move(query));
  return true;
}

bool KqlLanguage::loadDocument(const YAML::Node &root, const std::string &file, RuleIds &ids,
                               DiagnosticEngine &diags) {
  ++read_;
  return keep(sentinel::loadRule(root, file, diags), ids, diags);
}

bool KqlLanguage::loadFile(const std::string &path, RuleIds &ids, DiagnosticEngine &diags) {
  ++read_;
  return keep(sentinel::loadKqlFile(path, diags), ids, diags);
}

namespace {

/// What the runtime's replay needs of a scheduled rule whose query lowered to
/// pack rules [firstRule, end) and operators [firstOperator, end).
AnalyticRuleSpec analyticSpec(const sentinel::Rule &rule, const ir::Pack &pack, size_t firstRule,
                              size_t firstOperator) {
  AnalyticRuleSpec a;
  a.id = rule.id;
  a.name = rule.name;
  a.description = rule.description;
  a.severity = rule.severity;
  a.sourceFile = *rule.loc.file;
  a.nrt = rule.kind == "NRT";
  // NRT rules run every minute over the minute before, and always alert
  // (near-real-time-rules): a threshold of "more than 0 rows".
  a.frequencyNanos = a.nrt ? kNanosPerMinute : rule.queryFrequencyNanos;
  a.periodNanos = a.nrt ? kNanosPerMinute : rule.queryPeriodNanos;
  static const std::pair<const char *, AnalyticRuleSpec::Trigger> triggers[] = {
      {"gt", AnalyticRuleSpec::Trigger::Gt},
      {"lt", AnalyticRuleSpec::Trigger::Lt},
      {"eq", AnalyticRuleSpec::Trigger::Eq},
      {"ne", AnalyticRuleSpec::Trigger::Ne}};
  for (const auto &[name, trigger] : triggers)
    if (!a.nrt && rule.triggerOperator == name)
      a.trigger = trigger;
  a.threshold = a.nrt ? 0 : rule.triggerThreshold;
  a.perResult = rule.alertPerResult;
  a.displayNameFormat = rule.displayNameFormat;
  a.descriptionFormat = rule.descriptionFormat;
  a.severityColumn = rule.severityColumn;
  a.tacticsColumn = rule.tacticsColumn;
  for (const auto &[key, column] : rule.dynamicProperties)
    a.dynamicProperties.push_back({key, column});
  for (const sentinel::Rule::EntityMapping &e : rule.entities) {
    a.entities.push_back({e.type, {}});
    for (const auto &[identifier, column] : e.identifiers)
      a.entities.back().identifiers.push_back({identifier, column});
  }
  for (const auto &[key, column] : rule.customDetails)
    a.customDetails.push_back({key, column});
  a.suppression = rule.suppressionEnabled && rule.suppressionNanos > 0;
  a.suppressionNanos = a.suppression ? rule.suppressionNanos : 0;
  a.tactics = rule.tactics;
  a.techniques = rule.techniques;
  a.firstRule = static_cast<uint32_t>(firstRule);
  a.endRule = static_cast<uint32_t>(pack.rules.size());
  a.firstOperator = static_cast<uint32_t>(firstOperator);
  a.endOperator = static_cast<uint32_t>(pack.operators.size());
  return a;
}

/// Whether the query's plan needs its whole input (a stream cannot run it
/// as events arrive): sort/top, bag_unpack, union kind=inner, a per-row
/// summarize joined back, toscalar(), or a summarize without a time bin
/// (stream mode would keep its groups to the end of input).
bool needsWholeInput(const ir::Pack &pack, size_t firstRule, size_t firstOperator) {
  for (size_t op = firstOperator; op < pack.operators.size(); ++op) {
    const OperatorSpec &o = pack.operators[op];
    if (o.kind == OperatorSpec::Kind::Sort || o.kind == OperatorSpec::Kind::BagUnpack || o.innerColumns ||
        o.windowNanos == OperatorSpec::kWholeInput)
      return true;
  }
  for (size_t r = firstRule; r < pack.rules.size(); ++r) {
    const RuleInfo &rule = pack.rules[r].info;
    if (rule.toScalar >= 0 ||
        (rule.kind == RuleKind::Aggregate && (rule.aggregate.binKey < 0 || !rule.aggregate.binIsTime)))
      return true;
  }
  return false;
}

} // namespace

void KqlLanguage::lower(PackBuilder &builder) {
  for (const auto &query : parsed_) {
    const size_t firstNew = builder.pack.rules.size(), firstOperator = builder.pack.operators.size();
    int64_t window = 0;
    if (!lowerQuery(*query, builder.pack, builder.diags, &window)) {
      ++builder.rejected;
      continue;
    }
    if (!builder.accept(firstNew))
      continue;
    compiled_.push_back(query.get());
    if (query->scheduled()) {
      builder.pack.analyticRules.push_back(analyticSpec(*query, builder.pack, firstNew, firstOperator));
    } else if (window > 0 && window <= kMaxAnalyticSpan && needsWholeInput(builder.pack, firstNew, firstOperator)) {
      // In stream mode: a batch over each window of its ago() in turn.
      AnalyticRuleSpec a = analyticSpec(*query, builder.pack, firstNew, firstOperator);
      a.hunting = true;
      a.frequencyNanos = a.periodNanos = window;
      builder.pack.analyticRules.push_back(std::move(a));
    }
  }
}

void KqlLanguage::dumpAst(std::ostream &os) const {
  for (const sentinel::Rule *query : compiled_) {
    os << "Query \"" << query->id << "\" file=" << *query->loc.file << "\n";
    dumpQuery(*query->query, os);
  }
}

std::vector<LanguageCounts> KqlLanguage::counts() const {
  return {{"KQL queries",
           {{"read", read_},
            {"parsed", static_cast<unsigned>(parsed_.size())},
            {"compiled", static_cast<unsigned>(compiled_.size())}}}};
}

} // namespace rulec::kql
