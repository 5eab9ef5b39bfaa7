//===- ReferenceEvaluator.cpp ---------------------------------------------===//
#include "ReferenceEvaluator.h"

#include "events/EventTime.h"
#include "functions/FunctionLibrary.h"
#include "matching/IpAddress.h"

#include <algorithm>
#include <charconv>
#include <deque>
#include <cctype>
#include <cmath>
#include <string>

namespace rulec::test {

namespace {

using ir::Op;

bool isNumber(const rulec_value &v) {
  return v.kind == RULEC_INT || v.kind == RULEC_BOOL || v.kind == RULEC_DOUBLE;
}

long double number(const rulec_value &v) {
  return v.kind == RULEC_DOUBLE ? static_cast<long double>(v.payload.d)
                                : static_cast<long double>(v.payload.i);
}

long double number(const Scalar &c) {
  return c.kind == Scalar::Double ? static_cast<long double>(c.d)
         : c.kind == Scalar::Bool ? (c.b ? 1.0L : 0.0L)
                                  : static_cast<long double>(c.i);
}

std::string str(const rulec_value &v) { return std::string(v.payload.s, v.len); }

std::string lower(std::string s) {
  for (char &c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool order(long double a, long double b, Op op) {
  if (std::isnan(a) || std::isnan(b))
    return false;
  switch (op) {
  case Op::Lt: return a < b;
  case Op::Le: return a <= b;
  case Op::Gt: return a > b;
  case Op::Ge: return a >= b;
  default: return a == b;
  }
}

bool stringOp(const std::string &s, const std::string &c, Op op) {
  switch (op) {
  case Op::Eq: return s == c;
  case Op::EqFold: return lower(s) == lower(c);
  case Op::Contains: return s.find(c) != std::string::npos;
  case Op::ContainsFold: return lower(s).find(lower(c)) != std::string::npos;
  case Op::StartsWith: return s.rfind(c, 0) == 0;
  case Op::StartsWithFold: return lower(s).rfind(lower(c), 0) == 0;
  case Op::EndsWith: return s.size() >= c.size() && s.compare(s.size() - c.size(), c.size(), c) == 0;
  case Op::EndsWithFold: {
    std::string ls = lower(s), lc = lower(c);
    return ls.size() >= lc.size() && ls.compare(ls.size() - lc.size(), lc.size(), lc) == 0;
  }
  default: return false;
  }
}

bool equals(const rulec_value &v, const Scalar &c) {
  if (c.kind == Scalar::String)
    return v.kind == RULEC_STRING && str(v) == c.s;
  if (c.kind == Scalar::Null)
    return v.kind == RULEC_MISSING || v.kind == RULEC_NULL;
  return isNumber(v) && order(number(v), number(c), Op::Eq);
}

uint32_t ipClass(const rulec_value &v) {
  IpAddress ip;
  if (v.kind != RULEC_STRING || !parseIpAddress(str(v), ip))
    return 0;
  return (ip.version == 4 ? RULEC_IP_V4 : RULEC_IP_V6) | (isPrivate(ip) ? RULEC_IP_PRIVATE : 0) |
         (isGlobal(ip) ? RULEC_IP_GLOBAL : 0);
}

bool fieldCompare(const rulec_value &a, const rulec_value &b, Op cmp) {
  if (cmp >= Op::Lt)
    return isNumber(a) && isNumber(b) && order(number(a), number(b), cmp);
  if (cmp == Op::Eq && isNumber(a) && isNumber(b))
    return order(number(a), number(b), Op::Eq);
  if (cmp == Op::Eq && a.kind == RULEC_NULL && b.kind == RULEC_NULL)
    return true;
  return a.kind == RULEC_STRING && b.kind == RULEC_STRING && stringOp(str(a), str(b), cmp);
}

bool isTerm(char c) { return std::isalnum(static_cast<unsigned char>(c)) && static_cast<unsigned char>(c) < 0x80; }

/// Kusto `has`, read literally: split nothing; try every position of the
/// needle and check the boundaries the docs describe.
bool has(std::string s, std::string needle, uint32_t mode) {
  if (!(mode & RULEC_HAS_CS)) {
    s = lower(s);
    needle = lower(needle);
  }
  if (needle.empty())
    return true;
  for (size_t p = s.find(needle); p != std::string::npos; p = s.find(needle, p + 1)) {
    const bool startOk = (mode & RULEC_HAS_SUFFIX) || !isTerm(needle.front()) || p == 0 || !isTerm(s[p - 1]);
    const size_t end = p + needle.size();
    const bool endOk = (mode & RULEC_HAS_PREFIX) || !isTerm(needle.back()) || end == s.size() || !isTerm(s[end]);
    if (startOk && endOk)
      return true;
  }
  return false;
}

/// tostring / tolower / toupper into `storage`, as Kusto converts.
rulec_value convert(const rulec_value &in, const std::string &fn, std::string &storage);

/// A computed value. Conversions and iff are evaluated here; the other
/// functions through the runtime's rulec_rt_call (their semantics have
/// tests of their own in test/lit/kql).
rulec_value evalValue(const ir::Value &v, const rulec_value *slots, const std::vector<FieldSpec> &table,
                      const rulec_context *ctx, std::deque<std::string> &storage) {
  switch (v.kind) {
  case ir::Value::Slot: return slots[v.slot];
  case ir::Value::Const: {
    rulec_value out{};
    const Scalar &c = v.constant;
    if (c.kind == Scalar::String) {
      out.kind = RULEC_STRING;
      out.len = static_cast<uint32_t>(c.s.size());
      out.payload.s = c.s.data();
    } else if (c.kind == Scalar::Int || c.kind == Scalar::Bool) {
      out.kind = c.kind == Scalar::Int ? RULEC_INT : RULEC_BOOL;
      out.payload.i = c.kind == Scalar::Int ? c.i : c.b;
    } else if (c.kind == Scalar::Double) {
      out.kind = RULEC_DOUBLE;
      out.payload.d = c.d;
    } else {
      out.kind = RULEC_NULL;
    }
    return out;
  }
  case ir::Value::Iff:
    return referenceEval(*v.cond, slots, table, ctx) ? evalValue(*v.args[0], slots, table, ctx, storage)
                                                      : evalValue(*v.args[1], slots, table, ctx, storage);
  case ir::Value::Call: {
    std::vector<rulec_value> args;
    for (const auto &a : v.args)
      args.push_back(evalValue(*a, slots, table, ctx, storage));
    if (v.fn == "tostring" || v.fn == "tolower" || v.fn == "toupper") {
      storage.emplace_back();
      return convert(args[0], v.fn, storage.back());
    }
    std::vector<const rulec_value *> pointers;
    for (const rulec_value &a : args)
      pointers.push_back(&a);
    rulec_value out{};
    out.kind = RULEC_NULL;
    functions::find(v.fn)->eval(const_cast<rulec_context *>(ctx), static_cast<uint32_t>(pointers.size()),
                                pointers.data(), &out);
    return out;
  }
  }
  return rulec_value{};
}

rulec_value convert(const rulec_value &in, const std::string &fn, std::string &storage) {
  rulec_value out{};
  std::string text;
  switch (in.kind) {
  case RULEC_STRING: text = str(in); break;
  case RULEC_MISSING: case RULEC_NULL: text = ""; break;
  case RULEC_BOOL: text = in.payload.i ? "true" : "false"; break;
  case RULEC_INT: text = std::to_string(in.payload.i); break;
  case RULEC_DOUBLE: {
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, in.payload.d);
    text.assign(buf, r.ptr);
    break;
  }
  default: return out; // dynamic values are not rendered
  }
  if (fn == "tolower")
    text = lower(text);
  if (fn == "toupper")
    for (char &c : text)
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  storage = text;
  out.kind = RULEC_STRING;
  out.len = static_cast<uint32_t>(storage.size());
  out.payload.s = storage.data();
  return out;
}

} // namespace

namespace {
bool evalWith(const ir::Expr &e, const rulec_value &v, const rulec_value *slots, const std::vector<FieldSpec> &table,
              const rulec_context *ctx, std::deque<std::string> &storage);
} // namespace

bool referenceEval(const ir::Expr &e, const rulec_value *slots, const std::vector<FieldSpec> &table,
                   const rulec_context *ctx) {
  static const rulec_value kMissing{};
  // Operators carry no slot (and a slot-less pack passes no slots).
  std::deque<std::string> storage; // computed strings; values point into it
  rulec_value v = (e.op <= Op::ExactlyOne || e.op == Op::Keyword || e.op == Op::KeywordContains) ? kMissing
                  : e.subject             ? evalValue(*e.subject, slots, table, ctx, storage)
                                          : slots[e.slot];
  if (e.elementwise && v.kind == RULEC_ARRAY) { // Sigma: some element passes
    for (uint32_t i = 0; v.payload.elems && i < v.len; ++i)
      if (evalWith(e, v.payload.elems[i], slots, table, ctx, storage))
        return true;
    return false;
  }
  return evalWith(e, v, slots, table, ctx, storage);
}

namespace {
bool evalWith(const ir::Expr &e, const rulec_value &v, const rulec_value *slots, const std::vector<FieldSpec> &table,
              const rulec_context *ctx, std::deque<std::string> &storage) {
  auto all = [&](auto pred) { return std::all_of(e.operands.begin(), e.operands.end(), pred); };
  auto eval = [&](const auto &o) { return referenceEval(*o, slots, table, ctx); };
  switch (e.op) {
  case Op::Const: return e.boolValue;
  case Op::Not: return !eval(e.operands[0]);
  case Op::And: return all(eval);
  case Op::Or: return std::any_of(e.operands.begin(), e.operands.end(), eval);
  case Op::ExactlyOne: return std::count_if(e.operands.begin(), e.operands.end(), eval) == 1;
  case Op::Exists: return v.kind != RULEC_MISSING;
  case Op::IsNull: return v.kind == RULEC_MISSING || v.kind == RULEC_NULL;
  case Op::IsEmpty:
    return v.kind == RULEC_MISSING || v.kind == RULEC_NULL ||
           ((v.kind == RULEC_STRING || v.kind == RULEC_ARRAY || v.kind == RULEC_OBJECT) && v.len == 0);
  case Op::Eq: return equals(v, e.constant);
  case Op::EqFold: case Op::Contains: case Op::ContainsFold: case Op::StartsWith:
  case Op::StartsWithFold: case Op::EndsWith: case Op::EndsWithFold:
    return v.kind == RULEC_STRING && stringOp(str(v), e.constant.s, e.op);
  case Op::Lt: case Op::Le: case Op::Gt: case Op::Ge:
    return isNumber(v) && order(number(v), number(e.constant), e.op);
  case Op::IsIp: return ipClass(v) & (RULEC_IP_V4 | RULEC_IP_V6);
  case Op::IsIpv4: return ipClass(v) & RULEC_IP_V4;
  case Op::IsIpv6: return ipClass(v) & RULEC_IP_V6;
  case Op::IsPrivateIp: return ipClass(v) & RULEC_IP_PRIVATE;
  case Op::IsGlobalIp: return ipClass(v) & RULEC_IP_GLOBAL;
  case Op::InNetwork: {
    IpNetwork net;
    IpAddress ip;
    return v.kind == RULEC_STRING && parseIpNetwork(e.constant.s, net, false) &&
           parseIpAddress(str(v), ip) && networkContains(net, ip);
  }
  case Op::NetworkHasIp: {
    IpNetwork net;
    IpAddress ip;
    return v.kind == RULEC_STRING && parseIpNetwork(str(v), net, false) &&
           parseIpAddress(e.constant.s, ip) && networkContains(net, ip);
  }
  case Op::FieldCompare:
    return fieldCompare(v, e.subject2 ? evalValue(*e.subject2, slots, table, ctx, storage) : slots[e.slot2], e.cmp);
  case Op::AnyElement: case Op::AllElements: case Op::OneElement: {
    if (v.kind != RULEC_ARRAY)
      return false;
    const std::vector<FieldSpec> &elements = table[e.slot].elements;
    uint32_t hits = 0;
    for (uint32_t i = 0; i < v.len; ++i)
      hits += referenceEval(*e.operands[0], v.payload.elems + size_t(i) * elements.size(), elements, ctx);
    return e.op == Op::AnyElement ? hits > 0 : e.op == Op::AllElements ? hits == v.len : hits == 1;
  }
  case Op::Has: return v.kind == RULEC_STRING && has(str(v), e.constant.s, e.mode);
  case Op::InSet: {
    if (v.kind != RULEC_STRING)
      return false;
    const int64_t retention = ctx->pack.sets[e.index].retentionNanos;
    return ctx->sets[e.index].match(str(v), e.mode, ctx->streaming && retention ? ctx->now - retention : INT64_MIN);
  }
  case Op::Regex:
    return v.kind == RULEC_STRING && re2::RE2::PartialMatch(str(v), ctx->regex(e.index));
  case Op::Keyword:
    return rulec_rt_keyword(const_cast<rulec_context *>(ctx), e.index);
  case Op::KeywordContains:
    return rulec_rt_keyword_contains(const_cast<rulec_context *>(ctx), e.index);
  case Op::TimeCmp: {
    int64_t t;
    if (v.kind != RULEC_STRING || !parseTimestamp(str(v), t))
      return false;
    const long double bound = static_cast<long double>(e.constant.i) + (e.mode ? ctx->now : 0);
    return order(static_cast<long double>(t), bound, e.cmp);
  }
  }
  return false;
}
} // namespace

std::vector<uint32_t> referenceEvalPack(const ir::Pack &pack, const rulec_value *slots,
                                        uint32_t logType, const rulec_context *ctx) {
  std::vector<uint32_t> out;
  for (uint32_t r = 0; r < pack.rules.size(); ++r) {
    const auto &types = pack.rules[r].info.logTypes;
    if (std::find(types.begin(), types.end(), logType) != types.end() &&
        referenceEval(*pack.rules[r].predicate, slots, pack.fields, ctx))
      out.push_back(r);
  }
  return out;
}

} // namespace rulec::test
