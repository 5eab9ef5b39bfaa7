//===- MathFunctions.cpp - pow, sqrt, log, trigonometry, rounding, bitwise functions ===//
//
// Kusto's math functions take longs and reals (a string, bool, dynamic value
// or null gives null). Real functions return reals; abs, sign, ceiling and
// round keep a long a long; the binary_* functions take and return longs.
// Out-of-domain input gives null where Kusto documents it (sqrt and log of a
// negative number, asin/acos outside [-1, 1]); otherwise the IEEE result
// (log(0) is -inf).
//
//===----------------------------------------------------------------------===//
#include "functions/Arguments.h"
#include "functions/FunctionLibrary.h"
#include "functions/TimeValues.h"

#include <bit>
#include <cmath>
#include <numbers>

namespace rulec::functions {

namespace {

bool number(const rulec_value &v, double &d) {
  if (v.kind == RULEC_INT)
    d = static_cast<double>(v.payload.i);
  else if (v.kind == RULEC_DOUBLE)
    d = v.payload.d;
  else
    return kqlvalue::nonFiniteReal(v, d);
  return true;
}

/// f(x) for a real function of one real; `domain` rejects what Kusto maps to
/// null.
template <double (*f)(double), bool (*domain)(double)>
void real1(rulec_context *, uint32_t, const rulec_value *const *args, rulec_value *out) {
  double x;
  if (number(*args[0], x) && domain(x))
    *out = doubleValue(f(x));
}

bool any(double) { return true; }
bool nonNegative(double x) { return !(x < 0); }
bool unit(double x) { return !(x < -1 || x > 1); }

double sqrtF(double x) { return std::sqrt(x); }
double expF(double x) { return std::exp(x); }
double exp2F(double x) { return std::exp2(x); }
double exp10F(double x) { return std::pow(10.0, x); }
double logF(double x) { return std::log(x); }
double log2F(double x) { return std::log2(x); }
double log10F(double x) { return std::log10(x); }
double sinF(double x) { return std::sin(x); }
double cosF(double x) { return std::cos(x); }
double tanF(double x) { return std::tan(x); }
double asinF(double x) { return std::asin(x); }
double acosF(double x) { return std::acos(x); }
double atanF(double x) { return std::atan(x); }
double cotF(double x) { return 1.0 / std::tan(x); }
double degreesF(double x) { return x * 180.0 / std::numbers::pi; }
double radiansF(double x) { return x * std::numbers::pi / 180.0; }
double gammaF(double x) { return std::tgamma(x); }
double loggammaF(double x) { return std::lgamma(x); }

void pow(rulec_context *, uint32_t, const rulec_value *const *args, rulec_value *out) {
  double x, y;
  if (number(*args[0], x) && number(*args[1], y))
    *out = doubleValue(std::pow(x, y));
}

/// atan2(y, x).
void atan2(rulec_context *, uint32_t, const rulec_value *const *args, rulec_value *out) {
  double y, x;
  if (number(*args[0], y) && number(*args[1], x))
    *out = doubleValue(std::atan2(y, x));
}

void pi(rulec_context *, uint32_t, const rulec_value *const *, rulec_value *out) {
  *out = doubleValue(std::numbers::pi);
}

void sign(rulec_context *, uint32_t, const rulec_value *const *args, rulec_value *out) {
  const rulec_value &v = *args[0];
  if (v.kind == RULEC_INT)
    *out = intValue(v.payload.i > 0 ? 1 : v.payload.i < 0 ? -1 : 0);
  else if (v.kind == RULEC_DOUBLE && !std::isnan(v.payload.d))
    *out = doubleValue(v.payload.d > 0 ? 1.0 : v.payload.d < 0 ? -1.0 : 0.0);
}

/// abs of a long (null for the one without a positive), a real, a timespan.
void abs(rulec_context *, uint32_t, const rulec_value *const *args, rulec_value *out) {
  const rulec_value &v = *args[0];
  if ((v.kind == RULEC_INT || v.kind == RULEC_TIMESPAN) && v.payload.i != INT64_MIN) {
    *out = v;
    out->payload.i = v.payload.i < 0 ? -v.payload.i : v.payload.i;
  } else if (v.kind == RULEC_DOUBLE) {
    *out = doubleValue(std::fabs(v.payload.d));
  }
}

void ceiling(rulec_context *, uint32_t, const rulec_value *const *args, rulec_value *out) {
  const rulec_value &v = *args[0];
  if (v.kind == RULEC_INT)
    *out = v;
  else if (v.kind == RULEC_DOUBLE)
    *out = doubleValue(std::ceil(v.payload.d));
}

/// round(x [, digits]): to `digits` decimals (negative: to tens, hundreds,
/// ...), halves away from zero. A long stays a long.
void round(rulec_context *, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  const rulec_value &v = *args[0];
  int64_t digits = 0;
  if (argc > 1) {
    if (args[1]->kind != RULEC_INT)
      return;
    digits = args[1]->payload.i;
  }
  if (v.kind == RULEC_INT) {
    if (digits >= 0) {
      *out = v;
      return;
    }
    if (digits < -18) {
      *out = intValue(0);
      return;
    }
    int64_t scale = 1;
    for (int64_t i = 0; i < -digits; ++i)
      scale *= 10;
    const int64_t x = v.payload.i, q = x / scale, r = x % scale;
    int64_t result = q;
    if (2 * r >= scale) // halves away from zero
      ++result;
    else if (-2 * r >= scale)
      --result;
    int64_t scaled;
    if (!__builtin_mul_overflow(result, scale, &scaled))
      *out = intValue(scaled);
    return;
  }
  if (v.kind != RULEC_DOUBLE)
    return;
  const double x = v.payload.d;
  double r = x;
  if (digits >= 0 && digits <= 308) {
    const double scale = std::pow(10.0, static_cast<double>(digits)), y = x * scale;
    if (std::isfinite(y))
      r = std::round(y) / scale;
  } else if (digits < 0) {
    const double scale = std::pow(10.0, static_cast<double>(-std::max<int64_t>(digits, -400)));
    r = std::isfinite(scale) ? std::round(x / scale) * scale : 0.0 * x;
  }
  *out = doubleValue(r);
}

enum class Test { NaN, Inf, Finite };

template <Test test>
void classify(rulec_context *, uint32_t, const rulec_value *const *args, rulec_value *out) {
  const rulec_value &v = *args[0];
  double d;
  if (v.kind == RULEC_INT)
    *out = boolValue(test == Test::Finite);
  else if (number(v, d))
    *out = boolValue(test == Test::NaN ? std::isnan(d) : test == Test::Inf ? std::isinf(d) : std::isfinite(d));
}

enum class Bits { And, Or, Xor, ShiftLeft, ShiftRight };

template <Bits op>
void binary(rulec_context *, uint32_t, const rulec_value *const *args, rulec_value *out) {
  if (args[0]->kind != RULEC_INT || args[1]->kind != RULEC_INT)
    return;
  const int64_t a = args[0]->payload.i, b = args[1]->payload.i;
  const uint64_t ua = static_cast<uint64_t>(a);
  switch (op) {
  case Bits::And: *out = intValue(a & b); break;
  case Bits::Or: *out = intValue(a | b); break;
  case Bits::Xor: *out = intValue(a ^ b); break;
  // value << (shift % 64); a negative shift gives null.
  case Bits::ShiftLeft:
    if (b >= 0)
      *out = intValue(static_cast<int64_t>(ua << (b % 64)));
    break;
  case Bits::ShiftRight:
    if (b >= 0)
      *out = intValue(a >> (b % 64));
    break;
  }
}

void binaryNot(rulec_context *, uint32_t, const rulec_value *const *args, rulec_value *out) {
  if (args[0]->kind == RULEC_INT)
    *out = intValue(~args[0]->payload.i);
}

void bitsetCountOnes(rulec_context *, uint32_t, const rulec_value *const *args, rulec_value *out) {
  if (args[0]->kind == RULEC_INT)
    *out = intValue(std::popcount(static_cast<uint64_t>(args[0]->payload.i)));
}

/// ln B(a, b).
double logBeta(double a, double b) { return std::lgamma(a) + std::lgamma(b) - std::lgamma(a + b); }

/// The continued fraction of the incomplete beta function (modified Lentz),
/// which converges fast for x < (a + 1) / (a + b + 2).
double betaFraction(double a, double b, double x) {
  constexpr double kTiny = 1e-300, kEpsilon = 1e-16;
  double c = 1, d = 1 - (a + b) * x / (a + 1);
  d = 1 / (std::fabs(d) < kTiny ? kTiny : d);
  double h = d;
  for (int m = 1; m <= 10000; ++m) {
    for (int odd = 0; odd < 2; ++odd) {
      const double num = odd ? -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
                             : m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
      d = 1 + num * d;
      d = 1 / (std::fabs(d) < kTiny ? kTiny : d);
      c = 1 + num / c;
      c = std::fabs(c) < kTiny ? kTiny : c;
      h *= d * c;
      if (odd && std::fabs(d * c - 1) < kEpsilon)
        return h;
    }
  }
  return h;
}

/// The regularized incomplete beta function I_x(a, b), for a, b > 0 and x in [0, 1].
double betaRegularized(double x, double a, double b) {
  if (x <= 0)
    return 0;
  if (x >= 1)
    return 1;
  const double front = std::exp(a * std::log(x) + b * std::log1p(-x) - logBeta(a, b));
  if (x < (a + 1) / (a + b + 2))
    return front * betaFraction(a, b, x) / a;
  return 1 - front * betaFraction(b, a, 1 - x) / b;
}

bool numbers3(const rulec_value *const *args, double &x, double &a, double &b) {
  return number(*args[0], x) && number(*args[1], a) && number(*args[2], b);
}

/// beta_cdf(x, alpha, beta): NaN for x outside [0, 1] or alpha, beta <= 0.
void betaCdf(rulec_context *, uint32_t, const rulec_value *const *args, rulec_value *out) {
  double x, a, b;
  if (numbers3(args, x, a, b))
    *out = doubleValue(!(x >= 0 && x <= 1 && a > 0 && b > 0) ? std::nan("") : betaRegularized(x, a, b));
}

/// beta_pdf(x, alpha, beta): NaN for x outside (0, 1) or alpha, beta <= 0.
void betaPdf(rulec_context *, uint32_t, const rulec_value *const *args, rulec_value *out) {
  double x, a, b;
  if (!numbers3(args, x, a, b))
    return;
  if (!(x > 0 && x < 1 && a > 0 && b > 0))
    return *out = doubleValue(std::nan("")), void();
  *out = doubleValue(std::exp((a - 1) * std::log(x) + (b - 1) * std::log1p(-x) - logBeta(a, b)));
}

/// beta_inv(p, alpha, beta): the x with beta_cdf(x, alpha, beta) = p. As
/// Kusto's documented example shows (its notes say the reverse): alpha or
/// beta <= 0 gives NaN, p outside (0, 1] null.
void betaInv(rulec_context *, uint32_t, const rulec_value *const *args, rulec_value *out) {
  double p, a, b;
  if (!numbers3(args, p, a, b))
    return;
  if (!(a > 0 && b > 0))
    return *out = doubleValue(std::nan("")), void();
  if (!(p > 0 && p <= 1))
    return;
  double lo = 0, hi = 1; // the cdf is increasing: bisect to the last bit
  for (int i = 0; i < 200 && lo < hi; ++i) {
    const double mid = lo + (hi - lo) / 2;
    if (mid <= lo || mid >= hi)
      break;
    (betaRegularized(mid, a, b) < p ? lo : hi) = mid;
  }
  *out = doubleValue(p == 1 ? 1.0 : hi);
}

/// around(value, center, delta): center - delta <= value <= center + delta,
/// for numbers, or datetimes (a timespan delta) or timespans.
void around(rulec_context *, uint32_t, const rulec_value *const *args, rulec_value *out) {
  rulec_value v = *args[0], c = *args[1];
  const rulec_value &d = *args[2];
  if ((v.kind == RULEC_DATETIME || c.kind == RULEC_DATETIME) && !(asDatetime(v, v) && asDatetime(c, c)))
    return; // a datetime column of a table arrives as its text
  double x, center, delta;
  if (number(v, x) && number(c, center) && number(d, delta)) {
    *out = boolValue(x >= center - delta && x <= center + delta);
  } else if ((v.kind == RULEC_DATETIME || v.kind == RULEC_TIMESPAN) && c.kind == v.kind && d.kind == RULEC_TIMESPAN) {
    const __int128 lo = static_cast<__int128>(c.payload.i) - d.payload.i;
    const __int128 hi = static_cast<__int128>(c.payload.i) + d.payload.i;
    *out = boolValue(v.payload.i >= lo && v.payload.i <= hi);
  }
}

constexpr Function kTable[] = {
    {"pow", 2, 2, pow},
    {"sqrt", 1, 1, real1<sqrtF, nonNegative>},
    {"exp", 1, 1, real1<expF, any>},
    {"exp2", 1, 1, real1<exp2F, any>},
    {"exp10", 1, 1, real1<exp10F, any>},
    {"log", 1, 1, real1<logF, nonNegative>},
    {"log2", 1, 1, real1<log2F, nonNegative>},
    {"log10", 1, 1, real1<log10F, nonNegative>},
    {"sin", 1, 1, real1<sinF, any>},
    {"cos", 1, 1, real1<cosF, any>},
    {"tan", 1, 1, real1<tanF, any>},
    {"asin", 1, 1, real1<asinF, unit>},
    {"acos", 1, 1, real1<acosF, unit>},
    {"atan", 1, 1, real1<atanF, any>},
    {"atan2", 2, 2, atan2},
    {"cot", 1, 1, real1<cotF, any>},
    {"degrees", 1, 1, real1<degreesF, any>},
    {"radians", 1, 1, real1<radiansF, any>},
    {"pi", 0, 0, pi},
    {"sign", 1, 1, sign},
    {"abs", 1, 1, abs},
    {"ceiling", 1, 1, ceiling},
    {"round", 1, 2, round},
    {"isnan", 1, 1, classify<Test::NaN>},
    {"isinf", 1, 1, classify<Test::Inf>},
    {"isfinite", 1, 1, classify<Test::Finite>},
    {"gamma", 1, 1, real1<gammaF, any>},
    {"loggamma", 1, 1, real1<loggammaF, any>},
    {"binary_and", 2, 2, binary<Bits::And>},
    {"binary_or", 2, 2, binary<Bits::Or>},
    {"binary_xor", 2, 2, binary<Bits::Xor>},
    {"binary_shift_left", 2, 2, binary<Bits::ShiftLeft>},
    {"binary_shift_right", 2, 2, binary<Bits::ShiftRight>},
    {"binary_not", 1, 1, binaryNot},
    {"bitset_count_ones", 1, 1, bitsetCountOnes},
    {"beta_cdf", 3, 3, betaCdf},
    {"beta_pdf", 3, 3, betaPdf},
    {"beta_inv", 3, 3, betaInv},
    {"around", 3, 3, around},
};

} // namespace

extern const Family kMathFunctions{kTable};

} // namespace rulec::functions
