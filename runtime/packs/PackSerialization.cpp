//===- PackSerialization.cpp ----------------------------------------------===//
#include "packs/PackSerialization.h"

#include "functions/FunctionLibrary.h"

#include "packs/ByteCodec.h"

#include <type_traits>
#include <utility>

namespace rulec {

namespace {

constexpr std::string_view kMagic{"RULECPK\0", 8};

using bytes::Reader;
using bytes::Writer;

//===----------------------------------------------------------------------===//
// One write/read pair per struct, fields in declaration order. Adding a field
// means adding it to both functions of its pair and bumping
// kPackFormatVersion.
//===----------------------------------------------------------------------===//

void writePathStep(Writer &w, const PathStep &s) {
  w.boolean(s.isIndex);
  w.boolean(s.isWildcard);
  w.str(s.key);
  w.i64(s.index);
}
void readPathStep(Reader &r, PathStep &s) {
  r.boolean(s.isIndex, "isIndex");
  r.boolean(s.isWildcard, "isWildcard");
  r.str(s.key, "key");
  r.i64(s.index, "index");
}

void writeFieldSpec(Writer &w, const FieldSpec &f) {
  w.vec(f.path, writePathStep);
  w.enumeration(f.keyMatch);
  w.vec(f.alternatives, [](Writer &w, const std::vector<PathStep> &alt) { w.vec(alt, writePathStep); });
  w.vec(f.elements, writeFieldSpec);
}
/// `depth`: 1 for the pack's fields, 2 for their elements, ...
void readFieldSpec(Reader &r, FieldSpec &f, unsigned depth) {
  if (depth > kMaxFieldNesting)
    return r.fail("nests element tables deeper than " + std::to_string(kMaxFieldNesting), r.offset(), "");
  r.vec(f.path, "path", readPathStep);
  r.enumeration(f.keyMatch, KeyMatch::ExactThenLoose, "keyMatch");
  r.vec(f.alternatives, "alternatives",
        [](Reader &r, std::vector<PathStep> &alt) { r.vec(alt, "", readPathStep); });
  r.vec(f.elements, "elements", [depth](Reader &r, FieldSpec &e) { readFieldSpec(r, e, depth + 1); });
}

void writeTemplatePiece(Writer &w, const TemplatePiece &p) {
  w.boolean(p.isField);
  w.str(p.text);
  w.u32(p.slot);
  w.str(p.fallback);
}
void readTemplatePiece(Reader &r, TemplatePiece &p) {
  r.boolean(p.isField, "isField");
  r.str(p.text, "text");
  r.u32(p.slot, "slot");
  r.str(p.fallback, "fallback");
}

void writeContextEntry(Writer &w, const ContextEntry &e) {
  w.str(e.name);
  w.u32(e.slot);
  w.boolean(e.computed);
}
void readContextEntry(Reader &r, ContextEntry &e) {
  r.str(e.name, "name");
  r.u32(e.slot, "slot");
  r.boolean(e.computed, "computed");
}

void writeAggregate(Writer &w, const AggregateSpec::Aggregate &a) {
  w.enumeration(a.fn);
  w.str(a.name);
  w.i32(a.input);
  w.i32(a.input2);
  w.i64(a.limit);
  w.i32(a.condition);
  w.vec(a.carry);
  w.boolean(a.carryRow);
}
void readAggregate(Reader &r, AggregateSpec::Aggregate &a) {
  r.enumeration(a.fn, AggregateSpec::Fn::CovarianceP, "fn");
  r.str(a.name, "name");
  r.i32(a.input, "input");
  r.i32(a.input2, "input2");
  r.i64(a.limit, "limit");
  r.i32(a.condition, "condition");
  r.vec(a.carry, "carry");
  r.boolean(a.carryRow, "carryRow");
}

void writeAggregateSpec(Writer &w, const AggregateSpec &s) {
  w.vec(s.keys);
  w.i32(s.binKey);
  w.i64(s.binSize);
  w.boolean(s.binIsTime);
  w.vec(s.aggregates, writeAggregate);
  w.u32(s.outputLogType);
  w.u32(s.flushOrder);
}
void readAggregateSpec(Reader &r, AggregateSpec &s) {
  r.vec(s.keys, "keys");
  r.i32(s.binKey, "binKey");
  r.i64(s.binSize, "binSize");
  r.boolean(s.binIsTime, "binIsTime");
  r.vec(s.aggregates, "aggregates", readAggregate);
  r.u32(s.outputLogType, "outputLogType");
  r.u32(s.flushOrder, "flushOrder");
}

void writeSetSpec(Writer &w, const SetSpec &s) {
  w.str(s.name);
  w.i64(s.retentionNanos);
}
void readSetSpec(Reader &r, SetSpec &s) {
  r.str(s.name, "name");
  r.i64(s.retentionNanos, "retentionNanos");
}

void writeCorrelationFeed(Writer &w, const CorrelationFeed &f) {
  w.u32(f.correlation);
  w.u32(f.input);
}
void readCorrelationFeed(Reader &r, CorrelationFeed &f) {
  r.u32(f.correlation, "correlation");
  r.u32(f.input, "input");
}

void writeBound(Writer &w, const CorrelationSpec::Bound &b) {
  w.enumeration(b.cmp);
  w.i64(b.value);
}
void readBound(Reader &r, CorrelationSpec::Bound &b) {
  r.enumeration(b.cmp, CorrelationSpec::Cmp::Eq, "cmp");
  r.i64(b.value, "value");
}

void writeCorrelationInput(Writer &w, const CorrelationSpec::Input &in) {
  w.boolean(in.fromCorrelation);
  w.u32(in.source);
  w.vec(in.groupBy);
  w.i64(in.valueField);
}
void readCorrelationInput(Reader &r, CorrelationSpec::Input &in) {
  r.boolean(in.fromCorrelation, "fromCorrelation");
  r.u32(in.source, "source");
  r.vec(in.groupBy, "groupBy");
  r.i64(in.valueField, "valueField");
}

void writeCorrelationSpec(Writer &w, const CorrelationSpec &c) {
  w.enumeration(c.type);
  w.str(c.id);
  w.str(c.title);
  w.str(c.level);
  w.str(c.sourceFile);
  w.i64(c.timespanNanos);
  w.vec(c.condition, writeBound);
  w.vec(c.groupBy);
  w.str(c.valueField);
  w.vec(c.inputs, writeCorrelationInput);
  w.boolean(c.emit);
  w.vec(c.feeds, writeCorrelationFeed);
}
void readCorrelationSpec(Reader &r, CorrelationSpec &c) {
  r.enumeration(c.type, CorrelationSpec::Type::TemporalOrdered, "type");
  r.str(c.id, "id");
  r.str(c.title, "title");
  r.str(c.level, "level");
  r.str(c.sourceFile, "sourceFile");
  r.i64(c.timespanNanos, "timespanNanos");
  r.vec(c.condition, "condition", readBound);
  r.vec(c.groupBy, "groupBy");
  r.str(c.valueField, "valueField");
  r.vec(c.inputs, "inputs", readCorrelationInput);
  r.boolean(c.emit, "emit");
  r.vec(c.feeds, "feeds", readCorrelationFeed);
}

void writeRuleInfo(Writer &w, const RuleInfo &rule) {
  w.enumeration(rule.kind);
  w.str(rule.id);
  w.str(rule.displayName);
  w.str(rule.severity);
  w.str(rule.sourceFile);
  w.u32(rule.threshold);
  w.u32(rule.dedupPeriodMinutes);
  w.boolean(rule.createAlert);
  w.vec(rule.title, writeTemplatePiece);
  w.vec(rule.groupBy, writeTemplatePiece);
  w.vec(rule.alertContext, writeContextEntry);
  w.vec(rule.dynamicSeverities);
  w.vec(rule.logTypes);
  w.vec(rule.columns, writeContextEntry);
  w.boolean(rule.wholeEvent);
  w.vec(rule.hiddenFields);
  w.boolean(rule.distinct);
  w.i64(rule.take);
  w.u32(rule.set);
  writeAggregateSpec(w, rule.aggregate);
  w.i64(rule.toOperator);
  w.u32(rule.operatorInput);
  w.i64(rule.toScalar);
  w.boolean(rule.firstPass);
  w.vec(rule.feeds, writeCorrelationFeed);
  w.vec(rule.requirements, [](Writer &w, const std::vector<LiteralRef> &clause) {
    w.vec(clause, [](Writer &w, const LiteralRef &l) {
      w.u32(l.set);
      w.u32(l.index);
    });
  });
}
/// An index that may be -1 (none), written as an i64.
void readOptionalIndex(Reader &r, int32_t &out, const char *what) {
  int64_t v = -1;
  r.i64(v, what);
  if (r.ok() && (v < -1 || v > INT32_MAX))
    r.fail("is out of range", r.offset(), what);
  out = static_cast<int32_t>(v);
}

void readRuleInfo(Reader &r, RuleInfo &rule) {
  r.enumeration(rule.kind, RuleKind::Aggregate, "kind");
  r.str(rule.id, "id");
  r.str(rule.displayName, "displayName");
  r.str(rule.severity, "severity");
  r.str(rule.sourceFile, "sourceFile");
  r.u32(rule.threshold, "threshold");
  r.u32(rule.dedupPeriodMinutes, "dedupPeriodMinutes");
  r.boolean(rule.createAlert, "createAlert");
  r.vec(rule.title, "title", readTemplatePiece);
  r.vec(rule.groupBy, "groupBy", readTemplatePiece);
  r.vec(rule.alertContext, "alertContext", readContextEntry);
  r.vec(rule.dynamicSeverities, "dynamicSeverities");
  r.vec(rule.logTypes, "logTypes");
  r.vec(rule.columns, "columns", readContextEntry);
  r.boolean(rule.wholeEvent, "wholeEvent");
  r.vec(rule.hiddenFields, "hiddenFields");
  r.boolean(rule.distinct, "distinct");
  r.i64(rule.take, "take");
  r.u32(rule.set, "set");
  r.member(rule.aggregate, "aggregate", readAggregateSpec);
  readOptionalIndex(r, rule.toOperator, "toOperator");
  r.u32(rule.operatorInput, "operatorInput");
  readOptionalIndex(r, rule.toScalar, "toScalar");
  r.boolean(rule.firstPass, "firstPass");
  r.vec(rule.feeds, "feeds", readCorrelationFeed);
  r.vec(rule.requirements, "requirements", [](Reader &r, std::vector<LiteralRef> &clause) {
    r.vec(clause, "clause", [](Reader &r, LiteralRef &l) {
      r.u32(l.set, "set");
      r.u32(l.index, "index");
    }, 8);
  }, 4);
}

void writeLiteralSet(Writer &w, const LiteralSet &l) {
  w.u32(l.slot);
  w.enumeration(l.kind);
  w.vec(l.needles);
  w.vec(l.groups, [](Writer &w, uint32_t g) { w.u32(g); });
}
void readLiteralSet(Reader &r, LiteralSet &l) {
  r.u32(l.slot, "slot");
  r.enumeration(l.kind, LiteralSet::Kind::NonAscii, "kind");
  r.vec(l.needles, "needles");
  r.vec(l.groups, "groups", [](Reader &r, uint32_t &g) { r.u32(g, ""); }, 4);
}

void writePackInfo(Writer &w, const PackInfo &p) {
  w.vec(p.fields, writeFieldSpec);
  w.vec(p.logTypes);
  w.vec(p.logTypeShapes, [](Writer &w, const LogTypeShape &s) {
    w.u32(s.logType);
    w.vec(s.fields);
  });
  w.vec(p.rules, writeRuleInfo);
  w.vec(p.sets, writeSetSpec);
  w.vec(p.scalars);
  w.vec(p.regexes);
  w.vec(p.functions);
  w.vec(p.regexGate, [](Writer &w, const RegexGatePlan &plan) {
    w.enumeration(plan.kind);
    w.boolean(plan.orNonAscii);
    w.vec(plan.clauses, [](Writer &w, const std::vector<std::string> &clause) { w.vec(clause); });
  });
  w.vec(p.correlations, writeCorrelationSpec);
  w.vec(p.literalSets, writeLiteralSet);
  w.vec(p.sources, [](Writer &w, const SourceRows &s) {
    w.u32(s.logType);
    w.str(s.name);
    w.vec(s.rows);
  });
  w.vec(p.operators, [](Writer &w, const OperatorSpec &o) {
    w.enumeration(o.kind);
    w.str(o.name);
    w.str(o.rule);
    w.u32(o.outputLogType);
    w.u32(o.flushOrder);
    w.vec(o.sortKeys, [](Writer &w, const OperatorSpec::SortKey &k) {
      w.str(k.column);
      w.boolean(k.descending);
      w.boolean(k.nullsFirst);
    });
    w.i64(o.limit);
    w.str(o.partition);
    w.vec(o.expand);
    w.str(o.itemIndex);
    w.vec(o.expandTypes);
    w.boolean(o.bagsAsArrays);
    w.str(o.prefix);
    w.str(o.conflict);
    w.vec(o.ignored);
    w.vec(o.schema);
    w.enumeration(o.joinKind);
    w.vec(o.leftKeys);
    w.vec(o.rightKeys);
    w.i64(o.windowNanos);
    w.boolean(o.innerColumns);
    w.boolean(o.firstPass);
  });
  auto mapping = [](Writer &w, const AnalyticRuleSpec::Mapping &m) {
    w.str(m.key);
    w.str(m.column);
  };
  w.vec(p.analyticRules, [&](Writer &w, const AnalyticRuleSpec &a) {
    for (const std::string *s : {&a.id, &a.name, &a.description, &a.severity, &a.sourceFile})
      w.str(*s);
    w.boolean(a.hunting);
    w.boolean(a.nrt);
    w.i64(a.frequencyNanos);
    w.i64(a.periodNanos);
    w.enumeration(a.trigger);
    w.i64(a.threshold);
    w.boolean(a.perResult);
    for (const std::string *s : {&a.displayNameFormat, &a.descriptionFormat, &a.severityColumn, &a.tacticsColumn})
      w.str(*s);
    w.vec(a.dynamicProperties, mapping);
    w.vec(a.entities, [&](Writer &w, const AnalyticRuleSpec::Entity &e) {
      w.str(e.type);
      w.vec(e.identifiers, mapping);
    });
    w.vec(a.customDetails, mapping);
    w.boolean(a.suppression);
    w.i64(a.suppressionNanos);
    w.vec(a.tactics);
    w.vec(a.techniques);
    for (uint32_t v : {a.firstRule, a.endRule, a.firstOperator, a.endOperator})
      w.u32(v);
  });
}
void readPackInfo(Reader &r, PackInfo &p) {
  r.vec(p.fields, "fields", [](Reader &r, FieldSpec &f) { readFieldSpec(r, f, 1); });
  r.vec(p.logTypes, "logTypes");
  r.vec(p.logTypeShapes, "logTypeShapes", [](Reader &r, LogTypeShape &s) {
    r.u32(s.logType, "logType");
    r.vec(s.fields, "fields");
  }, 8);
  r.vec(p.rules, "rules", readRuleInfo);
  r.vec(p.sets, "sets", readSetSpec);
  r.vec(p.scalars, "scalars");
  r.vec(p.regexes, "regexes");
  r.vec(p.functions, "functions");
  r.vec(p.regexGate, "regexGate", [](Reader &r, RegexGatePlan &plan) {
    r.enumeration(plan.kind, RegexGatePlan::Kind::Filtered, "kind");
    r.boolean(plan.orNonAscii, "orNonAscii");
    r.vec(plan.clauses, "clauses", [](Reader &r, std::vector<std::string> &clause) { r.vec(clause, ""); }, 4);
  }, 6);
  r.vec(p.correlations, "correlations", readCorrelationSpec);
  r.vec(p.literalSets, "literalSets", readLiteralSet);
  r.vec(p.sources, "sources", [](Reader &r, SourceRows &s) {
    r.u32(s.logType, "logType");
    r.str(s.name, "name");
    r.vec(s.rows, "rows");
  }, 12);
  r.vec(p.operators, "operators", [](Reader &r, OperatorSpec &o) {
    r.enumeration(o.kind, OperatorSpec::Kind::BagUnpack, "kind");
    r.str(o.name, "name");
    r.str(o.rule, "rule");
    r.u32(o.outputLogType, "outputLogType");
    r.u32(o.flushOrder, "flushOrder");
    r.vec(o.sortKeys, "sortKeys", [](Reader &r, OperatorSpec::SortKey &k) {
      r.str(k.column, "column");
      r.boolean(k.descending, "descending");
      r.boolean(k.nullsFirst, "nullsFirst");
    }, 6);
    r.i64(o.limit, "limit");
    r.str(o.partition, "partition");
    r.vec(o.expand, "expand");
    r.str(o.itemIndex, "itemIndex");
    r.vec(o.expandTypes, "expandTypes");
    r.boolean(o.bagsAsArrays, "bagsAsArrays");
    r.str(o.prefix, "prefix");
    r.str(o.conflict, "conflict");
    r.vec(o.ignored, "ignored");
    r.vec(o.schema, "schema");
    r.enumeration(o.joinKind, OperatorSpec::JoinKind::LookupInner, "joinKind");
    r.vec(o.leftKeys, "leftKeys");
    r.vec(o.rightKeys, "rightKeys");
    r.i64(o.windowNanos, "windowNanos");
    r.boolean(o.innerColumns, "innerColumns");
    r.boolean(o.firstPass, "firstPass");
  }, 54);
  auto mapping = [](Reader &r, AnalyticRuleSpec::Mapping &m) {
    r.str(m.key, "key");
    r.str(m.column, "column");
  };
  r.vec(p.analyticRules, "analyticRules", [&](Reader &r, AnalyticRuleSpec &a) {
    for (std::string *s : {&a.id, &a.name, &a.description, &a.severity, &a.sourceFile})
      r.str(*s, "text");
    r.boolean(a.hunting, "hunting");
    r.boolean(a.nrt, "nrt");
    r.i64(a.frequencyNanos, "frequency");
    r.i64(a.periodNanos, "period");
    r.enumeration(a.trigger, AnalyticRuleSpec::Trigger::Ne, "trigger");
    r.i64(a.threshold, "threshold");
    r.boolean(a.perResult, "perResult");
    for (std::string *s : {&a.displayNameFormat, &a.descriptionFormat, &a.severityColumn, &a.tacticsColumn})
      r.str(*s, "format");
    r.vec(a.dynamicProperties, "dynamicProperties", mapping, 8);
    r.vec(a.entities, "entities", [&](Reader &r, AnalyticRuleSpec::Entity &e) {
      r.str(e.type, "type");
      r.vec(e.identifiers, "identifiers", mapping, 8);
    }, 8);
    r.vec(a.customDetails, "customDetails", mapping, 8);
    r.boolean(a.suppression, "suppression");
    r.i64(a.suppressionNanos, "suppressionNanos");
    r.vec(a.tactics, "tactics");
    r.vec(a.techniques, "techniques");
    for (uint32_t *v : {&a.firstRule, &a.endRule, &a.firstOperator, &a.endOperator})
      r.u32(*v, "range");
  }, 100);
}

} // namespace

std::string serializePack(const PackInfo &pack) {
  Writer w;
  w.out.append(kMagic);
  w.u32(kPackFormatVersion);
  writePackInfo(w, pack);
  return std::move(w.out);
}

bool deserializePack(std::string_view bytes, PackInfo &out, std::string &error) {
  if (bytes.substr(0, kMagic.size()) != kMagic) {
    error = "not a rulec pack (bad magic)";
    return false;
  }
  Reader r(bytes, kMagic.size(), "pack metadata");
  uint32_t version = 0;
  r.u32(version, "version");
  if (r.ok() && version != kPackFormatVersion) {
    error = "unknown format version " + std::to_string(version) + " (this build reads version " +
            std::to_string(kPackFormatVersion) + ")";
    return false;
  }
  PackInfo pack;
  readPackInfo(r, pack);
  for (const LogTypeShape &shape : pack.logTypeShapes)
    if (r.ok() && shape.logType >= pack.logTypes.size())
      r.fail("names a log type the pack does not have", r.offset(), "logTypeShapes");
  for (const std::string &name : pack.functions)
    if (r.ok() && !functions::find(name))
      r.fail("calls the function '" + name + "', which this rulec does not have", r.offset(), "functions");
  for (const SourceRows &source : pack.sources)
    if (r.ok() && source.logType >= pack.logTypes.size())
      r.fail("names a log type the pack does not have", r.offset(), "sources");
  for (const OperatorSpec &op : pack.operators)
    if (r.ok() && op.outputLogType >= pack.logTypes.size())
      r.fail("names a log type the pack does not have", r.offset(), "operators");
  for (const RuleInfo &rule : pack.rules)
    if (r.ok() && rule.toOperator >= 0 &&
        (static_cast<size_t>(rule.toOperator) >= pack.operators.size() ||
         (rule.operatorInput > 1 && pack.operators[rule.toOperator].kind != OperatorSpec::Kind::Union)))
      r.fail("names an operator the pack does not have", r.offset(), "rules");
  for (const RuleInfo &rule : pack.rules)
    if (r.ok() && rule.toScalar >= 0 && static_cast<size_t>(rule.toScalar) >= pack.scalars.size())
      r.fail("names a scalar the pack does not have", r.offset(), "rules");
  for (const AnalyticRuleSpec &a : pack.analyticRules)
    if (r.ok() && (a.firstRule >= a.endRule || a.endRule > pack.rules.size() || a.firstOperator > a.endOperator ||
                   a.endOperator > pack.operators.size() || a.frequencyNanos <= 0 || a.periodNanos <= 0 ||
                   a.frequencyNanos > kMaxAnalyticSpan || a.periodNanos > kMaxAnalyticSpan))
      r.fail("has a scheduled rule whose rules, operators or schedule are out of range", r.offset(),
             "analyticRules");
  r.finish();
  if (!r.ok()) {
    error = r.error();
    return false;
  }
  out = std::move(pack);
  return true;
}

} // namespace rulec
