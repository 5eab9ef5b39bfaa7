//===- EventTime.cpp ------------------------------------------------------===//
#include "events/EventTime.h"

#include <charconv>

#include <algorithm>
#include <cstdio>

namespace rulec {

namespace {

class Cursor {
public:
  explicit Cursor(std::string_view s) : s_(s) {}
  bool digits(int n, int &out) {
    out = 0;
    for (int i = 0; i < n; ++i) {
      if (pos_ >= s_.size() || s_[pos_] < '0' || s_[pos_] > '9')
        return false;
      out = out * 10 + (s_[pos_++] - '0');
    }
    return true;
  }
  bool eat(char c) {
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool atEnd() const { return pos_ == s_.size(); }
  char peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  bool isDigit() const { return peek() >= '0' && peek() <= '9'; }
  void next() { ++pos_; }

private:
  std::string_view s_;
  size_t pos_ = 0;
};

constexpr unsigned kDaysInMonth[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

/// The two digits at text[i], or -1.
int twoDigits(const char *text, size_t i) {
  const unsigned a = static_cast<unsigned char>(text[i]) - '0', b = static_cast<unsigned char>(text[i + 1]) - '0';
  return a < 10 && b < 10 ? static_cast<int>(a * 10 + b) : -1;
}

} // namespace

void civilFromDays(int64_t z, int64_t &y, unsigned &m, unsigned &d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int64_t>(yoe) + era * 400 + (m <= 2);
}

int64_t daysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool parseTimestamp(std::string_view text, int64_t &nanos) {
  // "YYYY-MM-DD HH:MM:SS" (or T, t between): fixed places, read directly
  // (an event time is parsed per event; the cursor's checks per byte were a
  // twentieth of a Netskope pack's scan).
  if (text.size() < 19)
    return false;
  const char *t = text.data();
  const int century = twoDigits(t, 0), yy = twoDigits(t, 2), month = twoDigits(t, 5), day = twoDigits(t, 8);
  const int hour = twoDigits(t, 11), minute = twoDigits(t, 14), second = twoDigits(t, 17);
  if ((century | yy | month | day | hour | minute | second) < 0 || t[4] != '-' || t[7] != '-' ||
      (t[10] != ' ' && t[10] != 'T' && t[10] != 't') || t[13] != ':' || t[16] != ':')
    return false;
  const int year = century * 100 + yy;
  if (month < 1 || month > 12 || day < 1 || day > static_cast<int>(kDaysInMonth[month - 1]) ||
      hour > 23 || minute > 59 || second > 60)
    return false;
  if (month == 2 && day == 29 && !(year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)))
    return false;
  // The fraction: any number of digits, the first nine kept.
  static constexpr int64_t kScale[10] = {1000000000, 100000000, 10000000, 1000000, 100000,
                                         10000,      1000,      100,      10,      1};
  size_t at = 19;
  int64_t fraction = 0;
  if (at < text.size() && t[at] == '.') {
    const size_t first = ++at;
    for (; at < text.size() && static_cast<unsigned>(t[at] - '0') < 10; ++at)
      if (at - first < 9)
        fraction = fraction * 10 + (t[at] - '0');
    if (at == first)
      return false;
    fraction *= kScale[std::min<size_t>(at - first, 9)];
  }
  Cursor c(text.substr(at));
  int64_t offsetSeconds = 0;
  if (c.eat('Z') || c.eat('z')) {
  } else if (c.peek() == '+' || c.peek() == '-') {
    int sign = c.peek() == '-' ? -1 : 1;
    c.next();
    int oh, om;
    if (!c.digits(2, oh) || !c.eat(':') || !c.digits(2, om) || oh > 23 || om > 59)
      return false;
    offsetSeconds = sign * (oh * 3600 + om * 60);
  }
  if (!c.atEnd())
    return false;
  const int64_t seconds = daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 +
                          second - offsetSeconds;
  // Nanoseconds in int64 reach from 1677-09-21 to 2262-04-11; a time outside
  // (year 9999, 0001) is not one rulec can represent, so it is not a time,
  // rather than an overflow (found by fuzz_events and fuzz_kql).
  // Before 1970 the fraction is taken from the next second up, so that the
  // first representable second (1677-09-21T00:12:43) does not overflow first.
  const bool borrow = seconds < 0 && fraction > 0;
  return !__builtin_mul_overflow(seconds + borrow, kNanosPerSecond, &nanos) &&
         !__builtin_add_overflow(nanos, fraction - (borrow ? kNanosPerSecond : 0), &nanos);
}

std::string formatTimestamp(int64_t nanos) {
  int64_t seconds = nanos / kNanosPerSecond, frac = nanos % kNanosPerSecond;
  if (frac < 0) {
    frac += kNanosPerSecond;
    --seconds;
  }
  int64_t days = seconds / 86400, rem = seconds % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  int64_t y;
  unsigned m, d;
  civilFromDays(days, y, m, d);
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld",
                        static_cast<long long>(y), m, d, static_cast<long long>(rem / 3600),
                        static_cast<long long>(rem / 60 % 60), static_cast<long long>(rem % 60));
  std::string out(buf, n);
  if (frac) {
    std::snprintf(buf, sizeof buf, ".%09lld", static_cast<long long>(frac));
    std::string f(buf);
    while (f.back() == '0')
      f.pop_back();
    out += f;
  }
  return out + "Z";
}

bool parseKustoDatetime(std::string_view text, int64_t &nanos) {
  while (!text.empty() && text.back() == ' ')
    text.remove_suffix(1);
  while (!text.empty() && text.front() == ' ')
    text.remove_prefix(1);
  if (parseTimestamp(text, nanos))
    return true;
  // Numbers separated as the form says; `form` holds Y M D h m s slots.
  auto read = [&](const char *separators, int *parts, int count) {
    size_t at = 0;
    for (int i = 0; i < count; ++i) {
      if (i && (at >= text.size() || text[at] != separators[i - 1]))
        return false;
      if (i)
        ++at;
      auto [p, ec] = std::from_chars(text.data() + at, text.data() + text.size(), parts[i]);
      if (ec != std::errc() || p == text.data() + at)
        return false;
      at = static_cast<size_t>(p - text.data());
    }
    return at == text.size();
  };
  int v[6] = {0, 0, 0, 0, 0, 0};
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  std::string compact; // "2025, 6, 14": the parts of datetime(y, m, d [, h, m, s]) as .NET reads them
  if (text.find(',') != std::string_view::npos) {
    for (char c : text)
      if (c != ' ')
        compact += c;
    text = compact;
  }
  if (read(",,,,,", v, 6) || read(",,", v, 3)) { // Y, M, D [, h, m, s]
    year = v[0], month = v[1], day = v[2], hour = v[3], minute = v[4], second = v[5];
  } else if ((read("-- :", v, 5) || read("--", v, 3)) && v[0] > 31) { // YYYY-MM-DD [HH:MM]
    year = v[0], month = v[1], day = v[2], hour = v[3], minute = v[4];
  } else if (read("--", v, 3) && v[2] > 31) { // MM-DD-YYYY (the US order, as .NET's invariant culture)
    month = v[0], day = v[1], year = v[2];
  } else if (read("// ::", v, 6) || read("// :", v, 5) || read("//", v, 3)) { // M/D/YYYY [H:MM[:SS]]
    month = v[0], day = v[1], year = v[2], hour = v[3], minute = v[4], second = v[5];
  } else {
    return false;
  }
  if (month < 1 || month > 12 || day < 1 || day > static_cast<int>(kDaysInMonth[month - 1]) || hour > 23 ||
      minute > 59 || second > 59 || year < 1 || year > 9999)
    return false;
  const int64_t seconds = daysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 +
                          hour * 3600 + minute * 60 + second;
  // Years outside int64 nanoseconds (about 1678-2261) are not datetimes here
  // (a "Y, M, D" literal of year 1012 overflowed: found by fuzz_kql).
  return !__builtin_mul_overflow(seconds, kNanosPerSecond, &nanos);
}

std::string formatKustoDatetime(int64_t nanos) {
  int64_t seconds = nanos / kNanosPerSecond, frac = nanos % kNanosPerSecond;
  if (frac < 0) {
    frac += kNanosPerSecond;
    --seconds;
  }
  std::string out = formatTimestamp(seconds * kNanosPerSecond); // whole seconds: no fraction, a Z
  char buf[16];
  std::snprintf(buf, sizeof buf, ".%07lld", static_cast<long long>(frac / 100));
  return out.insert(out.size() - 1, buf);
}

std::string formatKustoTimespan(int64_t nanos) {
  const bool negative = nanos < 0;
  uint64_t ticks = (negative ? 0 - static_cast<uint64_t>(nanos) : static_cast<uint64_t>(nanos)) / 100;
  const uint64_t fraction = ticks % 10'000'000, totalSeconds = ticks / 10'000'000;
  const uint64_t days = totalSeconds / 86400, rem = totalSeconds % 86400;
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%s", negative ? "-" : "");
  if (days)
    n += std::snprintf(buf + n, sizeof buf - n, "%llu.", static_cast<unsigned long long>(days));
  n += std::snprintf(buf + n, sizeof buf - n, "%02llu:%02llu:%02llu", static_cast<unsigned long long>(rem / 3600),
                     static_cast<unsigned long long>(rem / 60 % 60), static_cast<unsigned long long>(rem % 60));
  if (fraction)
    n += std::snprintf(buf + n, sizeof buf - n, ".%07llu", static_cast<unsigned long long>(fraction));
  return std::string(buf, n);
}

std::string formatSpan(int64_t nanos) {
  if (nanos == 0)
    return "0s";
  std::string out = nanos < 0 ? "-" : "";
  uint64_t n = nanos < 0 ? 0 - static_cast<uint64_t>(nanos) : static_cast<uint64_t>(nanos);
  const std::pair<uint64_t, const char *> units[] = {{86400ull * 1000000000ull, "d"}, {3600ull * 1000000000ull, "h"},
                                                      {60ull * 1000000000ull, "m"}, {1000000000ull, "s"},
                                                      {1000000ull, "ms"}, {1000ull, "microseconds"}, {100ull, "tick"}};
  for (const auto &[size, name] : units)
    if (n >= size) {
      out += std::to_string(n / size) + name;
      n %= size;
    }
  if (n)
    out += std::to_string(n) + "ns";
  return out;
}

std::vector<std::string> defaultTimeFields(const std::string &logType) {
  if (logType == "Netskope.Audit")
    return {"timestamp"};
  return {"p_event_time", "TimeGenerated", "Event.System.TimeCreated.#attributes.SystemTime"};
}

} // namespace rulec
