//===- KqlLowering.cpp ----------------------------------------------------===//
#include "kql/KqlLowering.h"
#include "support/AsciiLower.h"

#include <re2/re2.h>

#include "events/EventTime.h"
#include "functions/FunctionLibrary.h"
#include "kql/KqlConstants.h"
#include "output/JsonString.h"
#include "state/TableOperators.h"

#include "support/RegexCheck.h"
#include "rulec/abi.h"


#include <algorithm>
#include <cctype>
#include <deque>
#include <cmath>
#include <map>
#include <optional>
#include <set>

namespace rulec::kql {

namespace {

using ir::Op;
using IrExpr = ir::Expr;
using IrPtr = std::unique_ptr<ir::Expr>;


struct Alias;
/// The named columns at a point of the pipeline (extend, project, ...).
using Env = std::map<std::string, Alias>;

/// An expression and the columns it may name: a leaf's operand or a result
/// column. Lowered afresh at each use, so each use gets its own IR.
struct Column {
  const Expr *expr = nullptr;
  std::shared_ptr<const Env> env;
};

/// A column `parse` or `parse-kv` makes: function `fn` of constants
/// `before`, the subject, and constants `after` (parse: $extract(regex,
/// group, s); parse-kv: $parse_kv(s, key, ...)), converted by function
/// `convert` (empty: none).
struct ParsedColumn {
  std::string fn;
  std::vector<Scalar> before, after;
  Column subject;
  std::string convert;
  /// kind=simple: the (group, conversion) of every column its regex cannot
  /// check (dates, bools): all must convert, or every column is null.
  std::vector<std::pair<uint32_t, std::string>> strict;
};

/// A named column: the expression that defines it, in the columns of its time.
struct Alias {
  Column def;
};

/// A constant operand: a literal, a scalar let, or a time relative to now().
struct Constant {
  Literal::Type type = Literal::Null;
  Scalar value;
  bool relativeToNow = false; ///< DateTime: value.i is an offset from now()
};

/// What lowering a tabular expression gives.
struct Pipeline {
  std::string table;
  SourceLocation tableLoc;
  std::vector<IrPtr> conjuncts;
  std::shared_ptr<const Env> env = std::make_shared<Env>(); ///< named columns (aliases and projections)
  bool restricted = false;                ///< after project/distinct only `env` names exist
  std::vector<std::pair<std::string, Column>> output; ///< the row's columns, when not the whole event
  bool wholeEvent = true;
  bool distinct = false;
  bool distinctAll = false; ///< distinct *: the rows' own columns are the keys too
  int64_t take = -1;
  int64_t retention = 0; ///< from `where TimeGenerated > ago(X)`
  std::set<std::string> hidden; ///< whole-event rows: fields project-away removed
  bool sealed = false;   ///< after take: later operators would change meaning
  bool serialized = false; ///< rows come in a defined order (a source, sort, top): row_number() may run
  std::string resultName;  ///< `| as Name`: what union's withsource calls these rows
};

/// A column name as the lowering makes one up (project-by-names, distinct's keys, ...).
ExprPtr nameExpr(const std::string &name, const SourceLocation &loc) {
  auto e = std::make_unique<Expr>();
  e->kind = Expr::Name;
  e->name = name;
  e->loc = loc;
  return e;
}

class Lowering {
public:
  Lowering(const sentinel::Rule &rule, ir::Pack &pack) : rule_(rule), pack_(pack) {}

  /// Throws Unsupported at the first construct rulec does not compile.
  void run() {
    for (const LetStmt &let : rule_.query->lets)
      lets_[let.name] = &let;
    const size_t firstOperator = pack_.operators.size();
    Pipeline main;
    lowerTabular(*rule_.query->body, main);
    ir::Rule out = queryRule(main, rule_.id, rule_.loc);
    out.info.displayName = rule_.name;
    out.info.severity = rule_.severity;
    newRules_.push_back(std::move(out));
    // Stream mode keeps a join's rows for the rule's queryPeriod, else for
    // the longest ago() the query reads back (docs/kql.md, "Batch and stream").
    window_ = rule_.queryPeriodNanos ? rule_.queryPeriodNanos : longestAgo_;
    for (size_t i = firstOperator; i < pack_.operators.size(); ++i)
      if (pack_.operators[i].kind == OperatorSpec::Kind::Join && pack_.operators[i].windowNanos == 0)
        pack_.operators[i].windowNanos = window_;
  }

  std::vector<ir::Rule> newRules_;
  int64_t window_ = 0;

private:
  [[noreturn]] void fail(const SourceLocation &loc, std::string message) {
    throw Unsupported{loc, std::move(message)};
  }

  uint32_t field(const std::vector<PathStep> &path) {
    return pack_.internField({}, path, KeyMatch::Exact);
  }

  /// A result column: a plain path is read from the event as it is; any
  /// other expression is computed by the pack's code.
  void addColumn(ir::Rule &rule, const std::string &name, const Column &col) {
    if (auto path = pathOf(col)) {
      rule.info.columns.push_back({name, field(*path), false});
      rule.columnValues.push_back(nullptr);
    } else {
      rule.info.columns.push_back({name, 0, true});
      rule.columnValues.push_back(value(col));
    }
  }

  static IrPtr conjunction(std::vector<IrPtr> ops, const SourceLocation &loc) {
    if (ops.empty())
      return IrExpr::makeConst(true, loc);
    return IrExpr::makeNary(Op::And, std::move(ops), loc);
  }

  // --- tabular operators ---------------------------------------------------

  /// Marks a let as being expanded for as long as it lives. A let used
  /// inside its own definition, directly or through other lets, was expanded
  /// forever (a stack overflow found by fuzz_kql); Kusto resolves a let's
  /// names to the lets before it, so this is an error there too.
  class LetExpansion {
  public:
    LetExpansion(Lowering &l, const std::string &name, const SourceLocation &loc) : l_(l), name_(name) {
      if (!name.empty() && !l.expanding_.insert(name).second)
        l.fail(loc, "'" + name + "' is used in its own definition");
    }
    ~LetExpansion() {
      if (!name_.empty())
        l_.expanding_.erase(name_);
    }

  private:
    Lowering &l_;
    std::string name_;
  };

  /// A let function's call, for as long as its body is lowered: its
  /// parameters are aliases of the arguments (or defaults) in env(), and
  /// constants for constant() (a table name, a window); the lets inside its
  /// body are in scope.
  class FunctionScope {
  public:
    FunctionScope(Lowering &l, const LetStmt &fn, const Expr &call, const std::shared_ptr<const Env> &callerEnv)
        : l_(l) {
      // By depth, not by name: f(f(1)) expands f again for its argument,
      // which is lowered inside f's body.
      if (++l.functionDepth_ > kMaxFunctionDepth)
        l.fail(call.loc, "'" + fn.name + "' calls itself (more than " + std::to_string(kMaxFunctionDepth) +
                             " nested let function calls)");
      // A parameter used twice expands its argument twice: f(f(f(...)))
      // would grow as a power of two.
      if (++l.functionExpansions_ > kMaxFunctionExpansions)
        l.fail(call.loc, "let functions expand to more than " + std::to_string(kMaxFunctionExpansions) +
                             " calls in this query");
      if (call.operands.size() > fn.params.size())
        l.fail(call.loc, "too many arguments to '" + fn.name + "' (it takes " + std::to_string(fn.params.size()) + ")");
      // Positional arguments first, then by name (f(12, c=7)); the rest take their defaults.
      std::vector<const Expr *> given(fn.params.size(), nullptr);
      for (size_t i = 0; i < call.operands.size(); ++i) {
        const std::string name = i < call.keys.size() ? call.keys[i] : "";
        size_t index = i;
        if (!name.empty()) {
          auto named = std::find_if(fn.params.begin(), fn.params.end(),
                                    [&](const LetStmt::Param &p) { return p.name == name; });
          if (named == fn.params.end())
            l.fail(call.operands[i]->loc, "'" + fn.name + "' has no parameter '" + name + "'");
          index = static_cast<size_t>(named - fn.params.begin());
        } else if (i > 0 && i - 1 < call.keys.size() && !call.keys[i - 1].empty()) {
          l.fail(call.operands[i]->loc, "a positional argument after a named one in the call of '" + fn.name + "'");
        }
        if (given[index])
          l.fail(call.operands[i]->loc, "'" + fn.name + "' gets its argument '" + fn.params[index].name + "' twice");
        given[index] = call.operands[i].get();
      }
      auto env = std::make_shared<Env>(*callerEnv);
      std::map<std::string, const Expr *> constants;
      for (size_t i = 0; i < fn.params.size(); ++i) {
        const LetStmt::Param &param = fn.params[i];
        const Expr *arg = given[i] ? given[i] : param.defaultValue.get();
        if (!arg)
          l.fail(call.loc, "'" + fn.name + "' needs its argument '" + param.name + "'");
        if ((param.type == "table") != (arg->kind == Expr::Table || (param.type == "table" && arg->kind == Expr::Name)))
          l.fail(arg->loc, "'" + fn.name + "' takes " + (param.type == "table" ? "a table" : "a value") + " as '" +
                               param.name + "'");
        (*env)[param.name] = Alias{Column{arg, given[i] ? callerEnv : std::make_shared<Env>()}};
        constants[param.name] = arg;
      }
      env_ = env;
      l.envs_.push_back(env);
      l.functionEnvs_.push_back(env.get());
      l.params_.push_back(std::move(constants));
      for (const LetStmt &inner : fn.bodyLets) {
        auto it = l.lets_.find(inner.name);
        saved_.emplace_back(inner.name, it == l.lets_.end() ? nullptr : it->second);
        l.lets_[inner.name] = &inner;
        auto before = l.letEnvs_.find(&inner); // f calling f: the outer call's, back on exit
        savedEnvs_.emplace_back(&inner, before == l.letEnvs_.end() ? nullptr : before->second);
        l.letEnvs_[&inner] = env; // its expression reads the function's parameters
      }
    }
    ~FunctionScope() {
      --l_.functionDepth_;
      l_.functionEnvs_.pop_back();
      l_.params_.pop_back();
      for (auto it = saved_.rbegin(); it != saved_.rend(); ++it) {
        if (it->second)
          l_.lets_[it->first] = it->second;
        else
          l_.lets_.erase(it->first);
      }
      for (auto it = savedEnvs_.rbegin(); it != savedEnvs_.rend(); ++it) {
        if (it->second)
          l_.letEnvs_[it->first] = it->second;
        else
          l_.letEnvs_.erase(it->first);
      }
    }
    std::shared_ptr<const Env> env() const { return env_; }

  private:
    Lowering &l_;
    std::shared_ptr<const Env> env_;
    std::vector<std::pair<std::string, const LetStmt *>> saved_;
    std::vector<std::pair<const LetStmt *, std::shared_ptr<const Env>>> savedEnvs_;
  };

  /// A scalar let function called in an expression, or null.
  const LetStmt *scalarFunction(const Expr &e) const {
    if (e.kind != Expr::Call)
      return nullptr;
    auto it = lets_.find(e.name);
    return it != lets_.end() && it->second->function && it->second->scalar ? it->second : nullptr;
  }

  void lowerTabular(const TabularExpr &t, Pipeline &p) {
    const Expr *call = t.sourceCall.get();
    if (auto it = lets_.find(t.source); !call && it != lets_.end() && it->second->scalar &&
                                          it->second->scalar->kind == Expr::Call && !it->second->function)
      call = it->second->scalar.get(); // let X = f("a"): a table when f is a tabular function
    if (call && asciiLower(call->name) == "table" && call->operands.size() == 1) {
      auto name = constant(*call->operands[0]);
      if (!name || name->type != Literal::String)
        fail(call->loc, "table() takes a table name (a string constant)");
      p.table = name->value.s; // table("X") is the table X
      p.tableLoc = t.loc;
    } else if (call) {
      lowerFunctionSource(*call, p);
    } else if (tableParameter(t.source, p)) {
    } else if (auto it = lets_.find(t.source); it != lets_.end()) {
      if (!it->second->table)
        fail(t.loc, "'" + t.source + "' is a scalar let, not a table");
      LetExpansion expanding(*this, t.source, t.loc);
      lowerTabular(*it->second->table, p); // a let table as a source: inline its pipeline
    } else {
      p.table = t.source;
      p.tableLoc = t.loc;
    }
    size_t first = 0;
    if (t.source.empty() && !t.ops.empty() && !t.ops[0].generic &&
        (t.ops[0].name == "print" || t.ops[0].name == "datatable" || t.ops[0].name == "range")) {
      lowerSource(t.ops[0], p);
      first = 1;
    } else if (t.source.empty() && !t.ops.empty() && !t.ops[0].generic && t.ops[0].name == "union") {
      unionStage(t.ops[0], nullptr, p); // union T1, T2, ... as the source
      first = 1;
    }
    for (size_t i = first; i < t.ops.size(); ++i)
      lowerOperator(t.ops[i], p);
  }

  /// A tabular let function's call as a source: its body, its parameters
  /// bound to the arguments. A body that is itself a call (`{ foo1(1, 100,
  /// _step) }`) parses as a scalar: it is that call's table.
  void lowerFunctionSource(const Expr &call, Pipeline &p) {
    auto fn = lets_.find(call.name);
    const LetStmt *let = fn != lets_.end() && fn->second->function ? fn->second : nullptr;
    if (!let || !(let->table || (let->scalar && let->scalar->kind == Expr::Call && lets_.count(let->scalar->name))))
      fail(call.loc, "'" + call.name + "(...)' as a table: not a tabular let function");
    FunctionScope scope(*this, *let, call, p.env);
    p.env = scope.env();
    if (let->table)
      lowerTabular(*let->table, p);
    else
      lowerFunctionSource(*let->scalar, p);
  }

  /// When `name` is a tabular parameter of a let function being lowered:
  /// lowers its argument (in the caller's scope) into `p` and returns true.
  bool tableParameter(const std::string &name, Pipeline &p) {
    for (size_t k = params_.size(); k-- > 0;) {
      auto arg = params_[k].find(name);
      if (arg == params_[k].end())
        continue;
      const Expr *value = arg->second; // the map holding it goes with the resize below
      if (value->kind != Expr::Table && value->kind != Expr::Name)
        return false; // a scalar parameter: not a table
      std::vector<std::map<std::string, const Expr *>> inner(params_.begin() + static_cast<long>(k), params_.end());
      params_.resize(k);
      if (value->kind == Expr::Table) {
        lowerTabular(*value->table, p);
      } else { // f(SigninLogs), f(T): a table or let name
        TabularExpr named;
        named.loc = value->loc;
        named.source = value->name;
        lowerTabular(named, p);
      }
      params_.insert(params_.end(), inner.begin(), inner.end());
      return true;
    }
    return false;
  }

  // --- runtime operators: the plan's stages (docs/kql.md) -------------------

  std::string placeOf(const SourceLocation &loc) const {
    return (loc.file ? *loc.file : std::string("<query>")) + ":" + std::to_string(loc.line) + ":" +
           std::to_string(loc.column);
  }

  /// A runtime operator of this query; its rows are events of a table of
  /// their own. Returns its index in the pack.
  uint32_t addOperator(OperatorSpec spec, const Operator &op) {
    spec.name = op.name + " at " + placeOf(op.loc);
    spec.rule = rule_.id;
    spec.outputLogType = pack_.internLogType("__" + op.name + ":" + rule_.id + "#" + std::to_string(flushSteps_));
    spec.flushOrder = flushSteps_++;
    pack_.operators.push_back(std::move(spec));
    return static_cast<uint32_t>(pack_.operators.size() - 1);
  }

  /// The pipeline so far becomes a stage: a Query rule whose rows go to
  /// input `input` of operator `op` instead of out.
  void stageInto(Pipeline &p, uint32_t op, uint32_t input, const SourceLocation &loc) {
    ir::Rule stage = queryRule(p, rule_.id + "/stage" + std::to_string(stages_++), loc);
    stage.info.toOperator = static_cast<int32_t>(op);
    stage.info.operatorInput = input;
    newRules_.push_back(std::move(stage));
  }

  /// The Query rule a pipeline ends in: its table, predicate and row.
  ir::Rule queryRule(Pipeline &p, std::string id, const SourceLocation &loc) {
    ir::Rule rule;
    rule.loc = loc;
    rule.info.kind = RuleKind::Query;
    rule.info.id = std::move(id);
    rule.info.sourceFile = rule_.loc.file ? *rule_.loc.file : "";
    rule.info.logTypes = {pack_.internLogType(p.table)};
    rule.info.distinct = p.distinct;
    rule.info.take = p.take;
    rule.info.wholeEvent = p.wholeEvent;
    rule.info.hiddenFields.assign(p.hidden.begin(), p.hidden.end());
    for (const auto &[name, col] : p.output)
      addColumn(rule, name, col);
    rule.predicate = conjunction(std::move(p.conjuncts), loc);
    return rule;
  }

  /// The rest of the query reads operator `op`'s rows; their columns are
  /// whatever the rows hold (a missing one reads as null).
  void continueFrom(Pipeline &p, uint32_t op, const SourceLocation &loc) {
    Pipeline next;
    next.table = pack_.logTypes[pack_.operators[op].outputLogType];
    next.tableLoc = loc;
    p = std::move(next);
  }

  /// `sort by k [asc|desc] [nulls first|last], ...`, `top N by k`: Kusto
  /// sorts descending by default, nulls first when ascending and last when
  /// descending. A key that is not a column is computed into a hidden one.
  void sortStage(const Operator &op, Pipeline &p) {
    OperatorSpec spec;
    spec.kind = OperatorSpec::Kind::Sort;
    spec.limit = op.name == "top" || op.name == "take" || op.name == "limit" ? op.count : -1;
    spec.partition = perRowKey_;
    for (size_t i = 0; i < op.by.size(); ++i) {
      const Expr &e = *op.by[i].value;
      std::string key = e.kind == Expr::Name ? e.name : "";
      if (key.empty()) {
        key = TableOperators::kHiddenSortKey + std::to_string(i);
        Column col = column(e, p);
        checkColumn(col);
        setOutput(p, key, col);
      }
      const bool descending = op.descending[i];
      const uint8_t nulls = i < op.nulls.size() ? op.nulls[i] : 0;
      spec.sortKeys.push_back({key, descending, nulls == 1 || (nulls == 0 && !descending)});
    }
    const uint32_t index = addOperator(std::move(spec), op);
    stageInto(p, index, 0, op.loc);
    continueFrom(p, index, op.loc);
    p.serialized = true;
  }

  /// `union [withsource=C] T1, (query), ...`, after a pipeline (`prior`, its
  /// first input) or as the source (`prior` null). `kind=outer` (the
  /// default) keeps every column; inner needs the tables' schemas.
  void unionStage(const Operator &op, Pipeline *prior, Pipeline &p) {
    if (!op.kind.empty() && op.kind != "outer" && op.kind != "inner")
      fail(op.loc, "unknown union kind '" + op.kind + "'");
    // The arms first: kind=inner emits at its flush, after theirs.
    std::vector<std::pair<Pipeline, std::string>> arms;
    for (size_t i = 0; i < op.tables.size(); ++i) {
      const TabularExpr &t = *op.tables[i];
      if (t.source.find('*') != std::string::npos)
        fail(t.loc, "union over a pattern of table names ('" + t.source + "') is not supported");
      Pipeline branch;
      lowerTabular(t, branch);
      std::string name = !branch.resultName.empty()              ? branch.resultName
                         : !t.ops.empty() || t.source.empty() ? "union_arg" + std::to_string(i)
                                                              : t.source;
      arms.emplace_back(std::move(branch), std::move(name));
    }
    OperatorSpec spec;
    spec.kind = OperatorSpec::Kind::Union;
    spec.innerColumns = op.kind == "inner";
    const uint32_t index = addOperator(std::move(spec), op);
    uint32_t inputs = 0;
    auto input = [&](Pipeline &branch, const std::string &sourceName) {
      if (!op.withSource.empty()) {
        Expr &name = synthesized_.emplace_back();
        name.kind = Expr::Literal;
        name.literal = {Literal::String, Scalar::makeString(sourceName)};
        name.loc = op.loc;
        extendColumn(branch, op.withSource, Column{&name, branch.env});
      }
      stageInto(branch, index, inputs++, op.loc); // kind=inner keeps the columns every input has
    };
    if (prior)
      input(*prior, prior->table);
    for (auto &[branch, name] : arms)
      input(branch, name);
    continueFrom(p, index, op.loc);
  }

  /// `join kind=K (right) on a, $left.b == $right.c`: both sides become
  /// stages of the operator, which joins them at the end of input.
  void joinStage(const Operator &op, Pipeline &p) {
    using K = OperatorSpec::JoinKind;
    static const std::map<std::string, K> kKinds = {
        {"", K::InnerUnique},          {"innerunique", K::InnerUnique}, {"inner", K::Inner},
        {"leftouter", K::LeftOuter},   {"rightouter", K::RightOuter},   {"fullouter", K::FullOuter},
        {"leftanti", K::LeftAnti},     {"anti", K::LeftAnti},           {"leftantisemi", K::LeftAnti},
        {"rightanti", K::RightAnti},   {"rightantisemi", K::RightAnti}, {"leftsemi", K::LeftSemi},
        {"rightsemi", K::RightSemi}};
    auto kind = kKinds.find(op.kind);
    if (kind == kKinds.end())
      fail(op.loc, "unknown join kind '" + op.kind + "'");
    OperatorSpec spec;
    spec.kind = OperatorSpec::Kind::Join;
    spec.joinKind = kind->second;
    if (op.name == "lookup") { // leftouter (the default) or inner; the right keys are not repeated
      if (!op.kind.empty() && op.kind != "leftouter" && op.kind != "inner")
        fail(op.loc, "lookup kind=" + op.kind + ": lookup is leftouter or inner");
      spec.joinKind = op.kind == "inner" ? K::LookupInner : K::LookupLeftOuter;
    }
    joinKeys(*op.on, spec.leftKeys, spec.rightKeys);
    // The right side first: its summarizes must flush before the join does.
    Pipeline right;
    lowerTabular(*op.tables[0], right);
    const uint32_t index = addOperator(std::move(spec), op);
    stageInto(p, index, 0, op.loc);
    stageInto(right, index, 1, op.tables[0]->loc);
    continueFrom(p, index, op.loc);
  }

  /// The column pairs of a join's `on`: `a` (both sides), `$left.a ==
  /// $right.b` (either order), joined by `and`.
  void joinKeys(const Expr &e, std::vector<std::string> &left, std::vector<std::string> &right) {
    if (e.kind == Expr::Binary && asciiLower(e.op) == "and") {
      joinKeys(*e.operands[0], left, right);
      joinKeys(*e.operands[1], left, right);
      return;
    }
    if (e.kind == Expr::Name) {
      left.push_back(e.name);
      right.push_back(e.name);
      return;
    }
    auto side = [](const Expr &x) -> std::string {
      if (x.kind == Expr::Member && x.operands[0]->kind == Expr::Name)
        return asciiLower(x.operands[0]->name);
      return "";
    };
    if (e.kind == Expr::Binary && e.op == "==") {
      const Expr *a = e.operands[0].get(), *b = e.operands[1].get();
      if (side(*a) == "$right" && side(*b) == "$left")
        std::swap(a, b);
      if (side(*a) == "$left" && side(*b) == "$right") {
        left.push_back(a->name);
        right.push_back(b->name);
        return;
      }
    }
    fail(e.loc, "a join condition is a column name or '$left.a == $right.b', not '" + toString(e) + "'");
  }

  /// Ends the pipeline's stage here: its rows pass on unchanged and in order
  /// (a union of one input) to a new pipeline that reads them by name.
  void passThrough(Pipeline &p, const Operator &op) {
    OperatorSpec spec;
    spec.kind = OperatorSpec::Kind::Union;
    const bool serialized = p.serialized;
    const uint32_t index = addOperator(std::move(spec), op);
    stageInto(p, index, 0, op.loc);
    continueFrom(p, index, op.loc);
    p.serialized = serialized;
  }

  /// Whether an expression calls one of `names`.
  static bool callsFunction(const Expr &e, const std::set<std::string> &names) {
    if (e.kind == Expr::Call && names.count(asciiLower(e.name)))
      return true;
    return std::any_of(e.operands.begin(), e.operands.end(),
                       [&](const ExprPtr &o) { return o && callsFunction(*o, names); });
  }

  /// Whether an expression calls a function of serialized rows.
  static bool callsRowFunction(const Expr &e) {
    return callsFunction(e, {"row_number", "row_cumsum", "row_rank_min", "row_rank_dense", "row_window_session",
                             "prev", "next"});
  }

  /// row_number([start [, restart]]), row_cumsum(x [, restart]),
  /// row_rank_min(x [, restart]), row_rank_dense(x [, restart]), row_window_session(t, maxFromFirst,
  /// maxBetween [, restart]), prev(x [, 1 [, default]]): runtime functions
  /// with a call site of their own (their state in the context).
  std::unique_ptr<ir::Value> rowFunction(const Column &c, const std::string &fn) {
    const Expr &e = *c.expr;
    struct Shape {
      size_t minArgs, maxArgs;
    };
    static const std::map<std::string, Shape> kShapes = {
        {"row_number", {0, 2}}, {"row_cumsum", {1, 2}}, {"row_rank_min", {1, 2}}, {"row_rank_dense", {1, 2}},
        {"row_window_session", {3, 4}}, {"prev", {1, 3}}};
    if (fn == "next")
      fail(e.loc, "next() is not supported (rows are computed as they come; it needs the row after)");
    auto shape = kShapes.find(fn);
    if (shape == kShapes.end())
      return nullptr;
    if (e.operands.size() < shape->second.minArgs || e.operands.size() > shape->second.maxArgs)
      fail(e.loc, "wrong number of arguments to " + e.name);
    std::vector<std::unique_ptr<ir::Value>> args;
    args.push_back(ir::Value::makeConst(Scalar::makeInt(pack_.rowFunctionSites++)));
    auto arg = [&](size_t i, Scalar fallback) {
      return i < e.operands.size() ? value(Column{e.operands[i].get(), c.env}) : ir::Value::makeConst(fallback);
    };
    if (fn == "row_number") {
      args.push_back(arg(0, Scalar::makeInt(1)));
      args.push_back(arg(1, Scalar::makeBool(false)));
    } else if (fn == "row_cumsum" || fn == "row_rank_min" || fn == "row_rank_dense") {
      args.push_back(arg(0, Scalar::makeNull()));
      args.push_back(arg(1, Scalar::makeBool(false)));
    } else if (fn == "row_window_session") {
      for (size_t i = 0; i < 3; ++i)
        args.push_back(arg(i, Scalar::makeNull()));
      args.push_back(arg(3, Scalar::makeBool(false)));
    } else if (fn == "prev") {
      if (e.operands.size() > 1) {
        auto offset = constant(*e.operands[1]);
        if (!offset || offset->type != Literal::Long || offset->value.i != 1)
          fail(e.operands[1]->loc, "prev() with an offset other than 1 is not supported");
      }
      args.push_back(arg(0, Scalar::makeNull()));
      args.push_back(arg(2, Scalar::makeNull()));
    } else {
      args.push_back(arg(0, Scalar::makeNull()));
    }
    return ir::Value::makeCall("$" + fn, std::move(args));
  }

  /// `evaluate bag_unpack(column [, OutputColumnPrefix] [, columnsConflict]
  /// [, ignoredProperties]) [: (schema)]`: a runtime operator over the whole
  /// input (the output's columns are the union of the bags' properties).
  void evaluateStage(const Operator &op, Pipeline &p) {
    if (op.kind != "bag_unpack")
      fail(op.loc, "the evaluate plugin '" + op.kind + "' is not supported (bag_unpack is)");
    OperatorSpec spec;
    spec.kind = OperatorSpec::Kind::BagUnpack;
    spec.conflict = "error";
    static const std::vector<std::string> kParams = {"column", "outputcolumnprefix", "columnsconflict",
                                                     "ignoredproperties"};
    size_t position = 0;
    for (const Assignment &a : op.assignments) {
      const std::string param = !a.name.empty() ? asciiLower(a.name) : position < kParams.size() ? kParams[position++] : "";
      const Expr &v = *a.value;
      auto text = [&]() {
        auto k = constant(v);
        if (!k || k->type != Literal::String)
          fail(v.loc, "bag_unpack's " + param + " is a string constant");
        return k->value.s;
      };
      if (param == "column") {
        std::string name = v.kind == Expr::Name ? v.name : "__bag_unpack";
        if (v.kind != Expr::Name || aliasOf(column(v, p), name)) {
          Column col = column(v, p);
          checkColumn(col);
          extendColumn(p, name, col);
        }
        spec.expand = {name};
      } else if (param == "outputcolumnprefix") {
        spec.prefix = text();
      } else if (param == "columnsconflict") {
        spec.conflict = text();
        if (spec.conflict != "error" && spec.conflict != "replace_source" && spec.conflict != "keep_source")
          fail(v.loc, "columnsConflict is 'error', 'replace_source' or 'keep_source'");
      } else if (param == "ignoredproperties") {
        for (const Constant &k : constantList({&v})) {
          if (k.type != Literal::String)
            fail(v.loc, "ignoredProperties holds property names (strings)");
          spec.ignored.push_back(k.value.s);
        }
      } else {
        fail(v.loc, "bag_unpack has no parameter '" + (a.name.empty() ? toString(v) : a.name) + "'");
      }
    }
    if (spec.expand.empty())
      fail(op.loc, "bag_unpack needs the column to unpack");
    spec.schema = op.columns;
    const uint32_t index = addOperator(std::move(spec), op);
    stageInto(p, index, 0, op.loc);
    continueFrom(p, index, op.loc);
  }

  /// `mv-expand [with_itemindex=I] c, name = expr, ... [limit N]`: the
  /// stage computes named expressions into columns, the operator expands.
  void expandStage(const Operator &op, Pipeline &p) {
    if (!op.kind.empty() && op.kind != "bag" && op.kind != "array")
      fail(op.loc, "mv-expand kind=" + op.kind + ": the kinds are bag and array");
    OperatorSpec spec;
    spec.kind = OperatorSpec::Kind::MvExpand;
    spec.bagsAsArrays = op.kind == "array";
    spec.limit = op.count >= 0 ? op.count : op.name == "mvexpand" ? 128 : -1; // mvexpand's old default
    spec.itemIndex = op.withSource;
    for (size_t i = 0; i < op.assignments.size(); ++i) {
      const Assignment &a = op.assignments[i];
      static const std::set<std::string> kTypes = {"",     "dynamic", "long",   "int",      "real",
                                                   "double", "string", "bool", "boolean", "datetime", "date"};
      const std::string &type = op.columnTypes[i];
      if (!kTypes.count(type))
        fail(a.value->loc, "mv-expand ... to typeof(" + type + ") is not supported");
      spec.expandTypes.push_back(type == "dynamic" ? "" : type);
      // An unnamed expression takes Kusto's default name (todynamic(x): x).
      const std::string name = !a.name.empty() ? a.name : defaultName(*a.value);
      if (!a.name.empty() || a.value->kind != Expr::Name || aliasOf(column(*a.value, p), name)) {
        Column col = column(*a.value, p);
        checkColumn(col);
        extendColumn(p, name, col);
      }
      spec.expand.push_back(name);
    }
    const uint32_t index = addOperator(std::move(spec), op);
    stageInto(p, index, 0, op.loc);
    const bool serialized = p.serialized;
    continueFrom(p, index, op.loc);
    p.serialized = serialized; // each row's expansion stays in place
  }

  /// `parse [kind=simple|relaxed|regex] s with * "text" col [: type] ...`:
  /// one regular expression for the whole pattern (texts quoted, or as
  /// written with kind=regex; `*` any text; a column a lazy group, in simple
  /// mode one its type's text fits), anchored at the start, and at the end
  /// after a last column, which takes the rest. Each column is that group,
  /// converted to its type: extend as the pack's code computes it. When the
  /// text does not fit the pattern every column is null; parse-where drops
  /// the row instead.
  void parseColumns(const Operator &op, Pipeline &p) {
    const std::string kind = op.kind.empty() ? "simple" : op.kind;
    if (kind != "simple" && kind != "relaxed" && kind != "regex")
      fail(op.loc, "unknown parse kind '" + op.kind + "'");
    std::string pattern = "(?s)^";
    std::vector<const ParsePiece *> columns;
    for (size_t i = 0; i < op.pattern.size(); ++i) {
      const ParsePiece &piece = op.pattern[i];
      if (piece.kind == ParsePiece::Star) {
        pattern += ".*?";
      } else if (piece.kind == ParsePiece::Text) {
        pattern += kind == "regex" ? "(?:" + piece.text + ")" : RE2::QuoteMeta(piece.text);
      } else {
        static const std::set<std::string> kTypes = {"",     "string",  "long",    "int",  "real",
                                                     "double", "bool", "boolean", "dynamic", "date", "datetime"};
        if (!kTypes.count(piece.type))
          fail(piece.loc, "parse into a " + piece.type + " column is not supported yet");
        const bool integer = piece.type == "long" || piece.type == "int";
        const bool real = piece.type == "real" || piece.type == "double";
        // Named: with kind=regex the texts may hold groups of their own.
        const std::string group = "(?P<c" + std::to_string(columns.size()) + ">";
        // A number column matches a number (simple and regex; relaxed: a
        // number when there is one, else any text, which gives null); other
        // columns any text: greedy with kind=regex (Kusto's default flags),
        // lazy otherwise.
        const std::string number = integer ? "-?\\d+" : "-?\\d+(?:\\.\\d+)?(?:[eE][-+]?\\d+)?";
        pattern += (integer || real) && kind == "relaxed" ? "(?:" + group + number + ")|.*?)"
                   : integer || real                     ? group + number + ")"
                   : kind == "regex"                     ? group + ".*)"
                                                         : group + ".*?)";
        columns.push_back(&piece);
      }
    }
    if (!op.pattern.empty() && op.pattern.back().kind == ParsePiece::Column)
      pattern += "$";
    if (columns.empty())
      fail(op.loc, "the parse pattern names no column");
    const uint32_t regex = regexIndex(pattern, op.loc);
    const re2::RE2 compiled(pattern);
    const std::map<std::string, int> &groups = compiled.NamedCapturingGroups();
    // kind=simple: "all extended columns must match the required types"
    // (Kusto's parse page); the regex checks numbers, the conversion the rest.
    std::vector<std::pair<uint32_t, std::string>> strict;
    for (size_t g = 0; g < columns.size() && kind == "simple"; ++g)
      if (const std::string convert = conversionTo(columns[g]->type, columns[g]->loc);
          convert == "todatetime" || convert == "tobool")
        strict.emplace_back(static_cast<uint32_t>(groups.at("c" + std::to_string(g))), convert);
    if (op.name == "parse-where") {
      IrPtr fits = stringLeaf(Op::Regex, column(*op.subject, p), "", op.loc);
      fits->index = regex;
      p.conjuncts.push_back(std::move(fits));
      for (const auto &[group, convert] : strict) {
        IrPtr converts = IrExpr::makeLeaf(Op::IsNull, 0, op.loc);
        converts->subject = parsedValue(ParsedColumn{"$extract", {Scalar::makeInt(regex), Scalar::makeInt(group)}, {},
                                                     Column{op.subject.get(), p.env}, convert, {}});
        p.conjuncts.push_back(IrExpr::makeNot(std::move(converts), op.loc));
      }
    }
    for (size_t g = 0; g < columns.size(); ++g) {
      const ParsePiece &piece = *columns[g];
      const std::string convert = conversionTo(piece.type, piece.loc);
      // The column is an alias like extend's; a synthesized expression
      // stands for its value, which value() builds from parsed_.
      Expr &name = synthesized_.emplace_back();
      name.kind = Expr::Call;
      name.name = "parse";
      name.loc = piece.loc;
      const uint32_t group = static_cast<uint32_t>(groups.at("c" + std::to_string(g)));
      parsed_[&name] = ParsedColumn{"$extract", {Scalar::makeInt(regex), Scalar::makeInt(group)}, {},
                                    Column{op.subject.get(), p.env}, convert, strict};
      extendColumn(p, piece.text, Column{&name, p.env});
    }
  }

  /// `parse-kv s as (Key: type, ...) [with (pair_delimiter=p, kv_delimiter=k,
  /// quote=q, escape=e, greedy=b | regex=r)]`: each column is the value of
  /// its key in s (runtime/functions/KeyValueFunctions.cpp), converted to
  /// its type. Without options: keys followed by ':' or '=' (best effort).
  void parseKeyValues(const Operator &op, Pipeline &p) {
    std::string pair, kv, quote, escape, regex;
    bool greedy = false;
    for (const Assignment &a : op.assignments) {
      const std::string option = asciiLower(a.name);
      auto k = constant(*a.value);
      if (option == "greedy" && k && k->type == Literal::Bool) {
        greedy = k->value.b;
        continue;
      }
      if (!k || k->type != Literal::String)
        fail(a.value->loc, "parse-kv's " + (option.empty() ? std::string("options") : option) + " is a string constant");
      if (option == "pair_delimiter") pair = k->value.s;
      else if (option == "kv_delimiter") kv = k->value.s;
      else if (option == "quote") quote = k->value.s;
      else if (option == "escape") escape = k->value.s;
      else if (option == "regex") regex = k->value.s;
      else fail(a.value->loc, "parse-kv has no option '" + a.name + "'");
    }
    if ((pair.empty() != kv.empty()) || (!regex.empty() && !pair.empty()))
      fail(op.loc, "parse-kv takes pair_delimiter and kv_delimiter together, or regex, or neither");
    if (quote.size() > 2)
      fail(op.loc, "parse-kv's quote is one character, or an opening and a closing one");
    const int64_t mode = !regex.empty() ? 2 : !pair.empty() ? 0 : 1;
    const int64_t regexAt = regex.empty() ? -1 : static_cast<int64_t>(regexIndex(regex, op.loc));
    for (size_t i = 0; i < op.columns.size(); ++i) {
      Expr &name = synthesized_.emplace_back();
      name.kind = Expr::Call;
      name.name = "parse-kv";
      name.loc = op.loc;
      parsed_[&name] = ParsedColumn{"$parse_kv", {},
                                    {Scalar::makeString(op.columns[i]), Scalar::makeInt(mode), Scalar::makeString(pair),
                                     Scalar::makeString(kv), Scalar::makeString(quote), Scalar::makeString(escape),
                                     Scalar::makeBool(greedy), Scalar::makeInt(regexAt)},
                                    Column{op.subject.get(), p.env}, conversionTo(op.columnTypes[i], op.loc)};
      extendColumn(p, op.columns[i], Column{&name, p.env});
    }
  }

  /// The function that converts text to a column type (parse, parse-kv);
  /// "" for string and dynamic-free text types.
  std::string conversionTo(const std::string &t, const SourceLocation &loc) {
    if (t == "long" || t == "int") return "tolong";
    if (t == "real" || t == "double") return "todouble";
    if (t == "bool" || t == "boolean") return "tobool";
    if (t == "dynamic") return "todynamic";
    if (t == "date" || t == "datetime") return "todatetime";
    if (t == "timespan" || t == "time") return "totimespan";
    if (t.empty() || t == "string" || t == "guid")
      return "";
    fail(loc, "a " + t + " column is not supported here");
  }

  /// A parse / parse-kv column's value, converted; null unless every
  /// `strict` column of its parse converts.
  std::unique_ptr<ir::Value> parsedValue(const ParsedColumn &c) {
    if (!c.strict.empty()) {
      std::vector<IrPtr> all;
      for (const auto &[group, convert] : c.strict) {
        IrPtr converts = IrExpr::makeLeaf(Op::IsNull, 0, c.subject.expr->loc);
        converts->subject = parsedValue(ParsedColumn{c.fn, {c.before[0], Scalar::makeInt(group)}, {}, c.subject, convert, {}});
        all.push_back(IrExpr::makeNot(std::move(converts), c.subject.expr->loc));
      }
      auto v = std::make_unique<ir::Value>();
      v->kind = ir::Value::Iff;
      v->cond = IrExpr::makeNary(Op::And, std::move(all), c.subject.expr->loc);
      v->args.push_back(parsedValue(ParsedColumn{c.fn, c.before, c.after, c.subject, c.convert, {}}));
      v->args.push_back(ir::Value::makeConst(Scalar::makeNull()));
      return v;
    }
    std::vector<std::unique_ptr<ir::Value>> args;
    for (const Scalar &k : c.before)
      args.push_back(ir::Value::makeConst(k));
    args.push_back(value(c.subject));
    for (const Scalar &k : c.after)
      args.push_back(ir::Value::makeConst(k));
    std::unique_ptr<ir::Value> v = ir::Value::makeCall(c.fn, std::move(args));
    if (c.convert.empty())
      return v;
    std::vector<std::unique_ptr<ir::Value>> one;
    one.push_back(std::move(v));
    return ir::Value::makeCall(c.convert, std::move(one));
  }

  /// `mv-apply x = arr on (where ... | extend ... | project ...)`: Kusto runs
  /// the sub-query over each row's expanded values and joins what it returns
  /// to the row's other columns. A sub-query of row-by-row operators is the
  /// expansion followed by those operators, with its `project` keeping the
  /// row's other columns (they are not the sub-query's to drop): so it is
  /// built. Its top, take and summarize run per input row.
  void applyStage(const Operator &op, Pipeline &p) {
    // A sub-query's top, take and summarize run per input row: each row gets
    // an id (made once, before the expansion), they sort, limit and group
    // per id, and a summarize's rows join back to the row they came from.
    static const std::string kRowKey = "__mv_apply_row";
    const auto &subOps = op.tables[0]->ops;
    const bool perRow = std::any_of(subOps.begin(), subOps.end(), [](const Operator &sub) {
      return sub.name == "top" || sub.name == "take" || sub.name == "limit" || sub.name == "summarize";
    });
    Pipeline input; // the rows before expansion, which a summarize's rows join
    if (perRow) {
      Expr &id = synthesized_.emplace_back();
      id.kind = Expr::Call;
      id.name = "row id";
      id.loc = op.loc;
      rowIds_.insert(&id);
      extendColumn(p, kRowKey, Column{&id, p.env});
      passThrough(p, op);
      input.table = p.table; // a second reader of the pass-through's rows
      input.tableLoc = p.tableLoc;
      for (const Assignment &a : op.assignments) // `mv-apply l on (...)`: l is the sub-query's, not the row's
        if (a.name.empty() && a.value->kind == Expr::Name)
          input.hidden.insert(a.value->name);
    }
    expandStage(op, p);
    std::vector<std::string> expanded;
    for (const Assignment &a : op.assignments)
      expanded.push_back(!a.name.empty() ? a.name : defaultName(*a.value));
    if (!op.withSource.empty())
      expanded.push_back(op.withSource);
    for (const Operator &sub : subOps) {
      static const std::set<std::string> kRowByRow = {"where", "extend", "project-away", "project-rename", "project-reorder",
                                                      "parse", "parse-where", "parse-kv"};
      const bool perRowOp = sub.name == "top" || sub.name == "take" || sub.name == "limit" || sub.name == "summarize";
      if (sub.generic || (!kRowByRow.count(sub.name) && sub.name != "project" && !perRowOp))
        fail(sub.loc, "'" + sub.name + "' in an mv-apply sub-query is not supported yet");
      if (sub.name == "summarize") {
        summarizePerRow(sub, &sub == &subOps.back(), kRowKey, input, op, p);
        break;
      }
      if (perRowOp) {
        perRowKey_ = kRowKey;
        sortStage(sub, p); // top N by k, take N: per input row
        perRowKey_.clear();
        continue;
      }
      if (sub.name != "project") {
        lowerOperator(sub, p);
        continue;
      }
      // project: its columns as extends; of the expanded ones, only those it keeps.
      std::set<std::string> kept;
      for (const Assignment &a : sub.assignments) {
        if (a.value->kind == Expr::Star)
          fail(a.value->loc, "project * is not supported");
        const std::string name = a.name.empty() ? defaultName(*a.value) : a.name;
        kept.insert(name);
        Column col = column(*a.value, p);
        checkColumn(col);
        extendColumn(p, name, col);
      }
      for (const std::string &name : expanded)
        if (!kept.count(name)) {
          auto env = derivedEnv(p);
          env->erase(name);
          p.env = env;
          if (p.wholeEvent)
            p.hidden.insert(name);
          p.output.erase(std::remove_if(p.output.begin(), p.output.end(), [&](auto &o) { return o.first == name; }),
                         p.output.end());
        }
    }
    if (perRow)
      p.hidden.insert(kRowKey);
  }

  /// An mv-apply sub-query's summarize: grouped by the input row's id
  /// (`rowKey`), its one row per input row joined back to that row (a
  /// lookup: the row's columns, then the aggregates). A row none of whose
  /// values reach the summarize has no group: its counts become 0 and its
  /// make_list/make_set/make_bag empty, as Kusto's summarize of no rows
  /// gives (the other aggregates of no rows are null anyway).
  void summarizePerRow(const Operator &sub, bool last, const std::string &rowKey, Pipeline &input,
                       const Operator &apply, Pipeline &p) {
    if (!last)
      fail(sub.loc, "operators after 'summarize' in an mv-apply sub-query are not supported yet");
    if (!sub.by.empty())
      fail(sub.by[0].value->loc, "'summarize ... by' in an mv-apply sub-query is not supported yet");
    perRowKey_ = rowKey;
    summarize(sub, p);
    perRowKey_.clear();
    std::vector<AggregateSpec::Aggregate> aggregates;
    for (auto r = newRules_.rbegin(); r != newRules_.rend() && aggregates.empty(); ++r)
      if (r->info.kind == RuleKind::Aggregate)
        aggregates = r->info.aggregate.aggregates;
    OperatorSpec spec;
    spec.kind = OperatorSpec::Kind::Join;
    spec.joinKind = OperatorSpec::JoinKind::LookupLeftOuter;
    spec.leftKeys = spec.rightKeys = {rowKey};
    spec.windowNanos = OperatorSpec::kWholeInput; // its summarize emits at the end of input
    const uint32_t index = addOperator(std::move(spec), apply);
    stageInto(input, index, 0, apply.loc);
    stageInto(p, index, 1, sub.loc);
    continueFrom(p, index, apply.loc);
    using Fn = AggregateSpec::Fn;
    for (const AggregateSpec::Aggregate &a : aggregates) {
      Expr empty;
      empty.loc = sub.loc;
      if (a.fn == Fn::Count || a.fn == Fn::CountIf || a.fn == Fn::DCount) {
        empty.kind = Expr::Literal;
        empty.literal.type = Literal::Long;
        empty.literal.value = Scalar::makeInt(0);
      } else if (a.fn == Fn::MakeList || a.fn == Fn::MakeSet || a.fn == Fn::MakeBag) {
        empty.kind = Expr::Dynamic;
        empty.dynamicIsObject = a.fn == Fn::MakeBag;
      } else {
        continue;
      }
      auto isNull = std::make_unique<Expr>();
      isNull->kind = Expr::Call;
      isNull->name = "isnull";
      isNull->loc = sub.loc;
      isNull->operands.push_back(nameExpr(a.name, sub.loc));
      Expr &choice = synthesized_.emplace_back(); // iff(isnull(column), the value of no rows, column)
      choice.kind = Expr::Call;
      choice.name = "iff";
      choice.loc = sub.loc;
      choice.operands.push_back(std::move(isNull));
      choice.operands.push_back(std::make_unique<Expr>(std::move(empty)));
      choice.operands.push_back(nameExpr(a.name, sub.loc));
      extendColumn(p, a.name, Column{&choice, p.env});
    }
  }

  /// A constant for a row's cell, or nothing (now-relative times are not).
  std::optional<std::pair<Literal::Type, Scalar>> cellConstant(const Expr &e) {
    auto k = constant(e);
    if (!k || (k->type == Literal::DateTime && k->relativeToNow))
      return std::nullopt;
    return std::make_pair(k->type, k->value);
  }

  /// `print`, `datatable` and `range`: rows made without events, which the
  /// runtime runs through the pack as events of a table of their own before
  /// any input (PackInfo::sources). A datatable's and a range's rows are
  /// their columns; print's one row is empty and its columns are computed
  /// over it, as a project would.
  void lowerSource(const Operator &op, Pipeline &p) {
    SourceRows source;
    const std::string table = "__" + op.name + ":" + rule_.id + "#" + std::to_string(sources_++);
    source.logType = pack_.internLogType(table);
    source.name = op.name + " at " + (op.loc.file ? *op.loc.file : std::string("<query>")) + ":" +
                  std::to_string(op.loc.line) + ":" + std::to_string(op.loc.column);
    auto key = [](const std::string &name) {
      std::string out;
      appendJsonString(out, name);
      return out + ":";
    };
    std::set<std::string> names;
    auto fold = [&](const Expr &e) { return cellConstant(e); };
    if (op.name == "datatable") {
      const size_t width = op.columns.size();
      for (size_t c = 0; c < width; ++c) {
        static const std::set<std::string> kTypes = {"bool", "boolean", "int", "long", "real", "double", "decimal",
                                                     "string", "date", "datetime", "time", "timespan", "guid",
                                                     "uniqueid", "dynamic"};
        if (!kTypes.count(op.columnTypes[c]))
          fail(op.loc, "unknown column type '" + op.columnTypes[c] + "' in the datatable schema");
        if (!names.insert(op.columns[c]).second)
          fail(op.loc, "the datatable column '" + op.columns[c] + "' is declared twice");
      }
      if (op.values.size() % width)
        fail(op.loc, "the datatable has " + std::to_string(op.values.size()) + " values, not a multiple of its " +
                         std::to_string(width) + " columns");
      for (size_t r = 0; r < op.values.size() / width; ++r) {
        std::string row = "{";
        for (size_t c = 0; c < width; ++c) {
          std::string error;
          const Expr &cell = *op.values[r * width + c];
          auto json = constantExprJson(cell, fold, error);
          if (!json)
            fail(cell.loc, "datatable values must be constants: " + error);
          row += (c ? "," : "") + key(op.columns[c]) + *json;
        }
        source.rows.push_back(row + "}");
      }
    } else if (op.name == "range") {
      names.insert(op.columns[0]);
      source.rows = rangeRows(op, key(op.columns[0]));
    } else {
      source.rows.push_back("{}");
    }
    pack_.sources.push_back(std::move(source));
    p.table = table;
    p.tableLoc = op.loc;
    p.restricted = true;
    p.env = std::make_shared<Env>(*p.env); // empty, or a let function's parameters
    rowColumns_[p.env.get()] = names;
    envs_.push_back(p.env);
    p.wholeEvent = true;
    if (op.name == "print")
      projectColumns(p, op.assignments, op.name,
                     [](size_t i, const Expr &) { return "print_" + std::to_string(i); });
    p.serialized = true; // a source's rows come in their order, on one thread
    restricted_.insert(p.env.get());
    envs_.push_back(p.env);
  }

  /// `range x from a to b step s`: numbers (ints, or reals when any of the
  /// three is one), datetimes by a timespan, or timespans; `b` is included
  /// when a step lands on it; a step away from `b` gives no rows.
  std::vector<std::string> rangeRows(const Operator &op, const std::string &key) {
    static constexpr size_t kMaxRows = 1'000'000;
    auto from = cellConstant(*op.values[0]), to = cellConstant(*op.values[1]), step = cellConstant(*op.values[2]);
    if (!from || !to || !step)
      fail(op.loc, "range takes constant bounds and step");
    using T = Literal::Type;
    auto real = [](const std::pair<T, Scalar> &k) { return k.first == T::Real ? k.second.d : double(k.second.i); };
    const T a = from->first, b = to->first, c = step->first;
    std::vector<std::string> rows;
    auto add = [&](T type, const Scalar &v) {
      if (rows.size() == kMaxRows)
        fail(op.loc, "range makes more than " + std::to_string(kMaxRows) + " rows");
      rows.push_back("{" + key + constantJson(type, v) + "}");
    };
    const bool numbers = (a == T::Long || a == T::Real) && (b == T::Long || b == T::Real) && (c == T::Long || c == T::Real);
    if (numbers && (a == T::Real || b == T::Real || c == T::Real)) {
      const double x0 = real(*from), x1 = real(*to), dx = real(*step);
      if (dx == 0 || !std::isfinite(dx))
        fail(op.loc, "the range step must not be zero");
      for (size_t k = 0;; ++k) {
        const double x = x0 + dx * double(k);
        if (dx > 0 ? x > x1 : x < x1)
          break;
        add(T::Real, Scalar::makeDouble(x));
      }
      return rows;
    }
    const bool ints = numbers, times = a == T::DateTime && b == T::DateTime && c == T::TimeSpan;
    const bool spans = a == T::TimeSpan && b == T::TimeSpan && c == T::TimeSpan;
    if (!ints && !times && !spans)
      fail(op.loc, "range takes numbers, datetimes with a timespan step, or timespans");
    const int64_t x0 = from->second.i, x1 = to->second.i, dx = step->second.i;
    if (dx == 0)
      fail(op.loc, "the range step must not be zero");
    for (int64_t x = x0; dx > 0 ? x <= x1 : x >= x1;) {
      add(a, Scalar::makeInt(x));
      if (__builtin_add_overflow(x, dx, &x))
        break;
    }
    return rows;
  }

  void lowerOperator(const Operator &op, Pipeline &p) {
    unnamedColumns_ = 0;
    lowerOperatorBody(op, p);
    if (p.restricted) {
      restricted_.insert(p.env.get());
      envs_.push_back(p.env);
    }
  }

  void lowerOperatorBody(const Operator &op, Pipeline &p) {
    if (op.name == "as" && op.generic) { // `| as [hint.materialized=...] Name`: names the rows
      const std::string name = op.rawArgs.substr(op.rawArgs.find_last_of(' ') + 1);
      if (name.empty() || name.find_first_of("=()") != std::string::npos)
        fail(op.loc, "'as' takes a name");
      p.resultName = name;
      return;
    }
    if (op.name == "serialize" && op.generic && op.rawArgs.empty()) {
      if (!p.serialized)
        fail(op.loc, "serialize: events arrive in no defined order (several threads); sort them first");
      return; // already in order
    }
    if (op.generic)
      fail(op.loc, op.genericForm.empty() ? "the '" + op.name + "' operator is not supported"
                                          : "'" + op.name + "' with " + op.genericForm + " is not supported");
    const bool operatorStage = op.name == "sort" || op.name == "order" || op.name == "top" || op.name == "union" ||
                               op.name == "join" || op.name == "lookup" || op.name == "mv-apply" || op.name == "mv-expand" || op.name == "mvexpand" ||
                               op.name == "evaluate";
    if (p.sealed && op.name != "project" && op.name != "take" && op.name != "limit" && !operatorStage)
      fail(op.loc, "'" + op.name + "' after take/limit is not supported");
    if (op.name == "where") {
      noteRetention(*op.predicate, p);
      p.conjuncts.push_back(predicate(*op.predicate, p));
    } else if (op.name == "extend") {
      const bool rowFunctions = std::any_of(op.assignments.begin(), op.assignments.end(),
                                            [&](const Assignment &a) { return callsRowFunction(*a.value); });
      const bool packsRow = std::any_of(op.assignments.begin(), op.assignments.end(),
                                        [&](const Assignment &a) { return callsFunction(*a.value, {"pack_all"}); });
      if (rowFunctions && !p.serialized)
        fail(op.loc, "row_number(), prev(), row_cumsum() ... need serialized rows: sort them first (events "
                     "arrive in no defined order)");
      // A stage of its own: every row, in order, reaches row functions exactly
      // once; pack_all() sees the row with every column made so far.
      if (rowFunctions || packsRow)
        passThrough(p, op);
      for (const Assignment &a : op.assignments) {
        const std::string name = a.name.empty() ? defaultName(*a.value) : a.name;
        Column col = column(*a.value, p);
        checkColumn(col);
        extendColumn(p, name, col);
      }
      if (rowFunctions)
        passThrough(p, op);
    } else if (op.name == "distinct" && op.by.size() == 1 && op.by[0].value->kind == Expr::Star) {
      p.distinct = p.distinctAll = true; // distinct *: whole rows, their columns unchanged
    } else if (op.name == "project" || op.name == "distinct") {
      const bool isDistinct = op.name == "distinct";
      projectColumns(p, isDistinct ? op.by : op.assignments, op.name,
                     [&](size_t, const Expr &e) { return defaultName(e); });
      p.restricted = true;
      p.distinct = p.distinct || isDistinct;
    } else if (op.name == "project-away") {
      auto env = derivedEnv(p);
      for (const std::string &c : op.columns) {
        if (c.find('*') != std::string::npos)
          fail(op.loc, "wildcards in project-away are not supported");
        env->erase(c);
        if (p.wholeEvent)
          p.hidden.insert(c);
        p.output.erase(std::remove_if(p.output.begin(), p.output.end(), [&](auto &o) { return o.first == c; }),
                       p.output.end());
      }
      p.env = env;
    } else if (op.name == "project-by-names") {
      projectByNames(op, p);
    } else if (op.name == "project-reorder") {
      reorderColumns(op, p);
    } else if (op.name == "project-rename") {
      auto env = derivedEnv(p);
      for (const Assignment &a : op.assignments) {
        Column col = column(*a.value, p);
        (*env)[a.name] = Alias{col};
        if (a.value->kind == Expr::Name)
          env->erase(a.value->name);
        bool renamed = false;
        for (auto &o : p.output)
          if (a.value->kind == Expr::Name && o.first == a.value->name) {
            o.first = a.name;
            renamed = true;
          }
        if (!renamed)
          setOutput(p, a.name, col);
      }
      p.env = env;
    } else if (op.name == "summarize") {
      summarize(op, p);
    } else if (op.name == "sort" || op.name == "order" || op.name == "top") {
      sortStage(op, p);
    } else if (op.name == "union") {
      unionStage(op, &p, p);
    } else if (op.name == "join" || op.name == "lookup") {
      joinStage(op, p);
    } else if (op.name == "mv-expand" || op.name == "mvexpand") {
      expandStage(op, p);
    } else if (op.name == "mv-apply") {
      applyStage(op, p);
    } else if (op.name == "evaluate") {
      evaluateStage(op, p);
    } else if (op.name == "parse" || op.name == "parse-where") {
      parseColumns(op, p);
    } else if (op.name == "parse-kv") {
      parseKeyValues(op, p);
    } else if (op.name == "count") { // `| count` is `| summarize Count = count()`
      Operator &count = synthesizedOps_.emplace_back();
      count.name = "summarize";
      count.loc = op.loc;
      Assignment a;
      a.name = "Count";
      a.value = std::make_unique<Expr>();
      a.value->kind = Expr::Call;
      a.value->name = "count";
      a.value->loc = op.loc;
      count.assignments.push_back(std::move(a));
      summarize(count, p);
    } else if (op.name == "take" || op.name == "limit") {
      p.take = p.take < 0 ? op.count : std::min(p.take, op.count);
      p.sealed = true;
    } else {
      fail(op.loc, "the '" + op.name + "' operator is not supported");
    }
  }

  /// `project-by-names "a", "b*", dynamic([...])`: a project of the named
  /// columns; a wildcard needs rows whose columns the query knows (a source's
  /// or a summarize's), matched in name order.
  void projectByNames(const Operator &op, Pipeline &p) {
    std::vector<const Expr *> items;
    for (const Assignment &a : op.assignments)
      items.push_back(a.value.get());
    std::vector<std::string> names;
    for (const Constant &k : constantList(items)) {
      if (k.type != Literal::String)
        fail(op.loc, "project-by-names takes column names (strings)");
      const std::string &pattern = k.value.s;
      const size_t star = pattern.find('*');
      if (star == std::string::npos) {
        names.push_back(pattern);
        continue;
      }
      auto rows = rowColumns_.find(p.env.get());
      if (rows == rowColumns_.end())
        fail(op.loc, "project-by-names with a wildcard ('" + pattern + "') needs rows of known columns");
      const std::string prefix = pattern.substr(0, star), suffix = pattern.substr(pattern.rfind('*') + 1);
      for (const std::string &name : rows->second)
        if (name.size() >= prefix.size() + suffix.size() && name.starts_with(prefix) && name.ends_with(suffix))
          names.push_back(name);
    }
    Operator &project = synthesizedOps_.emplace_back(); // owns the names' expressions for the lowering's life
    for (const std::string &name : names)
      project.assignments.push_back(Assignment{"", {}, nameExpr(name, op.loc)});
    projectColumns(p, project.assignments, op.name, [](size_t, const Expr &e) { return e.name; });
    p.restricted = true;
  }

  /// project-reorder: the named columns first, in the order given (a
  /// wildcard's matches in their order, or sorted by name with asc/desc;
  /// granny-* sorts numbers inside names by value), the rest after them.
  /// Rows that are whole events keep their fields' order: a JSON object's
  /// order carries no meaning for the consumers of rows.
  void reorderColumns(const Operator &op, Pipeline &p) {
    auto matches = [](const std::string &pattern, const std::string &name) {
      const size_t star = pattern.find('*');
      if (star == std::string::npos)
        return pattern == name;
      const std::string prefix = pattern.substr(0, star), suffix = pattern.substr(pattern.rfind('*') + 1);
      return name.size() >= prefix.size() + suffix.size() && name.starts_with(prefix) && name.ends_with(suffix);
    };
    auto grannyLess = [](const std::string &a, const std::string &b) { // digit runs compare as numbers
      size_t i = 0, j = 0;
      while (i < a.size() && j < b.size()) {
        if (std::isdigit(static_cast<unsigned char>(a[i])) && std::isdigit(static_cast<unsigned char>(b[j]))) {
          size_t ei = i, ej = j;
          while (ei < a.size() && std::isdigit(static_cast<unsigned char>(a[ei]))) ++ei;
          while (ej < b.size() && std::isdigit(static_cast<unsigned char>(b[ej]))) ++ej;
          const std::string x = a.substr(i, ei - i), y = b.substr(j, ej - j);
          const size_t zx = x.find_first_not_of('0'), zy = y.find_first_not_of('0');
          const std::string nx = zx == std::string::npos ? "" : x.substr(zx), ny = zy == std::string::npos ? "" : y.substr(zy);
          if (nx.size() != ny.size())
            return nx.size() < ny.size();
          if (nx != ny)
            return nx < ny;
          i = ei;
          j = ej;
        } else {
          if (a[i] != b[j])
            return a[i] < b[j];
          ++i;
          ++j;
        }
      }
      return a.size() - i < b.size() - j;
    };
    if (p.output.empty())
      return; // whole events
    std::vector<std::pair<std::string, Column>> rest = std::move(p.output), placed;
    for (size_t k = 0; k < op.columns.size(); ++k) {
      std::vector<std::pair<std::string, Column>> group;
      for (auto it = rest.begin(); it != rest.end();)
        if (matches(op.columns[k], it->first)) {
          group.push_back(std::move(*it));
          it = rest.erase(it);
        } else {
          ++it;
        }
      const std::string &order = k < op.columnOrders.size() ? op.columnOrders[k] : "";
      if (!order.empty())
        std::stable_sort(group.begin(), group.end(), [&](const auto &x, const auto &y) {
          const bool granny = order.starts_with("granny");
          const bool desc = order.ends_with("desc");
          const std::string &a = desc ? y.first : x.first, &b = desc ? x.first : y.first;
          return granny ? grannyLess(a, b) : a < b;
        });
      for (auto &g : group)
        placed.push_back(std::move(g));
    }
    for (auto &r : rest)
      placed.push_back(std::move(r));
    p.output = std::move(placed);
  }

  /// A copy of the pipeline's columns to extend; the rows of a summarize
  /// stay readable by name.
  std::shared_ptr<Env> derivedEnv(const Pipeline &p) {
    auto env = std::make_shared<Env>(*p.env);
    if (auto rows = rowColumns_.find(p.env.get()); rows != rowColumns_.end())
      rowColumns_[env.get()] = rows->second;
    envs_.push_back(env);
    return env;
  }

  /// `extend name = col`: a column later operators can name, and in the row.
  void extendColumn(Pipeline &p, const std::string &name, const Column &col) {
    auto env = derivedEnv(p);
    (*env)[name] = Alias{col};
    p.env = env;
    setOutput(p, name, col);
  }

  /// `project` (and print, distinct): these columns only, each checked; a
  /// column without a name gets `nameOf(i)`.
  template <typename NameOf>
  void projectColumns(Pipeline &p, const std::vector<Assignment> &list, const std::string &opName, NameOf nameOf) {
    std::vector<std::pair<std::string, Column>> out;
    auto env = std::make_shared<Env>();
    for (size_t i = 0; i < list.size(); ++i) {
      const Assignment &a = list[i];
      if (a.value->kind == Expr::Star)
        fail(a.value->loc, opName + " * is not supported");
      std::string name = a.name.empty() ? nameOf(i, *a.value) : a.name;
      auto taken = [&](const std::string &n) {
        return std::any_of(out.begin(), out.end(), [&](const auto &o) { return o.first == n; });
      };
      if (a.name.empty() && taken(name)) { // a generated name that clashes: Kusto's numeric suffix (s, s1, s2)
        int k = 1;
        while (taken(name + std::to_string(k)))
          ++k;
        name += std::to_string(k);
      } else if (taken(name)) {
        fail(a.nameLoc, "the column '" + name + "' is defined twice in " + opName);
      }
      Column col = column(*a.value, p);
      checkColumn(col);
      (*env)[name] = Alias{col};
      out.emplace_back(name, col);
    }
    p.env = env;
    p.output = std::move(out);
    p.wholeEvent = false;
  }

  static void setOutput(Pipeline &p, const std::string &name, const Column &col) {
    for (auto &o : p.output)
      if (o.first == name) {
        o.second = col;
        return;
      }
    p.output.emplace_back(name, col);
  }

  /// `summarize aggs by keys`: the pipeline so far becomes an Aggregate rule;
  /// the operators after it form a new pipeline over its rows (events of a
  /// log type of their own, whose fields are the row's columns).
  void summarize(const Operator &op, Pipeline &p) {
    using Fn = AggregateSpec::Fn;
    if (p.take >= 0)
      fail(op.loc, "summarize after take is not supported");
    if (p.distinct) { // `distinct a, b` is `summarize by a, b`: a stage of its own first
      Operator &byColumns = synthesizedOps_.emplace_back();
      byColumns.name = "summarize";
      byColumns.loc = op.loc;
      std::vector<std::string> keys;
      if (p.distinctAll) { // distinct *: every column of the rows, which a source's or summarize's rows name
        auto rows = rowColumns_.find(p.env.get());
        if (rows == rowColumns_.end())
          fail(op.loc, "'" + op.name + "' after 'distinct *' needs rows of known columns (a source's or a summarize's)");
        keys.assign(rows->second.begin(), rows->second.end());
      }
      for (const auto &[name, column] : p.output)
        if (std::find(keys.begin(), keys.end(), name) == keys.end())
          keys.push_back(name);
      for (const std::string &name : keys)
        byColumns.by.push_back(Assignment{"", {}, nameExpr(name, op.loc)});
      p.distinct = p.distinctAll = false;
      summarize(byColumns, p);
    }
    ir::Rule stage;
    stage.loc = op.loc;
    stage.info.kind = RuleKind::Aggregate;
    stage.info.id = rule_.id + "/summarize" + std::to_string(summarizes_);
    stage.info.sourceFile = rule_.loc.file ? *rule_.loc.file : "";
    stage.info.logTypes = {pack_.internLogType(p.table)};
    AggregateSpec &spec = stage.info.aggregate;
    std::set<std::string> names;
    auto column = [&](const std::string &name, const Expr &e) {
      addColumn(stage, name, Column{&e, p.env});
      return static_cast<uint32_t>(stage.info.columns.size() - 1);
    };
    if (!perRowKey_.empty()) { // in an mv-apply sub-query: per input row
      Expr &key = synthesized_.emplace_back();
      key.kind = Expr::Name;
      key.name = perRowKey_;
      key.loc = op.loc;
      spec.keys.push_back(column(perRowKey_, key));
      names.insert(perRowKey_);
    }
    for (const Assignment &a : op.by) {
      const Expr &e = *a.value;
      if (e.kind == Expr::Call && asciiLower(e.name) == "bin" && e.operands.size() == 2) {
        if (spec.binKey >= 0)
          fail(e.loc, "summarize by more than one bin() is not supported");
        auto size = constant(*e.operands[1]);
        if (!size || (size->type != Literal::TimeSpan && size->type != Literal::Long) || size->value.i <= 0)
          fail(e.operands[1]->loc, "bin() takes a positive timespan or integer constant size");
        spec.binKey = static_cast<int32_t>(spec.keys.size());
        spec.binSize = size->value.i;
        spec.binIsTime = size->type == Literal::TimeSpan;
        const std::string name = a.name.empty() ? defaultName(*e.operands[0]) : a.name;
        spec.keys.push_back(column(name, *e.operands[0]));
        names.insert(name);
        continue;
      }
      const std::string base = a.name.empty() ? defaultName(e) : a.name;
      std::string name = base;
      for (int n = 1; a.name.empty() && names.count(name); ++n) // by x, bin(x, 2): x, x1 (Kusto)
        name = base + std::to_string(n);
      spec.keys.push_back(column(name, e));
      names.insert(name);
    }
    static const std::map<std::string, std::pair<Fn, std::string>> kAggregates = {
        {"count", {Fn::Count, "count_"}},     {"countif", {Fn::CountIf, "countif_"}},
        {"dcount", {Fn::DCount, "dcount_"}},  {"min", {Fn::Min, "min_"}},
        {"max", {Fn::Max, "max_"}},           {"sum", {Fn::Sum, "sum_"}},
        {"avg", {Fn::Avg, "avg_"}},           {"make_set", {Fn::MakeSet, "set_"}},
        {"makeset", {Fn::MakeSet, "set_"}},   {"make_list", {Fn::MakeList, "list_"}},
        {"makelist", {Fn::MakeList, "list_"}}, {"take_any", {Fn::TakeAny, "any_"}},
        {"any", {Fn::TakeAny, "any_"}},       {"arg_max", {Fn::ArgMax, "max_"}},
        {"arg_min", {Fn::ArgMin, "min_"}},   {"count_distinct", {Fn::DCount, "count_distinct_"}},
        {"make_bag", {Fn::MakeBag, "bag_"}},  {"countif", {Fn::CountIf, "countif_"}},
        {"covariance", {Fn::Covariance, "covariance_"}}, {"covariancep", {Fn::CovarianceP, "covariancep_"}},
    };
    // The *if forms: the aggregate over the rows where their predicate (the
    // second argument) holds.
    static const std::map<std::string, std::pair<Fn, std::string>> kConditional = {
        {"dcountif", {Fn::DCount, "dcountif_"}}, {"sumif", {Fn::Sum, "sumif_"}},
        {"avgif", {Fn::Avg, "avgif_"}},          {"make_set_if", {Fn::MakeSet, "set_"}},
        {"make_list_if", {Fn::MakeList, "list_"}}, {"make_bag_if", {Fn::MakeBag, "bag_"}},
        {"count_distinctif", {Fn::DCount, "count_distinctif_"}},
        {"covarianceif", {Fn::Covariance, "covarianceif_"}}, {"covariancepif", {Fn::CovarianceP, "covariancepif_"}},
    };
    for (const Assignment &a : op.assignments) {
      const Expr &e = *a.value;
      const std::string fnName = e.kind == Expr::Call ? asciiLower(e.name) : "";
      auto it = kAggregates.find(fnName);
      const bool conditional = it == kAggregates.end() && kConditional.count(fnName);
      if (conditional)
        it = kConditional.find(fnName);
      if (it == kAggregates.end() || (!conditional && it == kConditional.end()))
        fail(e.loc, "'" + toString(e) + "' is not a supported aggregation (count, countif, dcount, dcountif, "
                                         "count_distinct, min, max, sum, sumif, avg, avgif, make_set, make_set_if, "
                                         "make_list, make_list_if, make_bag, make_bag_if, take_any, arg_max, arg_min, "
                                         "covariance, covariancep and their *if forms)");
      AggregateSpec::Aggregate agg;
      agg.fn = it->second.first;
      const bool counts = agg.fn == Fn::Count;
      // count(x) counts rows as count() does (nulls too), named count_x.
      const std::string countName =
          counts && e.operands.size() == 1 && e.operands[0]->kind != Expr::Star ? defaultNameOr(*e.operands[0], "") : "";
      if (counts && e.operands.size() > 1)
        fail(e.loc, "count() takes at most one argument (use countif(p) or dcount(x))");
      const bool pair = agg.fn == Fn::Covariance || agg.fn == Fn::CovarianceP; // covariance(x, y)
      const size_t inputs = pair ? 2 : 1;
      if (!counts && e.operands.size() < inputs + (conditional ? 1 : 0))
        fail(e.loc, e.name + "() needs " + (pair ? "two values" : conditional ? "a value" : "an argument") +
                        (conditional ? " and a predicate" : ""));
      const bool limited = agg.fn == Fn::MakeSet || agg.fn == Fn::MakeList || agg.fn == Fn::MakeBag;
      const bool arg = agg.fn == Fn::ArgMax || agg.fn == Fn::ArgMin;
      const size_t extra = conditional ? 1 : 0; // the predicate comes before a limit or an accuracy
      const size_t maxArgs = arg ? 64 : (agg.fn == Fn::DCount || limited ? 2 : inputs) + extra;
      if (!counts && e.operands.size() > maxArgs)
        fail(e.loc, "too many arguments to " + e.name + "()");
      if (limited && e.operands.size() == 2 + extra) {
        const Expr &size = *e.operands[1 + extra];
        auto limit = constant(size);
        if (!limit || limit->type != Literal::Long || limit->value.i <= 0)
          fail(size.loc, "the size limit of " + e.name + "() must be a positive integer constant");
        agg.limit = limit->value.i;
      }
      if (conditional) {
        const Expr &holds = *e.operands[inputs]; // a predicate, or a bool column: the row counts when it is true
        agg.condition = static_cast<int32_t>(column("#if" + std::to_string(spec.aggregates.size()), holds));
      }
      std::string inputName;
      if (!counts) {
        inputName = agg.fn == Fn::CountIf ? "" : defaultNameOr(*e.operands[0], "");
        agg.input = static_cast<int32_t>(column("#" + std::to_string(spec.aggregates.size()), *e.operands[0]));
      }
      if (pair) {
        agg.input2 = static_cast<int32_t>(column("#y" + std::to_string(spec.aggregates.size()), *e.operands[1]));
        inputName += "_" + defaultNameOr(*e.operands[1], "");
      }
      agg.name = !a.name.empty() ? a.name : it->second.second + (counts ? countName : inputName);
      if (arg) { // arg_max(x, *), arg_max(x, a, b): the best row's x (named as the column) and the rest
        if (a.name.empty() && !inputName.empty())
          agg.name = inputName;
        if (e.operands.size() == 1)
          fail(e.loc, e.name + "() takes the columns to return too: '*' or their names");
        for (size_t k = 1; k < e.operands.size(); ++k) {
          const Expr &carried = *e.operands[k];
          if (carried.kind == Expr::Star) {
            agg.carryRow = true;
            continue;
          }
          const std::string carriedName = defaultName(carried);
          addColumn(stage, carriedName, Column{&carried, p.env});
          agg.carry.push_back(static_cast<uint32_t>(stage.info.columns.size() - 1));
          names.insert(carriedName);
        }
        if (agg.carryRow && !agg.carry.empty())
          fail(e.loc, e.name + "() takes '*' or column names, not both");
      }
      if (a.name.empty() && names.count(agg.name)) { // a generated name that clashes: set_y, set_y1
        int k = 1;
        while (names.count(agg.name + std::to_string(k)))
          ++k;
        agg.name += std::to_string(k);
      }
      if (!names.insert(agg.name).second)
        fail(a.value->loc, "the summarize column '" + agg.name + "' is defined twice");
      spec.aggregates.push_back(std::move(agg));
    }
    stage.predicate = conjunction(std::move(p.conjuncts), op.loc);
    const std::string rows = "__summarize:" + rule_.id + "#" + std::to_string(summarizes_++);
    spec.outputLogType = pack_.internLogType(rows);
    spec.flushOrder = flushSteps_++;
    // The rest of the query reads the rows: their columns only, unless an
    // arg_max(..., *) carries whole rows (any column of the input may be there).
    const bool wholeRows = std::any_of(spec.aggregates.begin(), spec.aggregates.end(),
                                       [](const AggregateSpec::Aggregate &a) { return a.carryRow; });
    newRules_.push_back(std::move(stage));

    Pipeline next;
    next.table = rows;
    next.tableLoc = op.loc;
    next.restricted = !wholeRows;
    next.env = std::make_shared<Env>();
    if (!wholeRows)
      rowColumns_[next.env.get()] = names;
    envs_.push_back(next.env);
    next.wholeEvent = true;
    p = std::move(next);
  }

  /// A column name for an aggregate's argument, or `fallback` when it has none.
  std::string defaultNameOr(const Expr &e, const std::string &fallback) {
    if (e.kind == Expr::Name || e.kind == Expr::Member)
      return e.name;
    if (e.kind == Expr::Call && e.operands.size() == 1)
      return defaultNameOr(*e.operands[0], fallback);
    return fallback;
  }

  /// Kusto's column name for an unnamed expression: the column, or the last
  /// member of a path; a function of one argument, or one of those Kusto
  /// names after their first argument (Kusto.Language's
  /// ResultNameKind.FirstArgument: bin(Date, 1d) is Date), that argument's
  /// name; other expressions are Column1, Column2, ... in the operator's
  /// order.
  std::string defaultName(const Expr &e) {
    static const std::set<std::string> kFirstArgument = {
        "bin", "bin_at", "floor", "split", "binary_and", "binary_or", "binary_xor", "binary_shift_left",
        "binary_shift_right", "datetime_to_locale_string"};
    if (e.kind == Expr::Name || e.kind == Expr::Member)
      return e.name;
    if (e.kind == Expr::Call && (e.operands.size() == 1 || (!e.operands.empty() && kFirstArgument.count(asciiLower(e.name)))))
      return defaultName(*e.operands[0]);
    return "Column" + std::to_string(++unnamedColumns_);
  }

  /// A where on TimeGenerated > ago(X) bounds how long a let-table's set
  /// keeps a member in streaming mode, and the query's joins (longestAgo_).
  void noteRetention(const Expr &e, Pipeline &p) {
    if (e.kind == Expr::Binary && asciiLower(e.op) == "and") {
      noteRetention(*e.operands[0], p);
      noteRetention(*e.operands[1], p);
      return;
    }
    if (e.kind == Expr::Binary && (e.op == ">" || e.op == ">=") && e.operands[1]->kind == Expr::Call &&
        asciiLower(e.operands[1]->name) == "ago" && e.operands[1]->operands.size() == 1 &&
        e.operands[1]->operands[0]->kind == Expr::Literal &&
        e.operands[1]->operands[0]->literal.type == Literal::TimeSpan) {
      p.retention = std::max(p.retention, e.operands[1]->operands[0]->literal.value.i);
      longestAgo_ = std::max(longestAgo_, p.retention);
    }
  }

  // --- columns and constants ------------------------------------------------

  Column column(const Expr &e, const Pipeline &p) { return Column{&e, p.env}; }

  /// Fails early on an expression that cannot be a column.
  void checkColumn(const Column &c) {
    if (!pathOf(c))
      (void)value(c);
  }

  /// The alias a name refers to in `env`, if any.
  static const Alias *aliasOf(const Column &c, const std::string &name) {
    auto it = c.env->find(name);
    return it == c.env->end() ? nullptr : &it->second;
  }

  /// The event path an expression names (a column, a.b, a["b"], a[0], through
  /// parse_json / todynamic), or nothing when it computes a value.
  std::optional<std::vector<PathStep>> pathOf(const Column &c) {
    const Expr &e = *c.expr;
    switch (e.kind) {
    case Expr::Name: {
      if (const Alias *a = aliasOf(c, e.name))
        return pathOf(a->def);
      if (auto let = lets_.find(e.name); let != lets_.end() && let->second->scalar)
        return std::nullopt; // a scalar let: a value
      if (auto rows = rowColumns_.find(c.env.get()); rows != rowColumns_.end()) {
        if (!rows->second.count(e.name))
          fail(e.loc, "column '" + e.name + "' is not a column of these rows (made by summarize, datatable, print or range)");
        return std::vector<PathStep>{PathStep::makeKey(e.name)};
      }
      if (restricted_.count(c.env.get()))
        fail(e.loc, "column '" + e.name + "' is not in the rows at this point (after project or distinct)");
      if (lets_.count(e.name))
        return std::nullopt;
      return std::vector<PathStep>{PathStep::makeKey(e.name)};
    }
    case Expr::Member: {
      auto base = pathOf(Column{e.operands[0].get(), c.env});
      if (!base)
        return std::nullopt;
      base->push_back(PathStep::makeKey(e.name));
      return base;
    }
    case Expr::Index: {
      auto base = pathOf(Column{e.operands[0].get(), c.env});
      if (!base)
        return std::nullopt;
      base->push_back(indexStep(*e.operands[1]));
      return base;
    }
    default:
      return std::nullopt; // parse_json(x).a is a value: x may hold JSON text
    }
  }

  PathStep indexStep(const Expr &index) {
    auto k = constant(index);
    if (k && k->type == Literal::String)
      return PathStep::makeKey(k->value.s);
    if (k && k->type == Literal::Long)
      return PathStep::makeIndex(k->value.i);
    fail(index.loc, "an index must be a string or integer constant");
  }

  /// Member and index steps on a computed base: parse_json(x).a.b[0] reads the
  /// path in x, which may be a JSON object or a string of JSON text;
  /// split(s, sep)[i] takes one piece.
  std::unique_ptr<ir::Value> stepsOnValue(const Column &c) {
    std::vector<const Expr *> steps; // outermost first
    Column at = c;
    while (true) {
      const Expr &e = *at.expr;
      if (e.kind == Expr::Member || e.kind == Expr::Index) {
        steps.push_back(&e);
        at.expr = e.operands[0].get();
      } else if (const Alias *a = e.kind == Expr::Name ? aliasOf(at, e.name) : nullptr) {
        at = a->def; // extend d = parse_json(x) | ... d.field
      } else {
        break;
      }
    }
    std::reverse(steps.begin(), steps.end());
    const Expr *base = at.expr;
    const std::string fn = base->kind == Expr::Call ? asciiLower(base->name) : "";
    if ((fn == "parse_json" || fn == "todynamic") && base->operands.size() == 1) {
      std::vector<std::unique_ptr<ir::Value>> keys;
      std::vector<PathStep> path;
      for (const Expr *s : steps) {
        PathStep step = s->kind == Expr::Member ? PathStep::makeKey(s->name) : indexStep(*s->operands[1]);
        keys.push_back(ir::Value::makeConst(step.isIndex ? Scalar::makeInt(step.index) : Scalar::makeString(step.key)));
        path.push_back(step);
      }
      const Column inner{base->operands[0].get(), at.env};
      std::vector<std::unique_ptr<ir::Value>> args;
      auto innerPath = pathOf(inner);
      args.push_back(value(inner));
      for (auto &k : keys)
        args.push_back(std::move(k));
      auto parsed = ir::Value::makeCall("$json_get", std::move(args));
      if (!innerPath)
        return parsed;
      // A JSON column read as it is, else its text parsed.
      std::vector<PathStep> full = *innerPath;
      full.insert(full.end(), path.begin(), path.end());
      std::vector<std::unique_ptr<ir::Value>> either;
      either.push_back(ir::Value::makeSlot(field(full)));
      either.push_back(std::move(parsed));
      return ir::Value::makeCall("coalesce", std::move(either));
    }
    if (fn == "split" && steps.size() == 1 && steps[0]->kind == Expr::Index &&
        (base->operands.size() == 2 || base->operands.size() == 3)) {
      auto k = constant(*steps[0]->operands[1]);
      if (!k || k->type != Literal::Long)
        fail(steps[0]->loc, "an index must be an integer constant");
      std::vector<std::unique_ptr<ir::Value>> args;
      args.push_back(value(Column{base->operands[0].get(), at.env}));
      args.push_back(value(Column{base->operands[1].get(), at.env}));
      if (base->operands.size() == 3) { // split(s, sep, i) is [piece i]: only [0] names it
        if (k->value.i != 0)
          fail(steps[0]->loc, "split(s, sep, i) has one element; index it with [0]");
        args.push_back(value(Column{base->operands[2].get(), at.env}));
      } else {
        args.push_back(ir::Value::makeConst(Scalar::makeInt(k->value.i)));
      }
      return ir::Value::makeCall("$split_at", std::move(args));
    }
    // Any other computed value (extract_all(...)[0], bag_pack(...).k, a
    // dynamic let): the steps read its JSON, as parse_json's do.
    std::vector<std::unique_ptr<ir::Value>> args;
    args.push_back(value(at));
    for (const Expr *s : steps) {
      PathStep step = s->kind == Expr::Member ? PathStep::makeKey(s->name) : indexStep(*s->operands[1]);
      args.push_back(ir::Value::makeConst(step.isIndex ? Scalar::makeInt(step.index) : Scalar::makeString(step.key)));
    }
    return ir::Value::makeCall("$json_get", std::move(args));
  }

  /// The value an expression computes (docs/kql.md lists the functions).
  std::unique_ptr<ir::Value> value(const Column &c) {
    const Expr &e = *c.expr;
    if (auto path = pathOf(c))
      return ir::Value::makeSlot(field(*path));
    if (e.kind == Expr::Name)
      if (const Alias *a = aliasOf(c, e.name))
        return value(a->def);
    if (auto parsed = parsed_.find(&e); parsed != parsed_.end())
      return parsedValue(parsed->second); // a parse column (parseColumns)
    if (rowIds_.count(&e))
      return ir::Value::makeCall("$row_id", {});
    if (const LetStmt *fn = scalarFunction(e)) { // the body, its parameters bound to the arguments
      FunctionScope scope(*this, *fn, e, c.env);
      return value(Column{fn->scalar.get(), scope.env()});
    }
    if (e.kind == Expr::Dynamic) { // dynamic([...]) / dynamic({...}): its JSON, as a dynamic value
      std::string error;
      auto json = constantExprJson(e, [&](const Expr &x) { return cellConstant(x); }, error);
      if (!json)
        fail(e.loc, "dynamic values hold constants: " + error);
      std::vector<std::unique_ptr<ir::Value>> args;
      args.push_back(ir::Value::makeConst(Scalar::makeString(*json)));
      return ir::Value::makeCall("todynamic", std::move(args));
    }
    if (auto k = constant(e)) {
      if (k->type == Literal::DateTime && k->relativeToNow) { // now() + offset, at run time
        std::vector<std::unique_ptr<ir::Value>> args;
        args.push_back(ir::Value::makeCall("now", {}));
        args.push_back(ir::Value::makeTime(RULEC_TIMESPAN, k->value.i));
        return ir::Value::makeCall("$add", std::move(args));
      }
      if (k->type == Literal::DateTime)
        return ir::Value::makeTime(RULEC_DATETIME, k->value.i);
      if (k->type == Literal::TimeSpan)
        return ir::Value::makeTime(RULEC_TIMESPAN, k->value.i);
      return ir::Value::makeConst(k->value);
    }
    if (e.kind == Expr::Member || e.kind == Expr::Index)
      return stepsOnValue(c);
    if (isPredicate(e)) { // a bool value: iff(p, true, false), or null where Kusto's is (nullWhen)
      auto v = std::make_unique<ir::Value>();
      v->kind = ir::Value::Iff;
      Pipeline scope;
      scope.env = c.env;
      v->cond = predicate(e, scope);
      v->args.push_back(ir::Value::makeConst(Scalar::makeBool(true)));
      v->args.push_back(ir::Value::makeConst(Scalar::makeBool(false)));
      if (IrPtr isNull = nullWhen(e, scope)) {
        auto outer = std::make_unique<ir::Value>();
        outer->kind = ir::Value::Iff;
        outer->cond = std::move(isNull);
        outer->args.push_back(ir::Value::makeConst(Scalar::makeNull()));
        outer->args.push_back(std::move(v));
        return outer;
      }
      return v;
    }
    if (e.kind == Expr::Binary) {
      static const std::map<std::string, std::string> kArithmetic = {
          {"+", "$add"}, {"-", "$sub"}, {"*", "$mul"}, {"/", "$div"}, {"%", "$mod"}};
      if (auto it = kArithmetic.find(e.op); it != kArithmetic.end()) {
        std::vector<std::unique_ptr<ir::Value>> args;
        args.push_back(value(Column{e.operands[0].get(), c.env}));
        args.push_back(value(Column{e.operands[1].get(), c.env}));
        return ir::Value::makeCall(it->second, std::move(args));
      }
    }
    if (e.kind == Expr::Name)
      if (auto it = lets_.find(e.name); it != lets_.end() && it->second->scalar) {
        LetExpansion expanding(*this, e.name, e.loc); // a computed scalar let: its expression here
        auto env = letEnvs_.find(it->second); // a function body's let: the function's parameters
        return value(Column{it->second->scalar.get(), env != letEnvs_.end() ? env->second : std::make_shared<Env>()});
      }
    if (e.kind != Expr::Call)
      fail(e.loc, "'" + toString(e) + "' is not a supported value");
    const std::string fn = asciiLower(e.name);
    // extract(re, n, s, typeof(T)), extract_json(path, s, typeof(T)): the text, converted to T.
    if (fn == "extract" && e.operands.size() == 4)
      return convertTo(*e.operands[3], regexFunction(c, fn));
    if ((fn == "extract_json" || fn == "extractjson") && e.operands.size() == 3) {
      std::vector<std::unique_ptr<ir::Value>> args;
      args.push_back(value(Column{e.operands[0].get(), c.env}));
      args.push_back(value(Column{e.operands[1].get(), c.env}));
      return convertTo(*e.operands[2], ir::Value::makeCall("extract_json", std::move(args)));
    }
    if (auto v = regexFunction(c, fn))
      return v;
    if (auto v = rowFunction(c, fn))
      return v;
    if (fn == "split" && (e.operands.size() == 2 || e.operands.size() == 3)) { // the whole array
      std::vector<std::unique_ptr<ir::Value>> args;
      for (const auto &o : e.operands)
        args.push_back(value(Column{o.get(), c.env}));
      if (args.size() == 2)
        return ir::Value::makeCall("split", std::move(args));
      std::vector<std::unique_ptr<ir::Value>> one; // split(s, sep, i): [the i-th piece]
      one.push_back(ir::Value::makeCall("$split_at", std::move(args)));
      return ir::Value::makeCall("pack_array", std::move(one));
    }
    if (fn == "column_ifexists") {
      auto name = e.operands.size() == 2 ? constant(*e.operands[0]) : std::nullopt;
      if (!name || name->type != Literal::String)
        fail(e.loc, "column_ifexists takes a column name (a string constant) and a default value");
      // An event's column exists when the event has it (rows have no schema).
      const uint32_t slot = field({PathStep::makeKey(name->value.s)});
      auto v = std::make_unique<ir::Value>();
      v->kind = ir::Value::Iff;
      v->cond = IrExpr::makeLeaf(Op::Exists, slot, e.loc);
      v->args.push_back(ir::Value::makeSlot(slot));
      v->args.push_back(value(Column{e.operands[1].get(), c.env}));
      return v;
    }
    if ((fn == "parse_json" || fn == "todynamic") && e.operands.size() == 1) {
      std::vector<std::unique_ptr<ir::Value>> args;
      args.push_back(value(Column{e.operands[0].get(), c.env}));
      return ir::Value::makeCall("todynamic", std::move(args));
    }
    if (fn == "column_names_of" && e.operands.size() == 1) {
      // The columns of a let table or function that is a datatable or a print.
      const Expr &arg = *e.operands[0];
      auto let = lets_.find(arg.name);
      const TabularExpr *t = (arg.kind == Expr::Name || arg.kind == Expr::Call) && let != lets_.end()
                                 ? let->second->table.get()
                                 : nullptr;
      const Operator *source = t && t->source.empty() && t->ops.size() == 1 ? &t->ops[0] : nullptr;
      if (!source || (source->name != "datatable" && source->name != "print"))
        fail(arg.loc, "column_names_of takes a let table or function that is a datatable or a print");
      std::vector<std::unique_ptr<ir::Value>> names;
      if (source->name == "datatable")
        for (const std::string &c : source->columns)
          names.push_back(ir::Value::makeConst(Scalar::makeString(c)));
      else
        for (size_t i = 0; i < source->assignments.size(); ++i)
          names.push_back(ir::Value::makeConst(Scalar::makeString(
              !source->assignments[i].name.empty() ? source->assignments[i].name : "print_" + std::to_string(i))));
      return ir::Value::makeCall("pack_array", std::move(names));
    }
    if (fn == "pack_all" && e.operands.size() <= 1) { // the row (its extend is a stage of its own)
      std::vector<std::unique_ptr<ir::Value>> args;
      args.push_back(e.operands.empty() ? ir::Value::makeConst(Scalar::makeBool(false))
                                        : value(Column{e.operands[0].get(), c.env}));
      return ir::Value::makeCall("$pack_all", std::move(args));
    }
    if (fn == "ingestion_time" && e.operands.empty()) {
      // Exported rows carry no ingestion time: the event's TimeGenerated stands for it.
      std::vector<std::unique_ptr<ir::Value>> args;
      args.push_back(ir::Value::makeSlot(field({PathStep::makeKey("TimeGenerated")})));
      return ir::Value::makeCall("todatetime", std::move(args));
    }
    if (fn == "toscalar") {
      if (!e.table)
        fail(e.loc, "toscalar takes a tabular expression");
      std::vector<std::unique_ptr<ir::Value>> args;
      args.push_back(ir::Value::makeConst(Scalar::makeInt(scalarOf(e))));
      return ir::Value::makeCall("$toscalar", std::move(args));
    }
    if (fn == "iff" || fn == "iif") {
      if (e.operands.size() != 3)
        fail(e.loc, e.name + " takes a condition and two values");
      return choice(c, 0);
    }
    if (fn == "case") {
      if (e.operands.size() < 3 || e.operands.size() % 2 == 0)
        fail(e.loc, "case takes condition/value pairs and an else value");
      return choice(c, 0);
    }
    const functions::Function *library = fn.starts_with('$') ? nullptr : functions::find(fn);
    if (library && !e.keys.empty())
      fail(e.loc, "named arguments (name=value) are for let functions; '" + e.name + "' takes its arguments in order");
    if (!library)
      fail(e.loc, "the function '" + e.name + "' is not supported");
    if (e.operands.size() < library->minArgs || e.operands.size() > library->maxArgs)
      fail(e.loc, "wrong number of arguments to " + e.name);
    std::vector<std::unique_ptr<ir::Value>> args;
    for (const auto &o : e.operands)
      args.push_back(value(Column{o.get(), c.env}));
    return ir::Value::makeCall(fn, std::move(args));
  }

  /// `v` converted to the type a `typeof(T)` argument names, by T's to*() function.
  std::unique_ptr<ir::Value> convertTo(const Expr &type, std::unique_ptr<ir::Value> v) {
    static const std::map<std::string, std::string> kConversions = {
        {"bool", "tobool"},       {"boolean", "tobool"},    {"datetime", "todatetime"}, {"date", "todatetime"},
        {"dynamic", "todynamic"}, {"guid", "toguid"},       {"int", "toint"},           {"long", "tolong"},
        {"real", "toreal"},       {"double", "toreal"},     {"string", "tostring"},     {"timespan", "totimespan"},
        {"time", "totimespan"}};
    const bool isTypeof = type.kind == Expr::Call && asciiLower(type.name) == "typeof" && type.operands.size() == 1 &&
                          type.operands[0]->kind == Expr::Name;
    auto it = isTypeof ? kConversions.find(asciiLower(type.operands[0]->name)) : kConversions.end();
    if (it == kConversions.end())
      fail(type.loc, "expected typeof(T) with T one of bool, datetime, dynamic, guid, int, long, real, string, timespan");
    std::vector<std::unique_ptr<ir::Value>> args;
    args.push_back(std::move(v));
    return ir::Value::makeCall(it->second, std::move(args));
  }

  /// The scalar toscalar(T) fills: T's plan, run in batch mode's first pass
  /// (its rules and operators marked firstPass), its first row's first
  /// column the value. One per call expression, however often it is lowered.
  uint32_t scalarOf(const Expr &call) {
    // Both run in the first pass, before any scalar is known.
    if (firstPass_ > 0)
      fail(call.loc, "toscalar() inside a toscalar() sub-query is not supported");
    if (inSet_ > 0)
      fail(call.loc, "toscalar() inside a let-table set is not supported");
    // A call in a let function's body is a sub-query per call of the function.
    const std::pair<const Expr *, const Env *> key{&call, functionEnvs_.empty() ? nullptr : functionEnvs_.back()};
    if (auto it = scalarOfCall_.find(key); it != scalarOfCall_.end())
      return it->second;
    const size_t rules = newRules_.size(), operators = pack_.operators.size();
    ++firstPass_;
    const std::string perRowKey = std::exchange(perRowKey_, std::string()); // not an mv-apply's rows
    Pipeline sub;
    lowerTabular(*call.table, sub);
    perRowKey_ = perRowKey;
    const auto k = static_cast<uint32_t>(pack_.scalars.size());
    pack_.scalars.push_back(placeOf(call.loc));
    ir::Rule out = queryRule(sub, rule_.id + "/toscalar" + std::to_string(k), call.loc);
    out.info.toScalar = static_cast<int32_t>(k);
    newRules_.push_back(std::move(out));
    --firstPass_;
    for (size_t i = rules; i < newRules_.size(); ++i)
      newRules_[i].info.firstPass = true;
    for (size_t i = operators; i < pack_.operators.size(); ++i)
      pack_.operators[i].firstPass = true;
    scalarOfCall_[key] = k;
    return k;
  }

  /// The index of regular expression `pattern` in the pack (checked as RE2 reads it).
  uint32_t regexIndex(const std::string &pattern, const SourceLocation &loc) {
    requireRegex(pattern, loc, "bad regular expression '" + pattern + "': ");
    pack_.regexes.push_back(pattern);
    return static_cast<uint32_t>(pack_.regexes.size() - 1);
  }

  /// extract, extract_all, replace_regex, trim, trim_start, trim_end: their
  /// regex is a string constant the pack compiles; the helper gets its index.
  std::unique_ptr<ir::Value> regexFunction(const Column &c, const std::string &fn) {
    const Expr &e = *c.expr;
    struct Shape {
      size_t regexArg, minArgs, maxArgs;
    };
    static const std::map<std::string, Shape> kShapes = {
        {"extract", {0, 3, 4}},     {"extract_all", {0, 2, 3}}, {"replace_regex", {1, 3, 3}}, {"replace", {0, 3, 3}},
        {"trim", {0, 2, 2}},        {"trim_start", {0, 2, 2}},  {"trim_end", {0, 2, 2}}};
    auto shape = kShapes.find(fn);
    if (shape == kShapes.end())
      return nullptr;
    if (e.operands.size() < shape->second.minArgs || e.operands.size() > shape->second.maxArgs)
      fail(e.loc, "wrong number of arguments to " + e.name);
    const Expr &reArg = *e.operands[shape->second.regexArg];
    auto re = constant(reArg);
    if (!re || re->type != Literal::String)
      fail(reArg.loc, e.name + " takes its regular expression as a string constant");
    auto arg = [&](size_t i) { return value(Column{e.operands[i].get(), c.env}); };
    auto index = [&](const std::string &pattern) {
      return ir::Value::makeConst(Scalar::makeInt(regexIndex(pattern, reArg.loc)));
    };
    std::vector<std::unique_ptr<ir::Value>> args;
    std::string code;
    if (fn == "extract") {
      code = "$extract";
      args.push_back(index(re->value.s));
      args.push_back(arg(1));
      args.push_back(arg(2));
    } else if (fn == "extract_all") {
      code = "$extract_all";
      args.push_back(index(re->value.s));
      args.push_back(arg(e.operands.size() - 1));
      if (e.operands.size() == 3) { // extract_all(re, dynamic([1, 'name']), s): the groups, by number or name
        const re2::RE2 compiled(re->value.s);
        std::string picked;
        for (const Constant &g : constantList({e.operands[1].get()})) {
          int number = -1;
          if (g.type == Literal::Long)
            number = static_cast<int>(g.value.i);
          else if (g.type == Literal::String && compiled.NamedCapturingGroups().count(g.value.s))
            number = compiled.NamedCapturingGroups().at(g.value.s);
          if (number < 0 || number > compiled.NumberOfCapturingGroups())
            fail(e.operands[1]->loc, "extract_all's groups name a group the regular expression does not have");
          picked += (picked.empty() ? "" : ",") + std::to_string(number);
        }
        args.push_back(ir::Value::makeConst(Scalar::makeString(picked)));
      }
    } else if (fn == "replace_regex") {
      code = "$replace_regex";
      args.push_back(arg(0));
      args.push_back(index(re->value.s));
      args.push_back(arg(2));
    } else if (fn == "replace") { // the older spelling: replace(regex, rewrite, text)
      code = "$replace_regex";
      args.push_back(arg(2));
      args.push_back(index(re->value.s));
      args.push_back(arg(1));
    } else { // trim: the regex repeated, anchored at the start and at the end
      code = "$" + fn;
      if (fn != "trim_end")
        args.push_back(index("^(?:" + re->value.s + ")+"));
      if (fn != "trim_start")
        args.push_back(index("(?:" + re->value.s + ")+$"));
      args.push_back(arg(1));
    }
    return ir::Value::makeCall(code, std::move(args));
  }

  /// Whether an expression is a condition (a comparison, a string test,
  /// `in`, `between`, and/or, not(), isempty(), ...) rather than a value.
  bool isPredicate(const Expr &e) const {
    if (e.kind == Expr::In || e.kind == Expr::Between)
      return true;
    if (const LetStmt *fn = scalarFunction(e))
      return isPredicate(*fn->scalar);
    if (e.kind == Expr::Binary)
      return e.op != "+" && e.op != "-" && e.op != "*" && e.op != "/" && e.op != "%";
    if (e.kind == Expr::Call) {
      const std::string fn = asciiLower(e.name);
      return fn == "not" || fn == "isempty" || fn == "isnotempty" || fn == "notempty" || fn == "isnull" ||
             fn == "isnotnull";
    }
    return false;
  }

  /// iff(p, a, b) and case(p1, v1, p2, v2, ..., else) from operand `first` on.
  std::unique_ptr<ir::Value> choice(const Column &c, size_t first) {
    const Expr &e = *c.expr;
    // An event field chosen is copied out of its slot: $own keeps an array's or object's text.
    auto branch = [&](size_t i) {
      std::unique_ptr<ir::Value> v = value(Column{e.operands[i].get(), c.env});
      if (v->kind != ir::Value::Slot)
        return v;
      std::vector<std::unique_ptr<ir::Value>> args;
      args.push_back(std::move(v));
      return ir::Value::makeCall("$own", std::move(args));
    };
    if (first + 1 == e.operands.size())
      return branch(first);
    auto v = std::make_unique<ir::Value>();
    v->kind = ir::Value::Iff;
    Pipeline scope;
    scope.env = c.env;
    v->cond = predicate(*e.operands[first], scope);
    v->args.push_back(branch(first + 1));
    v->args.push_back(choice(c, first + 2));
    return v;
  }

  /// The constant an expression stands for, if it is one.
  std::optional<Constant> constant(const Expr &e) {
    switch (e.kind) {
    case Expr::Literal: return Constant{e.literal.type, e.literal.value, false};
    case Expr::Unary:
      if (e.op == "-")
        if (auto c = constant(*e.operands[0])) {
          if (c->value.kind == Scalar::Int)
            c->value.i = fold('-', 0, c->value.i, e.loc);
          else if (c->value.kind == Scalar::Double)
            c->value.d = -c->value.d;
          return c;
        }
      return std::nullopt;
    case Expr::Name:
      for (size_t k = params_.size(); k-- > 0;)
        if (auto arg = params_[k].find(e.name); arg != params_[k].end()) {
          // A function's parameter: its argument, read in the caller's scope.
          const Expr *value = arg->second;
          std::vector<std::map<std::string, const Expr *>> inner(params_.begin() + static_cast<long>(k), params_.end());
          params_.resize(k);
          auto result = constant(*value);
          params_.insert(params_.end(), inner.begin(), inner.end());
          return result;
        }
      if (auto it = lets_.find(e.name); it != lets_.end() && it->second->scalar && !it->second->function) {
        LetExpansion expanding(*this, e.name, e.loc);
        return constant(*it->second->scalar);
      }
      return std::nullopt;
    case Expr::Call: {
      const std::string fn = asciiLower(e.name);
      if (fn == "now" && e.operands.empty())
        return Constant{Literal::DateTime, Scalar::makeInt(0), true};
      if ((fn == "ago" || fn == "now") && e.operands.size() == 1)
        if (auto span = constant(*e.operands[0]); span && span->type == Literal::TimeSpan)
          return Constant{Literal::DateTime, Scalar::makeInt(fn == "ago" ? fold('-', 0, span->value.i, e.loc) : span->value.i), true};
      return std::nullopt;
    }
    case Expr::Binary:
      return foldArithmetic(e);
    default:
      return std::nullopt;
    }
  }

  /// `x op y` (+ - * /) in 64 bits. An overflow is an error rather than a
  /// wrapped window or constant (UBSan's signed overflow, found by fuzz_kql
  /// with 66666666666666 * 66666666666666).
  int64_t fold(char op, int64_t x, int64_t y, const SourceLocation &loc) {
    int64_t r = 0;
    const bool overflow = op == '+'   ? __builtin_add_overflow(x, y, &r)
                          : op == '-' ? __builtin_sub_overflow(x, y, &r)
                          : op == '*' ? __builtin_mul_overflow(x, y, &r)
                                      : (x == INT64_MIN && y == -1) || ((r = x / y), false);
    if (overflow)
      fail(loc, "the constant " + std::to_string(x) + " " + op + " " + std::to_string(y) +
                    " does not fit in 64 bits");
    return r;
  }

  /// Constant arithmetic Kusto queries use for windows: spans and instants
  /// (ago(timeframe + lookback), ago(2 * timeframe)), and plain numbers.
  std::optional<Constant> foldArithmetic(const Expr &e) {
    if (e.op != "+" && e.op != "-" && e.op != "*" && e.op != "/")
      return std::nullopt;
    auto a = constant(*e.operands[0]), b = constant(*e.operands[1]);
    if (!a || !b)
      return std::nullopt;
    auto isSpan = [](const Constant &k) { return k.type == Literal::TimeSpan; };
    auto isLong = [](const Constant &k) { return k.type == Literal::Long; };
    const char op = e.op[0];
    if (a->type == Literal::DateTime && isSpan(*b) && (op == '+' || op == '-')) {
      a->value.i = fold(op, a->value.i, b->value.i, e.loc);
      return a;
    }
    if (isSpan(*a) && isSpan(*b) && (op == '+' || op == '-'))
      return Constant{Literal::TimeSpan, Scalar::makeInt(fold(op, a->value.i, b->value.i, e.loc)), false};
    if (op == '*' && ((isSpan(*a) && isLong(*b)) || (isLong(*a) && isSpan(*b))))
      return Constant{Literal::TimeSpan, Scalar::makeInt(fold(op, a->value.i, b->value.i, e.loc)), false};
    if (op == '/' && isSpan(*a) && isLong(*b) && b->value.i != 0)
      return Constant{Literal::TimeSpan, Scalar::makeInt(fold(op, a->value.i, b->value.i, e.loc)), false};
    if (isLong(*a) && isLong(*b) && !(op == '/' && b->value.i == 0))
      return Constant{Literal::Long, Scalar::makeInt(fold(op, a->value.i, b->value.i, e.loc)), false};
    return std::nullopt;
  }

  /// The constants of an `in` / `has_any` list; dynamic arrays, pack_array
  /// of constants, and scalar lets holding them are expanded.
  std::vector<Constant> constantList(const std::vector<const Expr *> &items) {
    std::vector<Constant> out;
    for (const Expr *item : items) {
      const Expr *e = item;
      if (e->kind == Expr::Name)
        if (auto it = lets_.find(e->name); it != lets_.end() && it->second->scalar)
          e = it->second->scalar.get();
      const bool packArray = e->kind == Expr::Call && asciiLower(e->name) == "pack_array";
      if (e->kind == Expr::Dynamic || packArray) { // dynamic([...]) or pack_array(constants)
        if (e->dynamicIsObject && !packArray)
          fail(e->loc, "a dynamic object is not a list of values");
        std::vector<const Expr *> inner;
        for (const auto &o : e->operands)
          inner.push_back(o.get());
        auto expanded = constantList(inner);
        out.insert(out.end(), expanded.begin(), expanded.end());
        continue;
      }
      auto c = constant(*e);
      if (!c)
        fail(e->loc, "'" + toString(*e) + "' is not a constant (lists hold literals or scalar lets)");
      out.push_back(*c);
    }
    return out;
  }

  // --- predicates -----------------------------------------------------------

  /// A leaf testing a column: a plain path tests its slot, anything else its
  /// computed value.
  IrPtr leaf(Op op, const Column &c, const SourceLocation &loc) {
    if (auto path = pathOf(c))
      return IrExpr::makeLeaf(op, field(*path), loc);
    IrPtr e = IrExpr::makeLeaf(op, 0, loc);
    e->subject = value(c);
    return e;
  }

  /// String operators compare a column's string form: Kusto reads a missing
  /// or null string column as "", and a dynamic number as its text.
  IrPtr stringLeaf(Op op, const Column &c, std::string text, const SourceLocation &loc) {
    std::unique_ptr<ir::Value> v = value(c);
    const bool isString = v->kind == ir::Value::Call &&
                          (v->fn == "tostring" || v->fn == "tolower" || v->fn == "toupper" ||
                           v->fn == "strcat" || v->fn == "substring");
    if (!isString) {
      std::vector<std::unique_ptr<ir::Value>> args;
      args.push_back(std::move(v));
      v = ir::Value::makeCall("tostring", std::move(args));
    }
    IrPtr e = IrExpr::makeLeaf(op, 0, loc);
    e->subject = std::move(v);
    e->constant = Scalar::makeString(std::move(text));
    return e;
  }

  IrPtr hasLeaf(const Column &c, const std::string &term, uint32_t mode, const SourceLocation &loc) {
    IrPtr e = stringLeaf(Op::Has, c, (mode & RULEC_HAS_CS) ? term : asciiLower(term), loc);
    e->mode = mode;
    return e;
  }

  IrPtr timeLeaf(Op cmp, const Column &c, const Constant &k, const SourceLocation &loc) {
    IrPtr e = leaf(Op::TimeCmp, c, loc);
    e->cmp = cmp;
    e->constant = Scalar::makeInt(k.value.i);
    e->mode = k.relativeToNow ? 1 : 0;
    return e;
  }

  static Op flip(Op op) {
    switch (op) {
    case Op::Lt: return Op::Gt;
    case Op::Le: return Op::Ge;
    case Op::Gt: return Op::Lt;
    case Op::Ge: return Op::Le;
    default: return op;
    }
  }

  /// col <op> constant for ==, !=, <, <=, >, >=.
  IrPtr comparison(const std::string &op, const Column &c, const Constant &k, const SourceLocation &loc) {
    static const std::map<std::string, Op> kOrder = {{"<", Op::Lt}, {"<=", Op::Le}, {">", Op::Gt}, {">=", Op::Ge}};
    const bool isEq = op == "==", isNe = op == "!=" || op == "<>";
    switch (k.type) {
    case Literal::String:
    case Literal::Guid:
      if (isEq || isNe)
        return notIf(isNe, stringLeaf(Op::Eq, c, k.value.s, loc), loc);
      fail(loc, "ordering strings ('" + op + "') is not supported");
    case Literal::DateTime:
      if (isEq || isNe) {
        IrPtr eq = timeLeaf(Op::Eq, c, k, loc);
        if (!isNe)
          return eq;
        std::vector<IrPtr> ops;
        ops.push_back(timeLeaf(Op::Lt, c, k, loc));
        ops.push_back(timeLeaf(Op::Gt, c, k, loc));
        ops.push_back(leaf(Op::IsNull, c, loc)); // null != t is true (Kusto's null values page)
        return IrExpr::makeNary(Op::Or, std::move(ops), loc);
      }
      return timeLeaf(kOrder.at(op), c, k, loc);
    case Literal::Long:
    case Literal::Real:
    case Literal::Bool:
    case Literal::TimeSpan: {
      Scalar v = k.value;
      if (isEq) {
        IrPtr e = leaf(Op::Eq, c, loc);
        e->constant = v;
        return e;
      }
      // A null side: == is false, != is true (Kusto's null values page:
      // "a null value and a non-null value yields bool(true)").
      if (k.type == Literal::Bool) {
        if (!isNe)
          fail(loc, "ordering booleans is not supported");
        std::vector<IrPtr> ops;
        IrPtr other = leaf(Op::Eq, c, loc);
        other->constant = Scalar::makeBool(!v.b);
        ops.push_back(std::move(other));
        ops.push_back(leaf(Op::IsNull, c, loc));
        return IrExpr::makeNary(Op::Or, std::move(ops), loc);
      }
      if (isNe) {
        std::vector<IrPtr> ops; // x < 5 or x > 5 or x is null
        for (Op o : {Op::Lt, Op::Gt}) {
          IrPtr e = leaf(o, c, loc);
          e->constant = v;
          ops.push_back(std::move(e));
        }
        ops.push_back(leaf(Op::IsNull, c, loc));
        return IrExpr::makeNary(Op::Or, std::move(ops), loc);
      }
      IrPtr e = leaf(kOrder.at(op), c, loc);
      e->constant = v;
      return e;
    }
    case Literal::Null: // x == null is false or null; x != null is true for a value, null for null
      if (isNe)
        return IrExpr::makeNot(leaf(Op::IsNull, c, loc), loc);
      return IrExpr::makeConst(false, loc);
    }
    return IrExpr::makeConst(false, loc);
  }

  static IrPtr notIf(bool negate, IrPtr e, const SourceLocation &loc) {
    return negate ? IrExpr::makeNot(std::move(e), loc) : std::move(e);
  }

  /// The set a let-table fills, building its SetBuilder rule on first use.
  uint32_t setOf(const std::string &name, const TabularExpr *inlineTable, const SourceLocation &loc) {
    if (firstPass_ > 0) // sets fill in the same first pass as toscalar()'s sub-query runs
      fail(loc, "a let-table set inside a toscalar() sub-query is not supported");
    const TabularExpr *t = inlineTable;
    std::string setName = name;
    if (!t) {
      auto it = lets_.find(name);
      if (it == lets_.end() || !it->second->table)
        fail(loc, "'" + name + "' is not a tabular let");
      if (auto s = setOfLet_.find(name); s != setOfLet_.end())
        return s->second;
      t = it->second->table.get();
    }
    ++inSet_; // until the set's rule is built: its expressions run in the first pass too
    struct Leave {
      int &n;
      ~Leave() { --n; }
    } leaveSet{inSet_};
    Pipeline p;
    {
      LetExpansion expanding(*this, name, loc);
      lowerTabular(*t, p);
    }
    if (p.wholeEvent && p.output.empty())
      if (auto rows = rowColumns_.find(p.env.get()); rows != rowColumns_.end() && rows->second.size() == 1) {
        // Rows of one column (a datatable, a range): that column.
        Expr &only = synthesized_.emplace_back();
        only.kind = Expr::Name;
        only.name = *rows->second.begin();
        only.loc = t->loc;
        p.output.emplace_back(only.name, Column{&only, p.env});
        p.wholeEvent = false;
      }
    if (p.wholeEvent || p.output.size() != 1)
      fail(t->loc, "a table used as a set must have exactly one column (end it with distinct or project)");
    const uint32_t set = static_cast<uint32_t>(pack_.sets.size());
    if (setName.empty())
      setName = rule_.id + "#" + std::to_string(set);
    pack_.sets.push_back({setName, p.retention});
    ir::Rule builder;
    builder.loc = t->loc;
    builder.info.kind = RuleKind::SetBuilder;
    builder.info.id = rule_.id + "/" + setName;
    builder.info.sourceFile = rule_.loc.file ? *rule_.loc.file : "";
    builder.info.logTypes = {pack_.internLogType(p.table)};
    builder.info.set = set;
    addColumn(builder, p.output[0].first, p.output[0].second);
    builder.predicate = conjunction(std::move(p.conjuncts), t->loc);
    newRules_.push_back(std::move(builder));
    if (!name.empty())
      setOfLet_[name] = set;
    return set;
  }

  /// Whether an `in` / `has_any` operand names a table rather than values.
  const TabularExpr *tableOperand(const Expr &e, std::string &letName) {
    if (e.table)
      return e.table.get();
    if (e.operands.size() == 2 && e.operands[1]->kind == Expr::Name)
      if (auto it = lets_.find(e.operands[1]->name); it != lets_.end() && it->second->table) {
        letName = e.operands[1]->name;
        return it->second->table.get();
      }
    return nullptr;
  }

  IrPtr membership(const Expr &e, const Pipeline &p) {
    const std::string op = asciiLower(e.op);
    const Column c = column(*e.operands[0], p);
    std::string letName;
    if (const TabularExpr *t = tableOperand(e, letName)) {
      uint32_t mode = op == "has_any" ? RULEC_SET_HAS_ANY : (op == "in~" || op == "!in~") ? RULEC_SET_EQ_FOLD : RULEC_SET_EQ;
      if (op == "has_all")
        fail(e.loc, "has_all with a table is not supported");
      IrPtr leafExpr = stringLeaf(Op::InSet, c, "", e.loc);
      leafExpr->index = setOf(letName, letName.empty() ? t : nullptr, e.loc);
      leafExpr->mode = mode;
      return notIf(op[0] == '!', std::move(leafExpr), e.loc);
    }
    std::vector<const Expr *> items;
    for (size_t i = 1; i < e.operands.size(); ++i)
      items.push_back(e.operands[i].get());
    std::vector<IrPtr> ops;
    for (const Constant &k : constantList(items)) {
      if (op == "has_any" || op == "has_all") {
        if (k.type != Literal::String)
          fail(e.loc, op + " takes strings");
        ops.push_back(hasLeaf(c, k.value.s, 0, e.loc));
      } else if (op == "in~" || op == "!in~") {
        if (k.type != Literal::String)
          fail(e.loc, op + " takes strings");
        ops.push_back(stringLeaf(Op::EqFold, c, asciiLower(k.value.s), e.loc));
      } else {
        ops.push_back(comparison("==", c, k, e.loc));
      }
    }
    if (ops.empty())
      return IrExpr::makeConst(op == "has_all" || op[0] == '!', e.loc);
    IrPtr any = IrExpr::makeNary(op == "has_all" ? Op::And : Op::Or, std::move(ops), e.loc);
    return notIf(op[0] == '!', std::move(any), e.loc);
  }

  IrPtr stringOperator(const std::string &op, const Column &c, const Constant &k, const SourceLocation &loc) {
    if (k.type != Literal::String)
      fail(loc, "'" + op + "' takes a string");
    const bool negate = op[0] == '!';
    const std::string base = negate ? op.substr(1) : op;
    const bool cs = base.size() > 3 && base.compare(base.size() - 3, 3, "_cs") == 0;
    const std::string name = cs ? base.substr(0, base.size() - 3) : base;
    IrPtr e;
    if (name == "has" || name == "hasprefix" || name == "hassuffix") {
      uint32_t mode = (cs ? RULEC_HAS_CS : 0) | (name == "hasprefix" ? RULEC_HAS_PREFIX : 0) |
                      (name == "hassuffix" ? RULEC_HAS_SUFFIX : 0);
      e = hasLeaf(c, k.value.s, mode, loc);
    } else if (name == "contains") {
      e = stringLeaf(cs ? Op::Contains : Op::ContainsFold, c, cs ? k.value.s : asciiLower(k.value.s), loc);
    } else if (name == "startswith") {
      e = stringLeaf(cs ? Op::StartsWith : Op::StartsWithFold, c, cs ? k.value.s : asciiLower(k.value.s), loc);
    } else if (name == "endswith") {
      e = stringLeaf(cs ? Op::EndsWith : Op::EndsWithFold, c, cs ? k.value.s : asciiLower(k.value.s), loc);
    } else if (name == "=~" || name == "~") {
      e = stringLeaf(Op::EqFold, c, asciiLower(k.value.s), loc);
    } else if (name == "matches regex") {
      requireRegex(k.value.s, loc, "bad regular expression '" + k.value.s + "': ");
      e = stringLeaf(Op::Regex, c, "", loc);
      e->index = static_cast<uint32_t>(pack_.regexes.size());
      pack_.regexes.push_back(k.value.s);
    } else {
      fail(loc, "the operator '" + op + "' is not supported");
    }
    return notIf(negate, std::move(e), loc);
  }

  IrPtr predicate(const Expr &e, const Pipeline &p) {
    switch (e.kind) {
    case Expr::Binary: {
      const std::string op = asciiLower(e.op);
      if (op == "and" || op == "or") {
        std::vector<IrPtr> ops;
        ops.push_back(predicate(*e.operands[0], p));
        ops.push_back(predicate(*e.operands[1], p));
        return IrExpr::makeNary(op == "and" ? Op::And : Op::Or, std::move(ops), e.loc);
      }
      const Expr *lhs = e.operands[0].get(), *rhs = e.operands[1].get();
      const bool ordering = op == "==" || op == "!=" || op == "<>" || op == "<" || op == "<=" || op == ">" || op == ">=";
      if (ordering && constant(*lhs) && !constant(*rhs)) {
        std::swap(lhs, rhs); // 5 < x  is  x > 5
        static const std::map<std::string, std::string> flipped = {{"<", ">"}, {"<=", ">="}, {">", "<"}, {">=", "<="}};
        return comparisonOrFail(flipped.count(op) ? flipped.at(op) : op, *lhs, *rhs, p, e.loc);
      }
      if (ordering || op == "=~" || op == "!~")
        return comparisonOrFail(op, *lhs, *rhs, p, e.loc);
      auto k = constant(*rhs);
      if (!k)
        return columnsCompared(op, column(*lhs, p), column(*rhs, p), e.loc);
      return stringOperator(op, column(*lhs, p), *k, e.loc);
    }
    case Expr::In: return membership(e, p);
    case Expr::Between: {
      const Column c = column(*e.operands[0], p);
      auto lo = constant(*e.operands[1]), hi = constant(*e.operands[2]);
      if (!lo || !hi)
        fail(e.loc, "between takes constant bounds");
      std::vector<IrPtr> ops;
      ops.push_back(comparison(">=", c, *lo, e.loc));
      ops.push_back(comparison("<=", c, *hi, e.loc));
      return notIf(asciiLower(e.op) == "!between", IrExpr::makeNary(Op::And, std::move(ops), e.loc), e.loc);
    }
    case Expr::Call: {
      if (const LetStmt *user = scalarFunction(e)) {
        FunctionScope scope(*this, *user, e, p.env);
        Pipeline body;
        body.env = scope.env();
        return predicate(*user->scalar, body);
      }
      const std::string fn = asciiLower(e.name);
      if (fn == "not" && e.operands.size() == 1)
        return IrExpr::makeNot(predicate(*e.operands[0], p), e.loc);
      if ((fn == "isempty" || fn == "isnotempty" || fn == "notempty") && e.operands.size() == 1) {
        // Kusto: empty is null or "" (an empty array is not empty).
        const Column c = column(*e.operands[0], p);
        std::vector<IrPtr> ops;
        ops.push_back(leaf(Op::IsNull, c, e.loc));
        IrPtr blank = leaf(Op::Eq, c, e.loc);
        blank->constant = Scalar::makeString("");
        ops.push_back(std::move(blank));
        return notIf(fn != "isempty", IrExpr::makeNary(Op::Or, std::move(ops), e.loc), e.loc);
      }
      if ((fn == "isnull" || fn == "isnotnull") && e.operands.size() == 1)
        return notIf(fn == "isnotnull", leaf(Op::IsNull, column(*e.operands[0], p), e.loc), e.loc);
      // With another argument count these fell through to "a computed bool"
      // below, whose value() is this predicate again: endless recursion (a
      // stack overflow found by fuzz_kql with `not(a, b)`).
      if (isPredicate(e))
        fail(e.loc, "'" + e.name + "' takes one argument, not " + std::to_string(e.operands.size()));
      break; // a computed bool, below
    }
    case Expr::Literal:
      if (e.literal.type == Literal::Bool)
        return IrExpr::makeConst(e.literal.value.b, e.loc);
      if (e.literal.type == Literal::Null) // bool(null): a null condition does not hold
        return IrExpr::makeConst(false, e.loc);
      break;
    default:
      break;
    }
    if (!constant(e)) { // a bool column or value as a predicate
      IrPtr l = leaf(Op::Eq, column(e, p), e.loc);
      l->constant = Scalar::makeBool(true);
      return l;
    }
    fail(e.loc, "'" + toString(e) + "' is not a supported predicate");
  }

  /// When a condition's value is null in Kusto's three-valued logic (null
  /// when it never is): an ordering (<, <=, >, >=) with a null side; == and
  /// != with two null sides (a null and a value give false and true: the
  /// null values page); `and`/`or` with a null side and no side that
  /// decides (false for and, true for or); not() of null; a bool column that
  /// is null. Only a bool *value* needs this: `where` drops null and false
  /// alike, which predicate() already does.
  IrPtr nullWhen(const Expr &e, const Pipeline &p) {
    const SourceLocation &loc = e.loc;
    auto isNullOf = [&](const Expr &x) -> IrPtr {
      if (auto k = constant(x))
        return k->type == Literal::Null ? IrExpr::makeConst(true, loc) : nullptr;
      return leaf(Op::IsNull, column(x, p), loc);
    };
    auto nary = [&](Op op, IrPtr a, IrPtr b) -> IrPtr {
      if (!a || !b)
        return a ? std::move(a) : std::move(b);
      std::vector<IrPtr> ops;
      ops.push_back(std::move(a));
      ops.push_back(std::move(b));
      return IrExpr::makeNary(op, std::move(ops), loc);
    };
    switch (e.kind) {
    case Expr::Binary: {
      const std::string op = asciiLower(e.op);
      if (op == "and" || op == "or") {
        IrPtr na = nullWhen(*e.operands[0], p), nb = nullWhen(*e.operands[1], p);
        if (!na && !nb)
          return nullptr;
        // A side decides when it is not null and is false (and) or true (or).
        auto decides = [&](const Expr &side) {
          IrPtr holds = predicate(side, p);
          IrPtr value = op == "and" ? IrExpr::makeNot(std::move(holds), loc) : std::move(holds);
          IrPtr null = nullWhen(side, p);
          return null ? nary(Op::And, IrExpr::makeNot(std::move(null), loc), std::move(value)) : std::move(value);
        };
        IrPtr none = nary(Op::And, IrExpr::makeNot(decides(*e.operands[0]), loc), IrExpr::makeNot(decides(*e.operands[1]), loc));
        return nary(Op::And, nary(Op::Or, std::move(na), std::move(nb)), std::move(none));
      }
      const bool equality = op == "==" || op == "!=" || op == "<>";
      const bool ordering = op == "<" || op == "<=" || op == ">" || op == ">=";
      if (!equality && !ordering)
        return nullptr; // string operators: a null string is ""
      const Expr &lhs = *e.operands[0], &rhs = *e.operands[1];
      for (const Expr *side : {&lhs, &rhs})
        if (auto k = constant(*side); k && (k->type == Literal::String || k->type == Literal::Guid))
          return nullptr; // a string comparison: never null
      IrPtr a = isNullOf(lhs), b = isNullOf(rhs);
      if (equality) // null only when both sides are
        return a && b ? nary(Op::And, std::move(a), std::move(b)) : nullptr;
      return nary(Op::Or, std::move(a), std::move(b));
    }
    case Expr::Call: {
      const std::string fn = asciiLower(e.name);
      if (fn == "not" && e.operands.size() == 1)
        return nullWhen(*e.operands[0], p);
      if (scalarFunction(e) || isPredicate(e))
        return nullptr;
      return isNullOf(e); // a computed bool
    }
    case Expr::Name:
    case Expr::Member:
    case Expr::Index:
      return isNullOf(e); // a bool column
    default:
      return nullptr;
    }
  }

  IrPtr comparisonOrFail(const std::string &op, const Expr &lhs, const Expr &rhs, const Pipeline &p,
                         const SourceLocation &loc) {
    auto k = constant(rhs);
    if (!k)
      return columnsCompared(op, column(lhs, p), column(rhs, p), loc);
    if (op == "=~" || op == "!~")
      return stringOperator(op, column(lhs, p), *k, loc);
    return comparison(op, column(lhs, p), *k, loc);
  }

  /// Two columns compared (x > y, a == b, s has t, ...): the runtime
  /// compares the two values; a null side makes every comparison false but
  /// `!=`, as Kusto's null semantics say.
  IrPtr columnsCompared(const std::string &op, const Column &a, const Column &b, const SourceLocation &loc) {
    static const std::map<std::string, std::pair<Op, bool>> kOps = {
        {"==", {Op::Eq, false}}, {"!=", {Op::Eq, true}}, {"<>", {Op::Eq, true}},
        {"=~", {Op::EqFold, false}}, {"!~", {Op::EqFold, true}},
        {"<", {Op::Lt, false}}, {"<=", {Op::Le, false}}, {">", {Op::Gt, false}}, {">=", {Op::Ge, false}},
        {"contains", {Op::ContainsFold, false}}, {"!contains", {Op::ContainsFold, true}},
        {"contains_cs", {Op::Contains, false}}, {"!contains_cs", {Op::Contains, true}},
        {"startswith", {Op::StartsWithFold, false}}, {"!startswith", {Op::StartsWithFold, true}},
        {"startswith_cs", {Op::StartsWith, false}}, {"endswith", {Op::EndsWithFold, false}},
        {"!endswith", {Op::EndsWithFold, true}}, {"endswith_cs", {Op::EndsWith, false}},
    };
    auto it = kOps.find(op);
    if (it == kOps.end())
      fail(loc, "'" + op + "' between two columns is not supported (its right side must be a constant)");
    IrPtr cmp = IrExpr::makeLeaf(Op::FieldCompare, 0, loc);
    cmp->subject = value(a);
    cmp->subject2 = value(b);
    cmp->cmp = it->second.first;
    if (!it->second.second)
      return cmp;
    // x != y: not equal, a null and a value included (true: Kusto's null
    // values page), two nulls not (null, which where drops).
    std::vector<IrPtr> both;
    both.push_back(leaf(Op::IsNull, a, loc));
    both.push_back(leaf(Op::IsNull, b, loc));
    std::vector<IrPtr> ops;
    ops.push_back(IrExpr::makeNot(IrExpr::makeNary(Op::And, std::move(both), loc), loc));
    ops.push_back(IrExpr::makeNot(std::move(cmp), loc));
    return IrExpr::makeNary(Op::And, std::move(ops), loc);
  }

  const sentinel::Rule &rule_;
  ir::Pack &pack_;
  std::map<std::string, const LetStmt *> lets_;
  /// Column sets after a project or distinct: only their names exist.
  std::set<const Env *> restricted_;
  /// The parameters of the let functions being expanded, innermost last.
  std::vector<std::map<std::string, const Expr *>> params_;
  static constexpr int kMaxFunctionDepth = 64;
  static constexpr int kMaxFunctionExpansions = 10000;
  int functionDepth_ = 0;
  int functionExpansions_ = 0;
  /// The envs restricted_ and rowColumns_ name, kept alive: a freed one's
  /// address, reused by a new env, made that one restricted too.
  std::vector<std::shared_ptr<const Env>> envs_;
  uint32_t sources_ = 0; ///< datatable/print/range sources lowered so far
  uint32_t flushSteps_ = 0; ///< summarize and operator stages so far: their plan order
  uint32_t stages_ = 0;     ///< stage rules so far (for their ids)
  int64_t longestAgo_ = 0;  ///< the largest X of the query's `> ago(X)` wheres
  std::deque<Expr> synthesized_; ///< expressions lowering makes up (a one-column table's column)
  std::deque<Operator> synthesizedOps_; ///< operators it makes up (count's summarize)
  /// parse's columns, by the synthesized expression that stands for each.
  std::map<const Expr *, ParsedColumn> parsed_;
  std::set<const Expr *> rowIds_;  ///< synthesized calls of $row_id (mv-apply's per-row sub-queries)
  std::string perRowKey_;          ///< while lowering such a sub-query: the row id column its sorts split by
  /// Column sets right after a summarize: the names of its rows, which later
  /// operators read as fields of the row.
  std::map<const Env *, std::set<std::string>> rowColumns_;
  int unnamedColumns_ = 0; ///< Column1, Column2, ... of the current operator
  unsigned summarizes_ = 0;
  std::map<std::string, uint32_t> setOfLet_;
  std::map<const LetStmt *, std::shared_ptr<const Env>> letEnvs_; ///< lets of function bodies: their env
  /// toscalar() calls lowered so far, by call and the let-function call they are in.
  std::map<std::pair<const Expr *, const Env *>, uint32_t> scalarOfCall_;
  std::vector<const Env *> functionEnvs_; ///< the let-function calls being lowered (FunctionScope)
  int inSet_ = 0; ///< lowering a let-table set's pipeline
  int firstPass_ = 0; ///< lowering a toscalar() sub-query
  std::set<std::string> expanding_; ///< lets being expanded (LetExpansion)
};

} // namespace

bool lowerQuery(const sentinel::Rule &rule, ir::Pack &pack, DiagnosticEngine &diags, int64_t *window) {
  const size_t fields = pack.fields.size(), sets = pack.sets.size(), regexes = pack.regexes.size(),
               scalars = pack.scalars.size();
  const size_t logTypes = pack.logTypes.size(), sources = pack.sources.size(), operators = pack.operators.size();
  Lowering lowering(rule, pack);
  try {
    lowering.run();
  } catch (const Unsupported &u) {
    diags.error(u.code, u.loc, u.message);
    pack.fields.resize(fields); // KQL interns top-level fields only
    pack.sets.resize(sets);
    pack.scalars.resize(scalars);
    pack.regexes.resize(regexes);
    pack.logTypes.resize(logTypes);
    pack.sources.resize(sources); // they name log types just dropped
    pack.operators.resize(operators);
    return false;
  }
  // Set builders first: in streaming mode an event fills sets before the
  // queries that read them run; summarize stages before the rules that read
  // their rows.
  for (ir::Rule &r : lowering.newRules_)
    if (r.info.kind == RuleKind::SetBuilder)
      pack.rules.push_back(std::move(r));
  for (RuleKind kind : {RuleKind::Aggregate, RuleKind::Query})
    for (ir::Rule &r : lowering.newRules_)
      if (r.info.kind == kind)
        pack.rules.push_back(std::move(r));
  if (window)
    *window = lowering.window_;
  return true;
}

} // namespace rulec::kql
