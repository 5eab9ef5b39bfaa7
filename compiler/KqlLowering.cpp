//===- KqlLowering.cpp ----------------------------------------------------===//
#include "KqlLowering.h"

#include "rulec/abi.h"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>

namespace rulec::kql {

namespace {

using ir::Op;
using IrExpr = ir::Expr;
using IrPtr = std::unique_ptr<ir::Expr>;

std::string lower(std::string s) {
  for (char &c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

/// A column of the pipeline: a path into the event, read through Kusto
/// conversions (tostring, tolower, toupper).
struct Column {
  std::vector<PathStep> path;
  std::vector<uint32_t> converts;
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
  std::map<std::string, Column> env;      ///< named columns (aliases and projections)
  bool restricted = false;                ///< after project/distinct only `env` names exist
  std::vector<std::pair<std::string, Column>> output; ///< the row's columns, when not the whole event
  bool wholeEvent = true;
  bool distinct = false;
  int64_t take = -1;
  int64_t retention = 0; ///< from `where TimeGenerated > ago(X)`
  bool sealed = false;   ///< after take: later operators would change meaning
};

struct Unsupported {
  SourceLocation loc;
  std::string message;
};

class Lowering {
public:
  Lowering(const sentinel::Rule &rule, ir::Pack &pack) : rule_(rule), pack_(pack) {}

  /// Throws Unsupported at the first construct rulec does not compile.
  void run() {
    for (const LetStmt &let : rule_.query->lets) {
      if (let.function)
        fail(let.loc, "let functions ('" + let.name + "') are not supported");
      lets_[let.name] = &let;
    }
    Pipeline main;
    lowerTabular(*rule_.query->body, main);
    ir::Rule out;
    out.loc = rule_.loc;
    out.info.kind = RuleKind::Query;
    out.info.id = rule_.id;
    out.info.displayName = rule_.name;
    out.info.severity = rule_.severity;
    out.info.sourceFile = rule_.loc.file ? *rule_.loc.file : "";
    out.info.logTypes = {pack_.internLogType(main.table)};
    out.info.distinct = main.distinct;
    out.info.take = main.take;
    out.info.wholeEvent = main.wholeEvent;
    for (const auto &[name, col] : main.output)
      out.info.columns.push_back({name, field(col.path), col.converts});
    out.predicate = conjunction(std::move(main.conjuncts), rule_.loc);
    newRules_.push_back(std::move(out));
  }

  std::vector<ir::Rule> newRules_;

private:
  [[noreturn]] void fail(const SourceLocation &loc, std::string message) {
    throw Unsupported{loc, std::move(message)};
  }

  uint32_t field(const std::vector<PathStep> &path) {
    return pack_.internField({}, path, KeyMatch::Exact);
  }

  static IrPtr conjunction(std::vector<IrPtr> ops, const SourceLocation &loc) {
    if (ops.empty())
      return IrExpr::makeConst(true, loc);
    return IrExpr::makeNary(Op::And, std::move(ops), loc);
  }

  // --- tabular operators ---------------------------------------------------

  void lowerTabular(const TabularExpr &t, Pipeline &p) {
    if (auto it = lets_.find(t.source); it != lets_.end()) {
      if (!it->second->table)
        fail(t.loc, "'" + t.source + "' is a scalar let, not a table");
      lowerTabular(*it->second->table, p); // a let table as a source: inline its pipeline
    } else {
      p.table = t.source;
      p.tableLoc = t.loc;
    }
    for (const Operator &op : t.ops)
      lowerOperator(op, p);
  }

  void lowerOperator(const Operator &op, Pipeline &p) {
    if (op.generic)
      fail(op.loc, "the '" + op.name + "' operator is not supported");
    if (p.sealed && op.name != "project" && op.name != "take" && op.name != "limit")
      fail(op.loc, "'" + op.name + "' after take/limit is not supported");
    if (op.name == "where") {
      noteRetention(*op.predicate, p);
      p.conjuncts.push_back(predicate(*op.predicate, p));
    } else if (op.name == "extend") {
      for (const Assignment &a : op.assignments) {
        const std::string name = a.name.empty() ? defaultName(*a.value) : a.name;
        Column col = column(*a.value, p);
        p.env[name] = col;
        setOutput(p, name, col);
      }
    } else if (op.name == "project") {
      std::vector<std::pair<std::string, Column>> out;
      std::map<std::string, Column> env;
      for (const Assignment &a : op.assignments) {
        const std::string name = a.name.empty() ? defaultName(*a.value) : a.name;
        Column col = column(*a.value, p);
        env[name] = col;
        out.emplace_back(name, col);
      }
      p.env = std::move(env);
      p.output = std::move(out);
      p.restricted = true;
      p.wholeEvent = false;
    } else if (op.name == "project-away") {
      if (p.wholeEvent)
        fail(op.loc, "project-away before a project is not supported (the row is the whole event)");
      for (const std::string &c : op.columns) {
        p.env.erase(c);
        p.output.erase(std::remove_if(p.output.begin(), p.output.end(), [&](auto &o) { return o.first == c; }),
                       p.output.end());
      }
    } else if (op.name == "project-rename") {
      for (const Assignment &a : op.assignments) {
        Column col = column(*a.value, p);
        p.env[a.name] = col;
        if (a.value->kind == Expr::Name)
          p.env.erase(a.value->name);
        bool renamed = false;
        for (auto &o : p.output)
          if (a.value->kind == Expr::Name && o.first == a.value->name) {
            o.first = a.name;
            renamed = true;
          }
        if (!renamed)
          setOutput(p, a.name, col);
      }
    } else if (op.name == "distinct") {
      std::vector<std::pair<std::string, Column>> out;
      std::map<std::string, Column> env;
      for (const Assignment &a : op.by) {
        if (a.value->kind == Expr::Star)
          fail(a.value->loc, "distinct * is not supported");
        const std::string name = a.name.empty() ? defaultName(*a.value) : a.name;
        Column col = column(*a.value, p);
        env[name] = col;
        out.emplace_back(name, col);
      }
      p.env = std::move(env);
      p.output = std::move(out);
      p.restricted = true;
      p.wholeEvent = false;
      p.distinct = true;
    } else if (op.name == "take" || op.name == "limit") {
      p.take = p.take < 0 ? op.count : std::min(p.take, op.count);
      p.sealed = true;
    } else {
      fail(op.loc, "the '" + op.name + "' operator is not supported");
    }
  }

  static void setOutput(Pipeline &p, const std::string &name, const Column &col) {
    for (auto &o : p.output)
      if (o.first == name) {
        o.second = col;
        return;
      }
    p.output.emplace_back(name, col);
  }

  /// Kusto's column name for an unnamed expression: the column, or the last
  /// member of a path.
  std::string defaultName(const Expr &e) {
    if (e.kind == Expr::Name || e.kind == Expr::Member)
      return e.name;
    if (e.kind == Expr::Call && e.operands.size() == 1)
      return defaultName(*e.operands[0]);
    fail(e.loc, "an unnamed computed column ('" + toString(e) + "') is not supported; name it");
  }

  /// A where on TimeGenerated > ago(X) bounds how long a let-table's set
  /// keeps a member in streaming mode.
  void noteRetention(const Expr &e, Pipeline &p) {
    if (e.kind == Expr::Binary && lower(e.op) == "and") {
      noteRetention(*e.operands[0], p);
      noteRetention(*e.operands[1], p);
      return;
    }
    if (e.kind == Expr::Binary && (e.op == ">" || e.op == ">=") && e.operands[1]->kind == Expr::Call &&
        lower(e.operands[1]->name) == "ago" && e.operands[1]->operands.size() == 1 &&
        e.operands[1]->operands[0]->kind == Expr::Literal &&
        e.operands[1]->operands[0]->literal.type == Literal::TimeSpan)
      p.retention = std::max(p.retention, e.operands[1]->operands[0]->literal.value.i);
  }

  // --- columns and constants ------------------------------------------------

  /// The column a path expression names, or fail.
  Column column(const Expr &e, const Pipeline &p) {
    switch (e.kind) {
    case Expr::Name: {
      if (auto it = p.env.find(e.name); it != p.env.end())
        return it->second;
      if (p.restricted)
        fail(e.loc, "column '" + e.name + "' is not in the rows at this point (after project or distinct)");
      if (lets_.count(e.name))
        fail(e.loc, "'" + e.name + "' is a let name, not a column");
      return Column{{PathStep::makeKey(e.name)}, {}};
    }
    case Expr::Member: {
      Column base = column(*e.operands[0], p);
      if (!base.converts.empty())
        fail(e.loc, "member access on a converted value is not supported");
      base.path.push_back(PathStep::makeKey(e.name));
      return base;
    }
    case Expr::Index: {
      Column base = column(*e.operands[0], p);
      if (!base.converts.empty())
        fail(e.loc, "indexing a converted value is not supported");
      const Expr &index = *e.operands[1];
      if (index.kind == Expr::Literal && index.literal.type == Literal::String)
        base.path.push_back(PathStep::makeKey(index.literal.value.s));
      else if (index.kind == Expr::Literal && index.literal.type == Literal::Long)
        base.path.push_back(PathStep::makeIndex(index.literal.value.i));
      else if (index.kind == Expr::Unary && index.op == "-" && index.operands[0]->kind == Expr::Literal &&
               index.operands[0]->literal.type == Literal::Long)
        base.path.push_back(PathStep::makeIndex(-index.operands[0]->literal.value.i));
      else
        fail(index.loc, "an index must be a string or integer literal");
      return base;
    }
    case Expr::Call: {
      const std::string fn = lower(e.name);
      if (e.operands.size() == 1 && (fn == "parse_json" || fn == "todynamic"))
        return column(*e.operands[0], p); // a JSON event column already is dynamic (docs/kql.md)
      if (e.operands.size() == 1 && (fn == "tostring" || fn == "tolower" || fn == "toupper")) {
        Column c = column(*e.operands[0], p);
        c.converts.push_back(fn == "tostring" ? RULEC_FN_TOSTRING
                             : fn == "tolower" ? RULEC_FN_TOLOWER
                                               : RULEC_FN_TOUPPER);
        return c;
      }
      fail(e.loc, "the function '" + e.name + "' is not supported here");
    }
    default:
      fail(e.loc, "'" + toString(e) + "' is not a column or a path into the event");
    }
  }

  bool isColumn(const Expr &e, const Pipeline &p) {
    switch (e.kind) {
    case Expr::Name: return p.env.count(e.name) || !lets_.count(e.name);
    case Expr::Member: case Expr::Index: return true;
    case Expr::Call: {
      const std::string fn = lower(e.name);
      return e.operands.size() == 1 && (fn == "tostring" || fn == "tolower" || fn == "toupper" ||
                                        fn == "parse_json" || fn == "todynamic");
    }
    default: return false;
    }
  }

  /// The constant an expression stands for, if it is one.
  std::optional<Constant> constant(const Expr &e) {
    switch (e.kind) {
    case Expr::Literal: return Constant{e.literal.type, e.literal.value, false};
    case Expr::Unary:
      if (e.op == "-")
        if (auto c = constant(*e.operands[0])) {
          if (c->value.kind == Scalar::Int)
            c->value.i = -c->value.i;
          else if (c->value.kind == Scalar::Double)
            c->value.d = -c->value.d;
          return c;
        }
      return std::nullopt;
    case Expr::Name:
      if (auto it = lets_.find(e.name); it != lets_.end() && it->second->scalar)
        return constant(*it->second->scalar);
      return std::nullopt;
    case Expr::Call: {
      const std::string fn = lower(e.name);
      if (fn == "now" && e.operands.empty())
        return Constant{Literal::DateTime, Scalar::makeInt(0), true};
      if ((fn == "ago" || fn == "now") && e.operands.size() == 1)
        if (auto span = constant(*e.operands[0]); span && span->type == Literal::TimeSpan)
          return Constant{Literal::DateTime, Scalar::makeInt(fn == "ago" ? -span->value.i : span->value.i), true};
      return std::nullopt;
    }
    case Expr::Binary:
      if (e.op == "+" || e.op == "-") {
        auto a = constant(*e.operands[0]), b = constant(*e.operands[1]);
        if (a && b && a->type == Literal::DateTime && b->type == Literal::TimeSpan) {
          a->value.i += e.op == "+" ? b->value.i : -b->value.i;
          return a;
        }
      }
      return std::nullopt;
    default:
      return std::nullopt;
    }
  }

  /// The constants of an `in` / `has_any` list; dynamic arrays and scalar
  /// lets holding them are expanded.
  std::vector<Constant> constantList(const std::vector<const Expr *> &items) {
    std::vector<Constant> out;
    for (const Expr *item : items) {
      const Expr *e = item;
      if (e->kind == Expr::Name)
        if (auto it = lets_.find(e->name); it != lets_.end() && it->second->scalar)
          e = it->second->scalar.get();
      if (e->kind == Expr::Dynamic) {
        if (e->dynamicIsObject)
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

  IrPtr leaf(Op op, const Column &c, const SourceLocation &loc) {
    IrPtr e = IrExpr::makeLeaf(op, field(c.path), loc);
    e->converts = c.converts;
    return e;
  }

  /// String operators compare a column's string form: Kusto reads a missing
  /// or null string column as "", and a dynamic number as its text.
  IrPtr stringLeaf(Op op, Column c, std::string text, const SourceLocation &loc) {
    if (c.converts.empty() || c.converts.back() != RULEC_FN_TOSTRING)
      c.converts.push_back(RULEC_FN_TOSTRING);
    IrPtr e = leaf(op, c, loc);
    e->constant = Scalar::makeString(std::move(text));
    return e;
  }

  IrPtr hasLeaf(const Column &c, const std::string &term, uint32_t mode, const SourceLocation &loc) {
    IrPtr e = stringLeaf(Op::Has, c, (mode & RULEC_HAS_CS) ? term : lower(term), loc);
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
        return IrExpr::makeNary(Op::Or, std::move(ops), loc); // null != t is null: false
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
      if (k.type == Literal::Bool) {
        if (!isNe)
          fail(loc, "ordering booleans is not supported");
        IrPtr e = leaf(Op::Eq, c, loc);
        e->constant = Scalar::makeBool(!v.b); // null != true is null: false, so test the other bool
        return e;
      }
      if (isNe) {
        std::vector<IrPtr> ops; // null != 5 is null (false): x < 5 or x > 5
        for (Op o : {Op::Lt, Op::Gt}) {
          IrPtr e = leaf(o, c, loc);
          e->constant = v;
          ops.push_back(std::move(e));
        }
        return IrExpr::makeNary(Op::Or, std::move(ops), loc);
      }
      IrPtr e = leaf(kOrder.at(op), c, loc);
      e->constant = v;
      return e;
    }
    case Literal::Null:
      return IrExpr::makeConst(false, loc); // comparisons with null are null
    }
    return IrExpr::makeConst(false, loc);
  }

  static IrPtr notIf(bool negate, IrPtr e, const SourceLocation &loc) {
    return negate ? IrExpr::makeNot(std::move(e), loc) : std::move(e);
  }

  /// The set a let-table fills, building its SetBuilder rule on first use.
  uint32_t setOf(const std::string &name, const TabularExpr *inlineTable, const SourceLocation &loc) {
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
    Pipeline p;
    lowerTabular(*t, p);
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
    builder.info.columns.push_back({p.output[0].first, field(p.output[0].second.path), p.output[0].second.converts});
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
    const std::string op = lower(e.op);
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
        ops.push_back(stringLeaf(Op::EqFold, c, lower(k.value.s), e.loc));
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
      e = stringLeaf(cs ? Op::Contains : Op::ContainsFold, c, cs ? k.value.s : lower(k.value.s), loc);
    } else if (name == "startswith") {
      e = stringLeaf(cs ? Op::StartsWith : Op::StartsWithFold, c, cs ? k.value.s : lower(k.value.s), loc);
    } else if (name == "endswith") {
      e = stringLeaf(cs ? Op::EndsWith : Op::EndsWithFold, c, cs ? k.value.s : lower(k.value.s), loc);
    } else if (name == "=~" || name == "~") {
      e = stringLeaf(Op::EqFold, c, lower(k.value.s), loc);
    } else if (name == "matches regex") {
      re2::RE2 re(k.value.s, re2::RE2::Quiet);
      if (!re.ok())
        fail(loc, "bad regular expression '" + k.value.s + "': " + re.error());
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
      const std::string op = lower(e.op);
      if (op == "and" || op == "or") {
        std::vector<IrPtr> ops;
        ops.push_back(predicate(*e.operands[0], p));
        ops.push_back(predicate(*e.operands[1], p));
        return IrExpr::makeNary(op == "and" ? Op::And : Op::Or, std::move(ops), e.loc);
      }
      const Expr *lhs = e.operands[0].get(), *rhs = e.operands[1].get();
      const bool ordering = op == "==" || op == "!=" || op == "<>" || op == "<" || op == "<=" || op == ">" || op == ">=";
      if (!isColumn(*lhs, p) && isColumn(*rhs, p) && ordering) {
        std::swap(lhs, rhs); // 5 < x  is  x > 5
        static const std::map<std::string, std::string> flipped = {{"<", ">"}, {"<=", ">="}, {">", "<"}, {">=", "<="}};
        const std::string f = flipped.count(op) ? flipped.at(op) : op;
        return comparisonOrFail(f, *lhs, *rhs, p, e.loc);
      }
      if (ordering)
        return comparisonOrFail(op, *lhs, *rhs, p, e.loc);
      const Column c = column(*lhs, p);
      auto k = constant(*rhs);
      if (!k)
        fail(rhs->loc, "the right side of '" + op + "' must be a constant (comparing two columns is not supported)");
      return stringOperator(op, c, *k, e.loc);
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
      return notIf(lower(e.op) == "!between", IrExpr::makeNary(Op::And, std::move(ops), e.loc), e.loc);
    }
    case Expr::Call: {
      const std::string fn = lower(e.name);
      if (fn == "not" && e.operands.size() == 1)
        return IrExpr::makeNot(predicate(*e.operands[0], p), e.loc);
      if ((fn == "isempty" || fn == "isnotempty") && e.operands.size() == 1) {
        // Kusto: empty is null or "" (an empty array is not empty).
        const Column c = column(*e.operands[0], p);
        std::vector<IrPtr> ops;
        ops.push_back(leaf(Op::IsNull, c, e.loc));
        IrPtr blank = leaf(Op::Eq, c, e.loc);
        blank->constant = Scalar::makeString("");
        ops.push_back(std::move(blank));
        return notIf(fn == "isnotempty", IrExpr::makeNary(Op::Or, std::move(ops), e.loc), e.loc);
      }
      if ((fn == "isnull" || fn == "isnotnull") && e.operands.size() == 1)
        return notIf(fn == "isnotnull", leaf(Op::IsNull, column(*e.operands[0], p), e.loc), e.loc);
      if (isColumn(e, p))
        break;
      fail(e.loc, "the function '" + e.name + "' is not supported in a predicate");
    }
    case Expr::Literal:
      if (e.literal.type == Literal::Bool)
        return IrExpr::makeConst(e.literal.value.b, e.loc);
      break;
    default:
      break;
    }
    if (isColumn(e, p)) { // a bool column as a predicate
      IrPtr l = leaf(Op::Eq, column(e, p), e.loc);
      l->constant = Scalar::makeBool(true);
      return l;
    }
    fail(e.loc, "'" + toString(e) + "' is not a supported predicate");
  }

  IrPtr comparisonOrFail(const std::string &op, const Expr &lhs, const Expr &rhs, const Pipeline &p,
                         const SourceLocation &loc) {
    if (op == "=~" || op == "!~") {
      auto k = constant(rhs);
      if (!k)
        fail(rhs.loc, "the right side of '" + op + "' must be a constant");
      return stringOperator(op, column(lhs, p), *k, loc);
    }
    const Column c = column(lhs, p);
    auto k = constant(rhs);
    if (!k)
      fail(rhs.loc, "the right side of '" + op + "' must be a constant (comparing two columns is not supported)");
    return comparison(op, c, *k, loc);
  }

  const sentinel::Rule &rule_;
  ir::Pack &pack_;
  std::map<std::string, const LetStmt *> lets_;
  std::map<std::string, uint32_t> setOfLet_;
};

} // namespace

bool lowerQuery(const sentinel::Rule &rule, ir::Pack &pack, DiagnosticEngine &diags) {
  const size_t fields = pack.fields.size(), sets = pack.sets.size(), regexes = pack.regexes.size();
  const size_t logTypes = pack.logTypes.size();
  Lowering lowering(rule, pack);
  try {
    lowering.run();
  } catch (const Unsupported &u) {
    diags.error(DiagCode::Unsupported, u.loc, u.message);
    pack.fields.resize(fields); // KQL interns top-level fields only
    pack.sets.resize(sets);
    pack.regexes.resize(regexes);
    pack.logTypes.resize(logTypes);
    return false;
  }
  // Set builders first: in streaming mode an event fills sets before the
  // queries that read them run.
  for (ir::Rule &r : lowering.newRules_)
    if (r.info.kind == RuleKind::SetBuilder)
      pack.rules.push_back(std::move(r));
  for (ir::Rule &r : lowering.newRules_)
    if (r.info.kind == RuleKind::Query)
      pack.rules.push_back(std::move(r));
  return true;
}

} // namespace rulec::kql
