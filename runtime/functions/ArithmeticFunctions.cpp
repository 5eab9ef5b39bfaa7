//===- ArithmeticFunctions.cpp - + - * / %, max_of, min_of -----------------===//
//
// Kusto arithmetic: ints stay ints (division truncates), anything with a
// real is real; a null or non-number operand, an overflow, or division by
// zero of ints gives null. Datetimes and timespans (nanoseconds): datetime -
// datetime is a timespan, datetime ± timespan a datetime, timespans add,
// scale by numbers and divide into a real. A string beside a datetime or
// timespan, and two strings subtracted, are read as datetimes (event fields
// and rows between stages carry no types; docs/kql.md).
//
//===----------------------------------------------------------------------===//
#include "functions/Arguments.h"
#include "functions/FunctionLibrary.h"
#include "functions/TimeValues.h"

#include <cmath>

namespace rulec::functions {

namespace {

enum class Op { Add, Sub, Mul, Div, Mod };

bool isNumber(const rulec_value &v) { return v.kind == RULEC_INT || v.kind == RULEC_DOUBLE || v.kind == RULEC_BOOL; }
bool isTime(const rulec_value &v) { return v.kind == RULEC_DATETIME || v.kind == RULEC_TIMESPAN; }
double asDouble(const rulec_value &v) { return v.kind == RULEC_DOUBLE ? v.payload.d : static_cast<double>(v.payload.i); }

/// A non-finite real that crossed a stage as its text ("NaN", "Infinity") is
/// a real again.
rulec_value nonFinite(const rulec_value &v) {
  double d;
  return kqlvalue::nonFiniteReal(v, d) ? doubleValue(d) : v;
}

rulec_value numbers(Op op, const rulec_value &a, const rulec_value &b) {
  if (a.kind != RULEC_DOUBLE && b.kind != RULEC_DOUBLE) {
    const int64_t x = a.payload.i, y = b.payload.i;
    int64_t r;
    switch (op) {
    case Op::Add: if (__builtin_add_overflow(x, y, &r)) return null(); break;
    case Op::Sub: if (__builtin_sub_overflow(x, y, &r)) return null(); break;
    case Op::Mul: if (__builtin_mul_overflow(x, y, &r)) return null(); break;
    case Op::Div: if (y == 0 || (x == INT64_MIN && y == -1)) return null(); r = x / y; break;
    case Op::Mod:
      if (y == 0 || (x == INT64_MIN && y == -1))
        return null();
      r = x % y;
      if (r < 0) // Kusto's modulo is never negative (-14 % 12 == 10, -14 % -12 == 10)
        r += y < 0 ? -y : y;
      break;
    }
    return intValue(r);
  }
  const double x = asDouble(a), y = asDouble(b);
  switch (op) {
  case Op::Add: return doubleValue(x + y);
  case Op::Sub: return doubleValue(x - y);
  case Op::Mul: return doubleValue(x * y);
  case Op::Div: return doubleValue(x / y);
  case Op::Mod: {
    const double r = std::fmod(x, y);
    return doubleValue(r < 0 ? r + std::fabs(y) : r);
  }
  }
  return null();
}

/// A timespan scaled by a number (rounded to whole nanoseconds).
rulec_value scaled(int64_t span, const rulec_value &by, bool divide) {
  const double k = asDouble(by);
  const double r = divide ? static_cast<double>(span) / k : static_cast<double>(span) * k;
  if (!std::isfinite(r) || std::fabs(r) >= 0x1p63)
    return null();
  return timeValue(RULEC_TIMESPAN, static_cast<int64_t>(std::llround(r)));
}

rulec_value times(Op op, rulec_value a, rulec_value b) {
  // A string beside a time value is read as a datetime.
  if (a.kind == RULEC_STRING && !asDatetime(a, a))
    return null();
  if (b.kind == RULEC_STRING && !asDatetime(b, b))
    return null();
  const int64_t x = a.payload.i, y = b.payload.i;
  int64_t r;
  const bool spanA = a.kind == RULEC_TIMESPAN, spanB = b.kind == RULEC_TIMESPAN;
  const bool dateA = a.kind == RULEC_DATETIME, dateB = b.kind == RULEC_DATETIME;
  switch (op) {
  case Op::Add:
    if ((dateA && dateB) || !isTime(a) || !isTime(b) || __builtin_add_overflow(x, y, &r))
      return null();
    return timeValue(dateA || dateB ? RULEC_DATETIME : RULEC_TIMESPAN, r);
  case Op::Sub:
    if (!isTime(a) || !isTime(b) || (spanA && dateB) || __builtin_sub_overflow(x, y, &r))
      return null();
    return timeValue(dateA && spanB ? RULEC_DATETIME : RULEC_TIMESPAN, r);
  case Op::Mul:
    if (spanA && isNumber(b))
      return scaled(x, b, false);
    if (spanB && isNumber(a))
      return scaled(y, a, false);
    return null();
  case Op::Div:
    if (spanA && spanB)
      return y == 0 ? null() : doubleValue(static_cast<double>(x) / static_cast<double>(y));
    if (spanA && isNumber(b))
      return scaled(x, b, true);
    return null();
  case Op::Mod:
    if (spanA && spanB && y != 0 && !(x == INT64_MIN && y == -1))
      return timeValue(RULEC_TIMESPAN, x % y);
    return null();
  }
  return null();
}

template <Op op>
void arithmetic(rulec_context *, uint32_t, const rulec_value *const *args, rulec_value *out) {
  const rulec_value a = nonFinite(*args[0]), b = nonFinite(*args[1]);
  if (isNumber(a) && isNumber(b))
    *out = numbers(op, a, b);
  else if (isTime(a) || isTime(b) || (op == Op::Sub && a.kind == RULEC_STRING && b.kind == RULEC_STRING))
    *out = times(op, a, b); // two strings: the difference of two datetimes, or null

}

/// Negation, as 0 - x for numbers and timespans.
void negate(rulec_context *, uint32_t, const rulec_value *const *args, rulec_value *out) {
  const rulec_value a = nonFinite(*args[0]);
  if (a.kind == RULEC_INT && a.payload.i != INT64_MIN)
    *out = intValue(-a.payload.i);
  else if (a.kind == RULEC_DOUBLE)
    *out = doubleValue(-a.payload.d);
  else if (a.kind == RULEC_TIMESPAN && a.payload.i != INT64_MIN)
    *out = timeValue(RULEC_TIMESPAN, -a.payload.i);
}

/// max_of / min_of: nulls are skipped; the values must be all numbers, all
/// strings, or all of one time type.
template <bool max>
void extreme(rulec_context *, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  auto family = [](const rulec_value &v) { return isNumber(v) ? RULEC_INT : static_cast<int>(v.kind); };
  auto compare = [&](const rulec_value &x, const rulec_value &y) {
    if ((x.kind == RULEC_INT && y.kind == RULEC_INT) || isTime(x))
      return x.payload.i < y.payload.i ? -1 : x.payload.i > y.payload.i;
    if (isNumber(x)) {
      const double a = asDouble(x), b = asDouble(y);
      return a < b ? -1 : a > b;
    }
    const std::string_view a(x.payload.s, x.len), b(y.payload.s, y.len);
    return a < b ? -1 : a > b;
  };
  const rulec_value *best = nullptr;
  for (uint32_t i = 0; i < argc; ++i) {
    const rulec_value &v = *args[i];
    if (isNull(v))
      continue;
    if ((!isNumber(v) && !isTime(v) && v.kind != RULEC_STRING) || (best && family(v) != family(*best)))
      return;
    const int c = best ? compare(v, *best) : 0;
    if (!best || (max ? c > 0 : c < 0))
      best = &v;
  }
  if (best)
    *out = *best;
}

constexpr Function kTable[] = {
    {"$add", 2, 2, arithmetic<Op::Add>}, {"$sub", 2, 2, arithmetic<Op::Sub>}, {"$mul", 2, 2, arithmetic<Op::Mul>},
    {"$div", 2, 2, arithmetic<Op::Div>}, {"$mod", 2, 2, arithmetic<Op::Mod>}, {"$negate", 1, 1, negate},
    {"max_of", 1, 64, extreme<true>},    {"min_of", 1, 64, extreme<false>},
};

} // namespace

extern const Family kArithmeticFunctions{kTable};

} // namespace rulec::functions
