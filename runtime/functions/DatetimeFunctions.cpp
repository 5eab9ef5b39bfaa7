//===- DatetimeFunctions.cpp - todatetime, bin, startofday, format_datetime, ... ===//
//
// Datetime and timespan values (TimeValues.h). Calendar parts follow the
// proleptic Gregorian calendar in UTC, as Kusto's; a string argument where
// a datetime is expected is read as one (todatetime). Bins of datetimes
// count from 0001-01-01, as Kusto's ticks do (so 7d bins start on Mondays).
//
//===----------------------------------------------------------------------===//
#include "events/EventTime.h"
#include "functions/Arguments.h"
#include "functions/FunctionLibrary.h"
#include "functions/TimeValues.h"

#include <array>
#include <cmath>
#include <cstdio>

namespace rulec::functions {

namespace {

constexpr int64_t kNanosPerDay = 86400 * kNanosPerSecond;
constexpr int64_t kNanosPerHour = 3600 * kNanosPerSecond;
/// Nanoseconds from 0001-01-01 to the Unix epoch (does not fit int64: bins use __int128).
constexpr __int128 kEpochNanos = static_cast<__int128>(kEpochTicks) * 100;

struct Civil {
  int64_t year;
  unsigned month, day; ///< 1-based
  int64_t nanosOfDay;
};

Civil civil(int64_t nanos) {
  int64_t days = nanos / kNanosPerDay, rest = nanos % kNanosPerDay;
  if (rest < 0) {
    rest += kNanosPerDay;
    --days;
  }
  Civil c{0, 0, 0, rest};
  civilFromDays(days, c.year, c.month, c.day);
  return c;
}

/// The datetime of a civil date and time; false when it leaves the range.
bool fromCivil(int64_t y, int64_t m, int64_t d, int64_t nanosOfDay, int64_t &out) {
  // Months out of 1..12 carry into the year (datetime_add of months).
  y += (m - 1 >= 0 ? (m - 1) / 12 : (m - 12) / 12);
  m = ((m - 1) % 12 + 12) % 12 + 1;
  if (y < 1678 || y > 2261)
    return false;
  const __int128 n = static_cast<__int128>(daysFromCivil(y, static_cast<unsigned>(m), 1) + d - 1) * kNanosPerDay + nanosOfDay;
  if (n < INT64_MIN || n > INT64_MAX)
    return false;
  out = static_cast<int64_t>(n);
  return true;
}

unsigned daysInMonth(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

/// 0 = Sunday.
int64_t weekday(int64_t nanos) {
  int64_t days = nanos / kNanosPerDay - (nanos % kNanosPerDay < 0);
  return ((days + 4) % 7 + 7) % 7; // 1970-01-01 was a Thursday
}

/// ISO 8601 week number (weeks start on Monday; week 1 holds the year's first Thursday).
int64_t isoWeek(int64_t nanos) {
  const Civil c = civil(nanos);
  const int64_t day = daysFromCivil(c.year, c.month, c.day);
  const int64_t monday0 = (weekday(nanos) + 6) % 7; // 0 = Monday
  const int64_t thursday = day - monday0 + 3;
  const Civil t = civil(thursday * kNanosPerDay);
  return (thursday - daysFromCivil(t.year, 1, 1)) / 7 + 1;
}

bool datetimeArg(const rulec_value *const *args, uint32_t i, int64_t &nanos) {
  rulec_value v;
  if (!asDatetime(*args[i], v))
    return false;
  nanos = v.payload.i;
  return true;
}

bool numberArg(const rulec_value &v, double &out) {
  if (v.kind == RULEC_INT || v.kind == RULEC_BOOL)
    out = static_cast<double>(v.payload.i);
  else if (v.kind == RULEC_DOUBLE)
    out = v.payload.d;
  else
    return false;
  return true;
}

rulec_value datetimeOrNull(int64_t y, int64_t m, int64_t d, int64_t nanosOfDay) {
  int64_t n;
  return fromCivil(y, m, d, nanosOfDay, n) ? timeValue(RULEC_DATETIME, n) : null();
}

void toDatetime(rulec_context *, uint32_t, const rulec_value *const *args, rulec_value *out) {
  asDatetime(*args[0], *out); // out stays null for other values
}

/// Kusto's timespan text: [-][d.]hh:mm[:ss[.fffffff]].
bool parseTimespanText(std::string_view s, int64_t &nanos) {
  bool negative = !s.empty() && s[0] == '-';
  if (negative)
    s.remove_prefix(1);
  int64_t parts[4] = {0, 0, 0, 0}; // days, hours, minutes, seconds
  int64_t fraction = 0;
  size_t i = 0;
  auto number = [&](int64_t &v) {
    size_t start = i;
    v = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i - start < 10)
      v = v * 10 + (s[i++] - '0');
    return i > start;
  };
  int64_t first;
  if (!number(first))
    return false;
  if (i < s.size() && s[i] == '.') { // days
    ++i;
    parts[0] = first;
    if (!number(parts[1]))
      return false;
  } else {
    parts[1] = first;
  }
  if (i >= s.size() || s[i] != ':')
    return false;
  ++i;
  if (!number(parts[2]))
    return false;
  if (i < s.size() && s[i] == ':') {
    ++i;
    if (!number(parts[3]))
      return false;
    if (i < s.size() && s[i] == '.') {
      ++i;
      int64_t scale = 100'000'000; // first digit is 1e8 ns
      size_t start = i;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        fraction += (s[i++] - '0') * scale;
        scale /= 10;
      }
      if (i == start)
        return false;
    }
  }
  if (i != s.size() || parts[1] > 23 || parts[2] > 59 || parts[3] > 59)
    return false;
  const __int128 n = ((static_cast<__int128>(parts[0]) * 24 + parts[1]) * 60 + parts[2]) * 60 * kNanosPerSecond +
                     static_cast<__int128>(parts[3]) * kNanosPerSecond + fraction;
  if (n > INT64_MAX)
    return false;
  nanos = negative ? -static_cast<int64_t>(n) : static_cast<int64_t>(n);
  return true;
}

/// totimespan: a timespan, its text, or a number of ticks.
void toTimespan(rulec_context *, uint32_t, const rulec_value *const *args, rulec_value *out) {
  const rulec_value &a = *args[0];
  int64_t nanos;
  if (a.kind == RULEC_TIMESPAN)
    *out = a;
  else if (a.kind == RULEC_INT && !__builtin_mul_overflow(a.payload.i, int64_t(100), &nanos))
    *out = timeValue(RULEC_TIMESPAN, nanos);
  else if (a.kind == RULEC_STRING && parseTimespanText(std::string_view(a.payload.s, a.len), nanos))
    *out = timeValue(RULEC_TIMESPAN, nanos);
}

/// now(): the query's now (the run's start, or the replayed event time).
void now(rulec_context *ctx, uint32_t, const rulec_value *const *, rulec_value *out) {
  *out = timeValue(RULEC_DATETIME, ctx->now);
}

/// floor(value / size) * size, counting datetimes from 0001-01-01.
bool binOf(const rulec_value &value, const rulec_value &size, const rulec_value *at, rulec_value &out) {
  rulec_value v = value;
  if (v.kind == RULEC_STRING && !asDatetime(v, v))
    return false;
  if (v.kind == RULEC_DATETIME || v.kind == RULEC_TIMESPAN) {
    if (size.kind != RULEC_TIMESPAN || size.payload.i <= 0)
      return false;
    __int128 origin = v.kind == RULEC_DATETIME ? -kEpochNanos : 0;
    if (at) {
      rulec_value a = *at;
      if (a.kind == RULEC_STRING && !asDatetime(a, a))
        return false;
      if (a.kind != v.kind)
        return false;
      origin = a.payload.i;
    }
    const __int128 offset = static_cast<__int128>(v.payload.i) - origin, s = size.payload.i;
    __int128 q = offset / s;
    if (offset % s < 0)
      --q;
    const __int128 r = q * s + origin;
    if (r < INT64_MIN || r > INT64_MAX)
      return false;
    out = timeValue(v.kind, static_cast<int64_t>(r));
    return true;
  }
  double x, s, origin = 0;
  if (!numberArg(v, x) || !numberArg(size, s) || !(s > 0) || (at && !numberArg(*at, origin)))
    return false;
  if (v.kind == RULEC_INT && size.kind == RULEC_INT && (!at || at->kind == RULEC_INT)) {
    const __int128 o = at ? at->payload.i : 0, offset = static_cast<__int128>(v.payload.i) - o;
    __int128 q = offset / size.payload.i;
    if (offset % size.payload.i < 0)
      --q;
    const __int128 r = q * size.payload.i + o;
    if (r < INT64_MIN || r > INT64_MAX)
      return false;
    out = intValue(static_cast<int64_t>(r));
    return true;
  }
  out = doubleValue(std::floor((x - origin) / s) * s + origin);
  return true;
}

void bin(rulec_context *, uint32_t, const rulec_value *const *args, rulec_value *out) {
  binOf(*args[0], *args[1], nullptr, *out);
}

void binAt(rulec_context *, uint32_t, const rulec_value *const *args, rulec_value *out) {
  binOf(*args[0], *args[1], args[2], *out);
}

enum class Unit { Day, Week, Month, Year };

/// startof*/endof*(dt [, offset]): the period's first instant (offset
/// periods on), or its last tick.
template <Unit unit, bool end>
void periodBound(rulec_context *, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  int64_t t;
  if (!datetimeArg(args, 0, t))
    return;
  int64_t offset = 0;
  if (argc > 1) {
    if (args[1]->kind != RULEC_INT)
      return;
    offset = args[1]->payload.i;
  }
  if (offset > 100000 || offset < -100000)
    return;
  offset += end;
  const Civil c = civil(t);
  int64_t start;
  bool ok;
  switch (unit) {
  case Unit::Day: ok = fromCivil(c.year, c.month, c.day + offset, 0, start); break;
  case Unit::Week: ok = fromCivil(c.year, c.month, c.day - weekday(t) + 7 * offset, 0, start); break;
  case Unit::Month: ok = fromCivil(c.year, c.month + offset, 1, 0, start); break;
  case Unit::Year: ok = fromCivil(c.year + offset, 1, 1, 0, start); break;
  }
  if (ok)
    *out = timeValue(RULEC_DATETIME, end ? start - 100 : start); // the last tick of the period
}

void dayOfWeek(rulec_context *, uint32_t, const rulec_value *const *args, rulec_value *out) {
  int64_t t;
  if (datetimeArg(args, 0, t))
    *out = timeValue(RULEC_TIMESPAN, weekday(t) * kNanosPerDay);
}

/// A calendar part as an int: datetime_part's names.
bool part(std::string name, int64_t t, int64_t &out) {
  for (char &ch : name)
    ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  const Civil c = civil(t);
  if (name == "year") out = c.year;
  else if (name == "quarter") out = (c.month - 1) / 3 + 1;
  else if (name == "month") out = c.month;
  else if (name == "week_of_year" || name == "week") out = isoWeek(t);
  else if (name == "day") out = c.day;
  else if (name == "dayofyear") out = daysFromCivil(c.year, c.month, c.day) - daysFromCivil(c.year, 1, 1) + 1;
  else if (name == "hour") out = c.nanosOfDay / kNanosPerHour;
  else if (name == "minute") out = c.nanosOfDay / (60 * kNanosPerSecond) % 60;
  else if (name == "second") out = c.nanosOfDay / kNanosPerSecond % 60;
  else if (name == "millisecond") out = c.nanosOfDay / 1'000'000 % 1000;
  else if (name == "microsecond") out = c.nanosOfDay / 1000 % 1'000'000;
  else if (name == "nanosecond") out = c.nanosOfDay % kNanosPerSecond;
  else return false;
  return true;
}

void datetimePart(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  std::string name;
  int64_t t, value;
  if (textArg(ctx, argc, args, 0, name) && datetimeArg(args, 1, t) && part(name, t, value))
    *out = intValue(value);
}

template <const char *name>
void namedPart(rulec_context *, uint32_t, const rulec_value *const *args, rulec_value *out) {
  int64_t t, value;
  if (datetimeArg(args, 0, t) && part(name, t, value))
    *out = intValue(value);
}
constexpr char kYear[] = "year", kMonth[] = "month", kDay[] = "day", kDayOfYear[] = "dayofyear", kHour[] = "hour",
               kWeek[] = "week_of_year";

/// The nanoseconds of one `part` (fixed-length parts only).
int64_t fixedPart(const std::string &p) {
  if (p == "week") return 7 * kNanosPerDay;
  if (p == "day") return kNanosPerDay;
  if (p == "hour") return kNanosPerHour;
  if (p == "minute") return 60 * kNanosPerSecond;
  if (p == "second") return kNanosPerSecond;
  if (p == "millisecond") return 1'000'000;
  if (p == "microsecond") return 1000;
  if (p == "nanosecond") return 1;
  return 0;
}

std::string lowerText(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, uint32_t i) {
  std::string s;
  if (!textArg(ctx, argc, args, i, s))
    return "";
  for (char &ch : s)
    ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

/// datetime_add(part, amount, dt): months, quarters and years keep the day,
/// clamped to the month's last (Jan 31 + 1 month = Feb 28/29).
void datetimeAdd(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  const std::string p = lowerText(ctx, argc, args, 0);
  int64_t t;
  if (args[1]->kind != RULEC_INT || !datetimeArg(args, 2, t))
    return;
  const int64_t amount = args[1]->payload.i;
  if (p == "year" || p == "quarter" || p == "month") {
    if (amount > 100000 || amount < -100000)
      return;
    const int64_t months = amount * (p == "year" ? 12 : p == "quarter" ? 3 : 1);
    const Civil c = civil(t);
    const int64_t total = c.year * 12 + (c.month - 1) + months;
    const int64_t y = total / 12 - (total % 12 < 0), m = total - y * 12 + 1;
    if (y < 1678 || y > 2261)
      return;
    const unsigned d = std::min<unsigned>(c.day, daysInMonth(y, static_cast<unsigned>(m)));
    *out = datetimeOrNull(y, m, d, c.nanosOfDay);
    return;
  }
  const int64_t unit = fixedPart(p);
  int64_t delta, r;
  if (unit && !__builtin_mul_overflow(amount, unit, &delta) && !__builtin_add_overflow(t, delta, &r))
    *out = timeValue(RULEC_DATETIME, r);
}

/// datetime_diff(part, a, b): how many period boundaries lie between b and a
/// (calendar periods: years, quarters, months, weeks from Sunday; fixed ones floored).
void datetimeDiff(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  const std::string p = lowerText(ctx, argc, args, 0);
  int64_t a, b;
  if (!datetimeArg(args, 1, a) || !datetimeArg(args, 2, b))
    return;
  const Civil x = civil(a), y = civil(b);
  if (p == "year") *out = intValue(x.year - y.year);
  else if (p == "quarter") *out = intValue((x.year * 4 + (x.month - 1) / 3) - (y.year * 4 + (y.month - 1) / 3));
  else if (p == "month") *out = intValue((x.year * 12 + x.month) - (y.year * 12 + y.month));
  else if (p == "week") {
    auto weekStart = [](int64_t t) {
      int64_t days = t / kNanosPerDay - (t % kNanosPerDay < 0);
      return days - weekday(t);
    };
    *out = intValue((weekStart(a) - weekStart(b)) / 7);
  } else if (int64_t unit = fixedPart(p)) {
    auto floorDiv = [](int64_t n, int64_t d) { return n / d - (n % d < 0); };
    *out = intValue(floorDiv(a, unit) - floorDiv(b, unit));
  }
}

/// make_datetime(year, month, day [, hour, minute [, second]]); second may be real.
void makeDatetime(rulec_context *, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  if (argc == 4)
    return;
  int64_t p[5] = {0, 0, 0, 0, 0};
  for (uint32_t i = 0; i < argc && i < 5; ++i) {
    if (args[i]->kind != RULEC_INT)
      return;
    p[i] = args[i]->payload.i;
  }
  double seconds = 0;
  if (argc == 6 && !numberArg(*args[5], seconds))
    return;
  if (p[1] < 1 || p[1] > 12 || p[2] < 1 || p[0] < 1678 || p[0] > 2261 ||
      p[2] > daysInMonth(p[0], static_cast<unsigned>(p[1])) || p[3] < 0 || p[3] > 23 || p[4] < 0 || p[4] > 59 ||
      !(seconds >= 0 && seconds < 60))
    return;
  const int64_t nanosOfDay = (p[3] * 3600 + p[4] * 60) * kNanosPerSecond + std::llround(seconds * 1e7) * 100;
  *out = datetimeOrNull(p[0], p[1], p[2], nanosOfDay);
}

/// make_timespan(hours, minutes), (hours, minutes, seconds), (days, hours, minutes, seconds).
void makeTimespan(rulec_context *, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  double v[4] = {0, 0, 0, 0};
  const uint32_t first = argc == 4 ? 0 : 1; // else hours first
  for (uint32_t i = 0; i < argc; ++i)
    if (!numberArg(*args[i], v[first + i]))
      return;
  const double nanos = ((v[0] * 24 + v[1]) * 60 + v[2]) * 60 * 1e9 + v[3] * 1e9;
  if (std::isfinite(nanos) && std::fabs(nanos) < 9.2e18)
    *out = timeValue(RULEC_TIMESPAN, static_cast<int64_t>(std::llround(nanos / 100)) * 100);
}

template <int64_t nanosPerUnit>
void unixtimeToDatetime(rulec_context *, uint32_t, const rulec_value *const *args, rulec_value *out) {
  double x;
  if (!numberArg(*args[0], x))
    return;
  if (args[0]->kind == RULEC_INT) {
    int64_t n;
    if (!__builtin_mul_overflow(args[0]->payload.i, nanosPerUnit, &n))
      *out = timeValue(RULEC_DATETIME, n);
    return;
  }
  const double n = x * static_cast<double>(nanosPerUnit);
  if (std::isfinite(n) && std::fabs(n) < 9.2e18)
    *out = timeValue(RULEC_DATETIME, static_cast<int64_t>(std::llround(n / 100)) * 100);
}

/// The run of the same format letter starting at `i`.
size_t run(std::string_view f, size_t i) {
  size_t n = 1;
  while (i + n < f.size() && f[i + n] == f[i])
    ++n;
  return n;
}

void appendNumber(std::string &out, int64_t v, size_t width) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%0*lld", static_cast<int>(width), static_cast<long long>(v));
  out += buf;
}

/// Fraction digits: f... always `n` digits, F... without trailing zeros.
void appendFraction(std::string &out, int64_t nanosOfSecond, size_t n, bool trim) {
  std::string digits;
  appendNumber(digits, nanosOfSecond / 100, 7);
  digits.resize(std::min<size_t>(n, 7));
  if (trim)
    while (!digits.empty() && digits.back() == '0')
      digits.pop_back();
  out += digits;
}

bool isSeparator(char c) { return c == ' ' || c == '/' || c == '-' || c == ':' || c == ',' || c == '.' || c == '_' || c == '[' || c == ']'; }

/// format_datetime(dt, format): Kusto's specifiers d, dd, f..fffffff,
/// F..FFFFFFF, h, hh, H, HH, m, mm, M, MM, s, ss, y, yy, yyyy, tt and the
/// separators / - : , . _ [ ] and space. Any other letter: null.
void formatDatetime(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  int64_t t;
  std::string f, text;
  if (!datetimeArg(args, 0, t) || !textArg(ctx, argc, args, 1, f))
    return;
  const Civil c = civil(t);
  const int64_t hour = c.nanosOfDay / kNanosPerHour, minute = c.nanosOfDay / (60 * kNanosPerSecond) % 60,
                second = c.nanosOfDay / kNanosPerSecond % 60, frac = c.nanosOfDay % kNanosPerSecond;
  for (size_t i = 0; i < f.size();) {
    const size_t n = run(f, i);
    switch (f[i]) {
    case 'd': if (n > 2) return; appendNumber(text, c.day, n); break;
    case 'f': case 'F': if (n > 7) return; appendFraction(text, frac, n, f[i] == 'F'); break;
    case 'h': if (n > 2) return; appendNumber(text, hour % 12 == 0 ? 12 : hour % 12, n); break;
    case 'H': if (n > 2) return; appendNumber(text, hour, n); break;
    case 'm': if (n > 2) return; appendNumber(text, minute, n); break;
    case 'M': if (n > 2) return; appendNumber(text, c.month, n); break;
    case 's': if (n > 2) return; appendNumber(text, second, n); break;
    case 'y':
      if (n == 1 || n == 2) appendNumber(text, c.year % 100, n);
      else if (n <= 4) appendNumber(text, c.year, n);
      else return;
      break;
    case 't': if (n != 2) return; text += hour < 12 ? "AM" : "PM"; break;
    default:
      if (!isSeparator(f[i]))
        return;
      text.append(n, f[i]);
    }
    i += n;
  }
  *out = kqlvalue::string(ctx, text);
}

/// format_timespan(ts, format): d..dddddddd (days, at least that many
/// digits), f/F fractions, h/hh (hours of the day), H/HH, m/mm, s/ss.
void formatTimespan(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  std::string f, text;
  if (args[0]->kind != RULEC_TIMESPAN || !textArg(ctx, argc, args, 1, f))
    return;
  const int64_t v = args[0]->payload.i;
  const uint64_t a = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  const int64_t days = static_cast<int64_t>(a / kNanosPerDay), rest = static_cast<int64_t>(a % kNanosPerDay);
  const int64_t hour = rest / kNanosPerHour, minute = rest / (60 * kNanosPerSecond) % 60,
                second = rest / kNanosPerSecond % 60, frac = rest % kNanosPerSecond;
  if (v < 0)
    text += '-';
  for (size_t i = 0; i < f.size();) {
    const size_t n = run(f, i);
    switch (f[i]) {
    case 'd': if (n > 8) return; appendNumber(text, days, n); break;
    case 'f': case 'F': if (n > 7) return; appendFraction(text, frac, n, f[i] == 'F'); break;
    case 'h': case 'H': if (n > 2) return; appendNumber(text, hour, n); break;
    case 'm': if (n > 2) return; appendNumber(text, minute, n); break;
    case 's': if (n > 2) return; appendNumber(text, second, n); break;
    default:
      if (!isSeparator(f[i]))
        return;
      text.append(n, f[i]);
    }
    i += n;
  }
  *out = kqlvalue::string(ctx, text);
}

constexpr Function kTable[] = {
    {"todatetime", 1, 1, toDatetime},
    {"todate", 1, 1, toDatetime},
    {"totimespan", 1, 1, toTimespan},
    {"totime", 1, 1, toTimespan},
    {"now", 0, 0, now},
    {"bin", 2, 2, bin},
    {"floor", 2, 2, bin},
    {"bin_at", 3, 3, binAt},
    {"startofday", 1, 2, periodBound<Unit::Day, false>},
    {"startofweek", 1, 2, periodBound<Unit::Week, false>},
    {"startofmonth", 1, 2, periodBound<Unit::Month, false>},
    {"startofyear", 1, 2, periodBound<Unit::Year, false>},
    {"endofday", 1, 2, periodBound<Unit::Day, true>},
    {"endofweek", 1, 2, periodBound<Unit::Week, true>},
    {"endofmonth", 1, 2, periodBound<Unit::Month, true>},
    {"endofyear", 1, 2, periodBound<Unit::Year, true>},
    {"dayofweek", 1, 1, dayOfWeek},
    {"dayofmonth", 1, 1, namedPart<kDay>},
    {"dayofyear", 1, 1, namedPart<kDayOfYear>},
    {"hourofday", 1, 1, namedPart<kHour>},
    {"getyear", 1, 1, namedPart<kYear>},
    {"getmonth", 1, 1, namedPart<kMonth>},
    {"monthofyear", 1, 1, namedPart<kMonth>},
    {"week_of_year", 1, 1, namedPart<kWeek>},
    {"weekofyear", 1, 1, namedPart<kWeek>},
    {"datetime_part", 2, 2, datetimePart},
    {"datepart", 2, 2, datetimePart},
    {"datetime_add", 3, 3, datetimeAdd},
    {"datetime_diff", 3, 3, datetimeDiff},
    {"make_datetime", 3, 6, makeDatetime},
    {"make_timespan", 2, 4, makeTimespan},
    {"unixtime_seconds_todatetime", 1, 1, unixtimeToDatetime<kNanosPerSecond>},
    {"unixtime_milliseconds_todatetime", 1, 1, unixtimeToDatetime<1'000'000>},
    {"unixtime_microseconds_todatetime", 1, 1, unixtimeToDatetime<1000>},
    {"unixtime_nanoseconds_todatetime", 1, 1, unixtimeToDatetime<1>},
    {"format_datetime", 2, 2, formatDatetime},
    {"format_timespan", 2, 2, formatTimespan},
};

} // namespace

extern const Family kDatetimeFunctions{kTable};

} // namespace rulec::functions
