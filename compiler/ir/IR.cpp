//===- IR.cpp - IR construction and printing ------------------------------===//
#include "ir/IR.h"

#include "events/EventTime.h"
#include "rulec/abi.h"

#include <algorithm>
#include <ostream>
#include <sstream>

namespace rulec::ir {

std::unique_ptr<Expr> Expr::makeConst(bool v, SourceLocation loc) {
  auto e = std::make_unique<Expr>();
  e->op = Op::Const;
  e->boolValue = v;
  e->loc = std::move(loc);
  return e;
}

std::unique_ptr<Expr> Expr::makeLeaf(Op op, uint32_t slot, SourceLocation loc) {
  auto e = std::make_unique<Expr>();
  e->op = op;
  e->slot = slot;
  e->loc = std::move(loc);
  return e;
}

std::unique_ptr<Expr> Expr::makeNary(Op op, std::vector<std::unique_ptr<Expr>> ops,
                                     SourceLocation loc) {
  auto e = std::make_unique<Expr>();
  e->op = op;
  e->operands = std::move(ops);
  e->loc = std::move(loc);
  return e;
}

std::unique_ptr<Expr> Expr::makeNot(std::unique_ptr<Expr> operand, SourceLocation loc) {
  std::vector<std::unique_ptr<Expr>> ops;
  ops.push_back(std::move(operand));
  return makeNary(Op::Not, std::move(ops), std::move(loc));
}

static const char *typeSuffix(const Scalar &c) {
  switch (c.kind) {
  case Scalar::Null: return "null";
  case Scalar::Bool: return "bool";
  case Scalar::Int: return "int";
  case Scalar::Double: return "float";
  case Scalar::String: return "str";
  }
  return "?";
}

std::unique_ptr<Value> Value::makeSlot(uint32_t slot) {
  auto v = std::make_unique<Value>();
  v->kind = Slot;
  v->slot = slot;
  return v;
}

std::unique_ptr<Value> Value::makeConst(Scalar c) {
  auto v = std::make_unique<Value>();
  v->kind = Const;
  v->constant = std::move(c);
  return v;
}

std::unique_ptr<Value> Value::makeTime(uint8_t kind, int64_t nanos) {
  auto v = makeConst(Scalar::makeInt(nanos));
  v->constKind = kind;
  return v;
}

std::unique_ptr<Value> Value::makeCall(std::string fn, std::vector<std::unique_ptr<Value>> args) {
  auto v = std::make_unique<Value>();
  v->kind = Call;
  v->fn = std::move(fn);
  v->args = std::move(args);
  return v;
}

static void printExpr(const Expr &e, const std::string &scope, int depth, std::ostream &os);

std::string valueText(const Value &v, const std::string &scope) {
  switch (v.kind) {
  case Value::Slot: return scope + std::to_string(v.slot);
  case Value::Const:
    if (v.constKind == RULEC_DATETIME)
      return "datetime(" + formatKustoDatetime(v.constant.i) + ")";
    if (v.constKind == RULEC_TIMESPAN)
      return "timespan(" + formatKustoTimespan(v.constant.i) + ")";
    return v.constant.repr();
  case Value::Call: {
    // '$'-names are the lowering's own forms; dumps show them as calls.
    std::string out = (v.fn.starts_with('$') ? v.fn.substr(1) : v.fn) + "(";
    for (size_t i = 0; i < v.args.size(); ++i)
      out += (i ? ", " : "") + valueText(*v.args[i], scope);
    return out + ")";
  }
  case Value::Iff: {
    std::ostringstream cond;
    printExpr(*v.cond, scope, 0, cond);
    std::string c = cond.str();
    while (!c.empty() && c.back() == '\n')
      c.pop_back();
    for (char &ch : c)
      if (ch == '\n')
        ch = ';';
    return "iff(" + c + " ? " + valueText(*v.args[0], scope) + " : " + valueText(*v.args[1], scope) + ")";
  }
  }
  return "?";
}

size_t nodeCount(const Expr &e, size_t cap) {
  size_t n = 1;
  for (const auto &operand : e.operands) {
    if (n >= cap)
      break;
    n += nodeCount(*operand, cap - n);
  }
  return std::min(n, cap);
}

bool isElementOp(Op op) {
  return op == Op::AnyElement || op == Op::AllElements || op == Op::OneElement;
}

std::string opName(const Expr &e) {
  switch (e.op) {
  case Op::Const: return e.boolValue ? "true" : "false";
  case Op::Not: return "not";
  case Op::And: return "and";
  case Op::Or: return "or";
  case Op::ExactlyOne: return "exactly_one";
  case Op::Exists: return "exists";
  case Op::IsNull: return "is_null";
  case Op::IsEmpty: return "is_empty";
  case Op::Eq: return std::string("eq.") + typeSuffix(e.constant);
  case Op::EqFold: return "ieq.str";
  case Op::Contains: return "contains.str";
  case Op::ContainsFold: return "icontains.str";
  case Op::StartsWith: return "startswith.str";
  case Op::StartsWithFold: return "istartswith.str";
  case Op::EndsWith: return "endswith.str";
  case Op::EndsWithFold: return "iendswith.str";
  case Op::Lt: return "lt.num";
  case Op::Le: return "le.num";
  case Op::Gt: return "gt.num";
  case Op::Ge: return "ge.num";
  case Op::IsIp: return "is_ip";
  case Op::IsIpv4: return "is_ipv4";
  case Op::IsIpv6: return "is_ipv6";
  case Op::IsPrivateIp: return "is_private_ip";
  case Op::IsGlobalIp: return "is_global_ip";
  case Op::InNetwork: return "in_network";
  case Op::NetworkHasIp: return "network_has_ip";
  case Op::FieldCompare: {
    static const char *names[] = {"eq", "ieq", "contains", "icontains", "startswith", "istartswith",
                                  "endswith", "iendswith", "lt", "le", "gt", "ge"};
    return std::string(names[static_cast<int>(e.cmp) - static_cast<int>(Op::Eq)]) + ".field";
  }
  case Op::Has: {
    std::string n = (e.mode & RULEC_HAS_PREFIX) ? "hasprefix" : (e.mode & RULEC_HAS_SUFFIX) ? "hassuffix" : "has";
    return n + ((e.mode & RULEC_HAS_CS) ? "_cs" : "") + ".str";
  }
  case Op::InSet:
    return e.mode == RULEC_SET_EQ ? "in_set" : e.mode == RULEC_SET_EQ_FOLD ? "in_set~" : "has_any_set";
  case Op::TimeCmp: {
    static const char *names[] = {"lt", "le", "gt", "ge"};
    return std::string(e.cmp == Op::Eq ? "eq" : names[static_cast<int>(e.cmp) - static_cast<int>(Op::Lt)]) + ".time";
  }
  case Op::Regex: return "matches";
  case Op::Keyword: return "keyword";
  case Op::KeywordContains: return "keyword.icontains";
  case Op::AnyElement: return "any";
  case Op::AllElements: return "all";
  case Op::OneElement: return "one";
  }
  return "?";
}

std::vector<FieldSpec> &Pack::table(const Scope &scope) {
  std::vector<FieldSpec> *t = &fields;
  for (uint32_t slot : scope)
    t = &(*t)[slot].elements;
  return *t;
}

const std::vector<FieldSpec> &Pack::table(const Scope &scope) const {
  return const_cast<Pack *>(this)->table(scope);
}

uint32_t Pack::internField(const Scope &scope, const std::vector<PathStep> &path,
                           KeyMatch keyMatch) {
  std::vector<FieldSpec> &t = table(scope);
  FieldSpec field;
  field.path = path;
  field.keyMatch = keyMatch;
  for (uint32_t i = 0; i < t.size(); ++i)
    if (t[i].sameField(field))
      return i;
  t.push_back(std::move(field));
  return static_cast<uint32_t>(t.size() - 1);
}

uint32_t Pack::internLogType(const std::string &name) {
  for (uint32_t i = 0; i < logTypes.size(); ++i)
    if (logTypes[i] == name)
      return i;
  logTypes.push_back(name);
  return static_cast<uint32_t>(logTypes.size() - 1);
}

PackInfo Pack::info() const {
  PackInfo out;
  out.fields = fields;
  out.logTypes = logTypes;
  out.logTypeShapes = logTypeShapes;
  out.sets = sets;
  out.scalars = scalars;
  out.regexes = regexes;
  out.regexGate = regexGate;
  for (const Rule &r : rules)
    out.rules.push_back(r.info);
  for (const Correlation &c : correlations)
    out.correlations.push_back(c.spec);
  out.literalSets = literalSets;
  out.sources = sources;
  out.operators = operators;
  out.analyticRules = analyticRules;
  out.functions = functionTable(*this);
  return out;
}

static void collectFunctions(const Expr &e, std::vector<std::string> &out);

static void collectFunctions(const Value &v, std::vector<std::string> &out) {
  if (v.kind == Value::Call && std::find(out.begin(), out.end(), v.fn) == out.end())
    out.push_back(v.fn);
  for (const auto &a : v.args)
    collectFunctions(*a, out);
  if (v.cond)
    collectFunctions(*v.cond, out);
}

static void collectFunctions(const Expr &e, std::vector<std::string> &out) {
  for (const Value *v : {e.subject.get(), e.subject2.get()})
    if (v)
      collectFunctions(*v, out);
  for (const auto &o : e.operands)
    collectFunctions(*o, out);
}

std::vector<std::string> functionTable(const Pack &pack) {
  std::vector<std::string> out;
  for (const Rule &r : pack.rules) {
    if (r.predicate)
      collectFunctions(*r.predicate, out);
    for (const auto &p : r.severityPredicates)
      collectFunctions(*p, out);
    for (const auto &v : r.columnValues)
      if (v)
        collectFunctions(*v, out);
  }
  return out;
}

static std::string at(const SourceLocation &loc) {
  return loc.valid() ? "  @" + std::to_string(loc.line) + ":" + std::to_string(loc.column) : "";
}

/// `scope` is the slot prefix of the current element table: "$" at the top,
/// "$3." inside `any $3 { }`.
static void printExpr(const Expr &e, const std::string &scope, int depth, std::ostream &os) {
  os << std::string(2 * depth, ' ') << opName(e);
  switch (e.op) {
  case Op::Const: case Op::Not: case Op::And: case Op::Or: case Op::ExactlyOne:
    break;
  case Op::FieldCompare:
    os << " " << (e.subject ? valueText(*e.subject, scope) : scope + std::to_string(e.slot)) << ", "
       << (e.subject2 ? valueText(*e.subject2, scope) : scope + std::to_string(e.slot2));
    break;
  case Op::Keyword:
    os << " regex#" << e.index;
    break;
  case Op::KeywordContains:
    os << " " << e.constant.repr() << ", keyword#" << e.index;
    break;
  case Op::AnyElement: case Op::AllElements: case Op::OneElement:
    os << " " << scope << e.slot << at(e.loc) << "\n";
    printExpr(*e.operands[0], scope + std::to_string(e.slot) + ".", depth + 1, os);
    return;
  default: {
    os << " " << (e.subject ? valueText(*e.subject, scope) : scope + std::to_string(e.slot));
    if ((e.op >= Op::Eq && e.op <= Op::Ge) || e.op == Op::InNetwork || e.op == Op::NetworkHasIp ||
        e.op == Op::Has)
      os << ", " << e.constant.repr();
    if (e.op == Op::InSet)
      os << ", set#" << e.index;
    if (e.op == Op::Regex)
      os << ", regex#" << e.index;
    if (e.op == Op::TimeCmp) {
      if (!e.mode)
        os << ", " << formatTimestamp(e.constant.i);
      else
        os << ", now()" << (e.constant.i < 0 ? " - " : " + ") << formatSpan(e.constant.i < 0 ? -e.constant.i : e.constant.i);
    }
    break;
  }
  }
  if (e.elementwise)
    os << " or-element";
  if (e.literalSet >= 0)
    os << " via literals#" << e.literalSet << "." << e.literalIndex;
  if (!e.atoms.empty()) {
    os << " if one of";
    for (const LiteralRef &a : e.atoms)
      os << " literals#" << a.set << "." << a.index;
  }
  os << at(e.loc) << "\n";
  for (const auto &operand : e.operands)
    printExpr(*operand, scope, depth + 1, os);
}

static void printFields(const std::vector<FieldSpec> &table, const std::string &scope, int depth,
                        std::ostream &os) {
  for (uint32_t i = 0; i < table.size(); ++i) {
    os << std::string(2 * depth, ' ') << "field " << scope << i << " = " << table[i].str()
       << (table[i].keyMatch == KeyMatch::ExactThenCaseInsensitive ? "  keys=ci"
           : table[i].keyMatch == KeyMatch::ExactThenLoose         ? "  keys=loose"
                                                                   : "")
       << "\n";
    printFields(table[i].elements, scope + std::to_string(i) + ".", depth + 1, os);
  }
}

static void printTemplate(const char *name, const std::vector<TemplatePiece> &pieces,
                          std::ostream &os) {
  if (pieces.empty())
    return;
  os << "  " << name << ":";
  for (const TemplatePiece &p : pieces) {
    if (p.isField)
      os << " $" << p.slot << "?\"" << p.fallback << "\"";
    else
      os << " " << Scalar::makeString(p.text).repr();
  }
  os << "\n";
}

static void printFeeds(const std::vector<CorrelationFeed> &feeds, std::ostream &os) {
  for (const CorrelationFeed &f : feeds)
    os << "  feeds correlation %" << f.correlation << " input " << f.input << "\n";
}

static void printCorrelation(const Correlation &c, uint32_t index, std::ostream &os) {
  const CorrelationSpec &spec = c.spec;
  os << "\ncorrelation %" << index << " \"" << spec.id << "\" " << correlationTypeName(spec.type)
     << " timespan=" << formatSpan(spec.timespanNanos) << " condition:";
  for (const CorrelationSpec::Bound &b : spec.condition)
    os << " " << correlationCmpName(b.cmp) << " " << b.value;
  if (!spec.level.empty())
    os << " severity=" << spec.level;
  if (c.loc.valid())
    os << "  " << c.loc.str();
  os << "\n  group-by:";
  for (const std::string &g : spec.groupBy)
    os << " " << g;
  if (!spec.valueField.empty())
    os << "\n  field: " << spec.valueField;
  os << "\n";
  if (!spec.emit)
    os << "  signal only (read by correlations)\n";
  for (const CorrelationSpec::Input &in : spec.inputs) {
    const std::string prefix = in.fromCorrelation ? "group#" : "$";
    os << "  input " << (in.fromCorrelation ? "%" : "@") << in.source << " group-by=[";
    for (size_t i = 0; i < in.groupBy.size(); ++i)
      os << (i ? ", " : "") << prefix << in.groupBy[i];
    os << "]";
    if (in.valueField >= 0)
      os << " field=" << prefix << in.valueField;
    os << "\n";
  }
  printFeeds(spec.feeds, os);
}

void print(const Pack &pack, std::ostream &os) {
  for (uint32_t i = 0; i < pack.logTypes.size(); ++i) {
    os << "logtype #" << i << " \"" << pack.logTypes[i] << "\"";
    // The shapes that give an event this log type when it does not name one.
    const char *sep = " detect: ";
    for (const LogTypeShape &shape : pack.logTypeShapes) {
      if (shape.logType != i)
        continue;
      os << sep;
      for (size_t f = 0; f < shape.fields.size(); ++f)
        os << (f ? " & " : "") << shape.fields[f];
      sep = " | ";
    }
    os << "\n";
  }
  printFields(pack.fields, "$", 0, os);
  for (uint32_t i = 0; i < pack.sets.size(); ++i) {
    os << "set #" << i << " \"" << pack.sets[i].name << "\"";
    if (pack.sets[i].retentionNanos)
      os << " retention=" << formatSpan(pack.sets[i].retentionNanos);
    os << "\n";
  }
  for (uint32_t i = 0; i < pack.scalars.size(); ++i)
    os << "scalar #" << i << " toscalar() at " << pack.scalars[i] << "\n";
  for (uint32_t i = 0; i < pack.operators.size(); ++i)
    if (pack.operators[i].windowNanos) // what bounds it in stream mode
      os << "operator #" << i << " \"" << pack.operators[i].name << "\" window="
         << formatSpan(pack.operators[i].windowNanos) << "\n";
  for (const AnalyticRuleSpec &a : pack.analyticRules) {
    static const char *triggers[] = {"gt", "lt", "eq", "ne"};
    if (a.hunting) { // stream mode runs it over each window in turn
      os << "windowed \"" << a.id << "\" window=" << formatSpan(a.periodNanos) << " rules=@" << a.firstRule
         << "..@" << a.endRule - 1 << "\n";
      continue;
    }
    os << "scheduled \"" << a.id << "\"" << (a.nrt ? " NRT" : "") << " every=" << formatSpan(a.frequencyNanos)
       << " period=" << formatSpan(a.periodNanos) << " trigger=" << triggers[static_cast<int>(a.trigger)] << " "
       << a.threshold << (a.perResult ? " AlertPerResult" : " SingleAlert") << " rules=@" << a.firstRule << "..@"
       << a.endRule - 1;
    if (a.suppression)
      os << " suppress=" << formatSpan(a.suppressionNanos);
    if (!a.entities.empty())
      os << " entities=" << a.entities.size();
    if (!a.customDetails.empty())
      os << " details=" << a.customDetails.size();
    os << "\n";
  }
  for (uint32_t i = 0; i < pack.regexes.size(); ++i)
    os << "regex #" << i << " " << Scalar::makeString(pack.regexes[i]).repr() << "\n";
  for (uint32_t i = 0; i < pack.literalSets.size(); ++i) {
    const LiteralSet &l = pack.literalSets[i];
    static const char *kinds[] = {"icontains", "ieq", "istartswith", "iendswith", "non-ascii"};
    os << "literals #" << i << " " << kinds[static_cast<int>(l.kind)] << " $" << l.slot
       << " (" << l.needles.size() << " needles)\n";
  }
  for (uint32_t r = 0; r < pack.rules.size(); ++r) {
    const Rule &rule = pack.rules[r];
    const RuleInfo &info = rule.info;
    static const char *kinds[] = {"rule", "query", "set_builder", "summarize"};
    os << "\n" << kinds[static_cast<int>(info.kind)] << " @" << r << " \"" << info.id << "\" logtypes=[";
    for (size_t i = 0; i < info.logTypes.size(); ++i)
      os << (i ? "," : "") << "#" << info.logTypes[i];
    os << "]";
    if (info.kind == RuleKind::Alert)
      os << " severity=" << info.severity << " threshold=" << info.threshold
         << " dedup=" << info.dedupPeriodMinutes << "m";
    if (info.kind == RuleKind::Query && !info.severity.empty())
      os << " severity=" << info.severity;
    if (info.kind == RuleKind::SetBuilder)
      os << " fills=set#" << info.set;
    if (info.toScalar >= 0)
      os << " fills=scalar#" << info.toScalar;
    if (info.firstPass)
      os << " first-pass";
    if (rule.loc.valid())
      os << "  " << rule.loc.str();
    os << "\n";
    if (!info.createAlert)
      os << "  signal only" << (info.kind == RuleKind::Alert ? " (CreateAlert: false)" : " (read by correlations)") << "\n";
    printFeeds(info.feeds, os);
    if (!info.requirements.empty()) {
      os << "  runs only with:";
      for (size_t c = 0; c < info.requirements.size(); ++c) {
        os << (c ? " and (" : " (");
        for (size_t i = 0; i < info.requirements[c].size(); ++i)
          os << (i ? " " : "") << "literals#" << info.requirements[c][i].set << "." << info.requirements[c][i].index;
        os << ")";
      }
      os << "\n";
    }
    printTemplate("title", info.title, os);
    printTemplate("group_by", info.groupBy, os);
    for (const ContextEntry &c : info.alertContext)
      os << "  context " << Scalar::makeString(c.name).repr() << " = $" << c.slot << "\n";
    if (!info.columns.empty()) {
      os << "  columns:";
      for (size_t i = 0; i < info.columns.size(); ++i) {
        const ContextEntry &c = info.columns[i];
        os << " " << c.name << "="
           << (c.computed ? valueText(*rule.columnValues[i], "$") : "$" + std::to_string(c.slot));
      }
      os << (info.distinct ? "  distinct" : "");
      if (info.take >= 0)
        os << "  take " << info.take;
      os << "\n";
    }
    if (info.kind == RuleKind::Aggregate) {
      static const char *fns[] = {"count", "countif", "dcount", "min", "max", "sum", "avg", "make_set", "make_list", "take_any"};
      const AggregateSpec &spec = info.aggregate;
      os << "  aggregates:";
      for (const auto &agg : spec.aggregates)
        os << " " << agg.name << "=" << fns[static_cast<int>(agg.fn)] << "("
           << (agg.input >= 0 ? info.columns[agg.input].name : "") << ")";
      os << " by";
      for (size_t k = 0; k < spec.keys.size(); ++k) {
        const std::string &name = info.columns[spec.keys[k]].name;
        if (static_cast<int32_t>(k) == spec.binKey)
          os << " bin(" << name << ", " << (spec.binIsTime ? formatSpan(spec.binSize) : std::to_string(spec.binSize)) << ")";
        else
          os << " " << name;
      }
      os << "  rows=#" << spec.outputLogType << "\n";
    }
    printExpr(*rule.predicate, "$", 1, os);
    for (size_t i = 0; i < rule.severityPredicates.size(); ++i) {
      os << "  severity " << info.dynamicSeverities[i] << " if\n";
      printExpr(*rule.severityPredicates[i], "$", 2, os);
    }
  }
  for (uint32_t i = 0; i < pack.correlations.size(); ++i)
    printCorrelation(pack.correlations[i], i, os);
}

} // namespace rulec::ir
