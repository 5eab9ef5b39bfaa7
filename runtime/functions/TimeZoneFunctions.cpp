//===- TimeZoneFunctions.cpp - datetime_utc_to_local, datetime_local_to_utc ===//
//
// Kusto's time-zone conversions, with IANA zone names read from the
// system's tz database (/usr/share/zoneinfo/<name>, the Debian package
// tzdata). A zone file is TZif (RFC 8536) version 2 or later: rulec reads
// its 64-bit transition table and, past the last transition, the POSIX TZ
// rule in its footer. Zones are parsed once per thread and cached.
//
// UTC to local adds the offset in force at the instant. Local to UTC takes
// the offset in force after a transition when the local time is ambiguous:
// in a gap (clocks moved forward) the later, daylight offset, as the Kusto
// page's Europe/Brussels example shows (02:00 on 2022-03-27 gives 00:00
// UTC); in an overlap (clocks moved back) the later, standard offset, as
// .NET's TimeZoneInfo.ConvertTimeToUtc does. An unknown zone, a name with
// "..", a leading '/' or other characters than a zone name has, a value that
// is not a datetime, or a result outside the datetime range gives null.
//
//===----------------------------------------------------------------------===//
#include "events/EventTime.h"
#include "functions/Arguments.h"
#include "functions/FunctionLibrary.h"
#include "functions/TimeValues.h"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace rulec::functions {

namespace {

constexpr const char *kZoneDir = "/usr/share/zoneinfo/";
constexpr size_t kMaxZoneFile = 1 << 20; // real ones are under 10 KB
constexpr int64_t kSecondsPerDay = 86400;

int64_t yearOf(int64_t seconds) {
  int64_t days = seconds / kSecondsPerDay;
  if (seconds % kSecondsPerDay < 0)
    --days;
  int64_t year;
  unsigned month, day;
  civilFromDays(days, year, month, day);
  return year;
}

bool leapYear(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

/// One date of a POSIX TZ rule: Jn (1-365, no Feb 29), n (0-365) or Mm.w.d.
struct RuleDate {
  char kind = 'M'; ///< 'J', 'N' or 'M'
  int day = 0, month = 0, week = 0, weekday = 0;
  int64_t time = 7200; ///< seconds after local midnight (may be negative or over 24h)
};

/// A POSIX TZ string: a standard offset, and optionally a daylight one with its rule.
struct PosixRule {
  int64_t stdOffset = 0, dstOffset = 0; ///< seconds east of UTC
  bool hasDst = false;
  RuleDate start, end;
};

/// Seconds from the year's local midnight of Jan 1 to the rule date's moment.
int64_t ruleSecondsInYear(const RuleDate &r, int64_t year) {
  int64_t dayOfYear; // 0-based
  if (r.kind == 'J') {
    dayOfYear = r.day - 1;
    if (leapYear(year) && r.day >= 60)
      ++dayOfYear;
  } else if (r.kind == 'N') {
    dayOfYear = r.day;
  } else {
    const int64_t first = daysFromCivil(year, static_cast<unsigned>(r.month), 1);
    const int64_t firstWeekday = ((first % 7) + 11) % 7; // 1970-01-01 was a Thursday (4)
    int64_t day = (r.weekday - firstWeekday + 7) % 7 + 7 * (r.week - 1);
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const int monthDays = kDays[r.month - 1] + (r.month == 2 && leapYear(year));
    while (day >= monthDays)
      day -= 7;
    dayOfYear = first + day - daysFromCivil(year, 1, 1);
  }
  return dayOfYear * kSecondsPerDay + r.time;
}

int64_t posixOffset(const PosixRule &rule, int64_t t) {
  if (!rule.hasDst)
    return rule.stdOffset;
  const int64_t year = yearOf(t + rule.stdOffset);
  const int64_t jan1 = daysFromCivil(year, 1, 1) * kSecondsPerDay;
  const int64_t start = jan1 + ruleSecondsInYear(rule.start, year) - rule.stdOffset;
  const int64_t end = jan1 + ruleSecondsInYear(rule.end, year) - rule.dstOffset;
  const bool dst = start < end ? t >= start && t < end : t < end || t >= start;
  return dst ? rule.dstOffset : rule.stdOffset;
}

/// A POSIX TZ string parser (RFC 8536 section 3.3; times may reach +-167h).
class PosixParser {
public:
  explicit PosixParser(std::string_view s) : s_(s) {}

  bool parse(PosixRule &rule) {
    int64_t offset;
    if (!name() || !hms(offset, true))
      return false;
    rule.stdOffset = -offset; // POSIX counts west of UTC
    if (i_ == s_.size())
      return true;
    if (!name())
      return false;
    rule.hasDst = true;
    rule.dstOffset = rule.stdOffset + 3600;
    if (i_ < s_.size() && s_[i_] != ',') {
      if (!hms(offset, true))
        return false;
      rule.dstOffset = -offset;
    }
    if (i_ == s_.size()) { // no rule: the US one POSIX implies
      rule.start = {'M', 0, 3, 2, 0, 7200};
      rule.end = {'M', 0, 11, 1, 0, 7200};
      return true;
    }
    return eat(',') && date(rule.start) && eat(',') && date(rule.end) && i_ == s_.size();
  }

private:
  bool eat(char c) {
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }

  bool name() {
    const size_t begin = i_;
    if (eat('<')) {
      while (i_ < s_.size() && s_[i_] != '>')
        ++i_;
      return eat('>') && i_ - begin >= 3;
    }
    while (i_ < s_.size() && ((s_[i_] >= 'A' && s_[i_] <= 'Z') || (s_[i_] >= 'a' && s_[i_] <= 'z')))
      ++i_;
    return i_ - begin >= 3;
  }

  bool number(int64_t &n, int64_t max) {
    const size_t begin = i_;
    n = 0;
    while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9' && i_ - begin < 4)
      n = n * 10 + (s_[i_++] - '0');
    return i_ > begin && n <= max;
  }

  /// [+-]hh[:mm[:ss]] in seconds.
  bool hms(int64_t &out, bool signAllowed) {
    int64_t sign = 1, h, m = 0, sec = 0;
    if (signAllowed && eat('-'))
      sign = -1;
    else if (signAllowed)
      eat('+');
    if (!number(h, 167))
      return false;
    if (eat(':') && (!number(m, 59) || (eat(':') && !number(sec, 59))))
      return false;
    out = sign * (h * 3600 + m * 60 + sec);
    return true;
  }

  bool date(RuleDate &d) {
    int64_t a, b, c;
    if (eat('J')) {
      if (!number(a, 365) || a < 1)
        return false;
      d = {'J', static_cast<int>(a)};
    } else if (eat('M')) {
      if (!number(a, 12) || a < 1 || !eat('.') || !number(b, 5) || b < 1 || !eat('.') || !number(c, 6))
        return false;
      d = {'M', 0, static_cast<int>(a), static_cast<int>(b), static_cast<int>(c)};
    } else {
      if (!number(a, 365))
        return false;
      d = {'N', static_cast<int>(a)};
    }
    d.time = 7200;
    return !eat('/') || hms(d.time, true);
  }

  std::string_view s_;
  size_t i_ = 0;
};

struct Zone {
  std::vector<int64_t> transitions;  ///< UTC seconds, ascending
  std::vector<int32_t> offsetAfter;  ///< the offset from each transition on
  int32_t initialOffset = 0;         ///< before the first transition: time type 0
  std::optional<PosixRule> footer;   ///< after the last transition

  /// Seconds east of UTC at the UTC instant `t`.
  int64_t offsetAt(int64_t t) const {
    if (transitions.empty() || t < transitions.front())
      return transitions.empty() && footer ? posixOffset(*footer, t) : initialOffset;
    if (t >= transitions.back() && footer)
      return posixOffset(*footer, t);
    const size_t i = std::upper_bound(transitions.begin(), transitions.end(), t) - transitions.begin() - 1;
    return offsetAfter[i];
  }
};

uint32_t be32(const unsigned char *p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

int64_t be64(const unsigned char *p) {
  return static_cast<int64_t>((uint64_t{be32(p)} << 32) | be32(p + 4));
}

/// Parses a TZif file of version 2 or later; false for anything else.
bool parseTzif(const std::string &data, Zone &zone) {
  const auto *p = reinterpret_cast<const unsigned char *>(data.data());
  const size_t size = data.size();
  struct Counts {
    uint64_t isut, isstd, leap, time, type, chars;
  };
  auto header = [&](size_t at, Counts &c) {
    if (at + 44 > size || data.compare(at, 4, "TZif") != 0)
      return false;
    c = {be32(p + at + 20), be32(p + at + 24), be32(p + at + 28), be32(p + at + 32), be32(p + at + 36),
         be32(p + at + 40)};
    return c.type >= 1 && c.type <= 256 && c.time <= 100000 && c.leap <= 100000 && c.chars <= 100000 &&
           c.isut <= 256 && c.isstd <= 256;
  };
  Counts v1, v2;
  if (!header(0, v1) || p[4] < '2')
    return false;
  const size_t v1Size = v1.time * 5 + v1.type * 6 + v1.chars + v1.leap * 8 + v1.isstd + v1.isut;
  const size_t second = 44 + v1Size;
  if (!header(second, v2))
    return false;
  size_t at = second + 44;
  const size_t v2Size = v2.time * 9 + v2.type * 6 + v2.chars + v2.leap * 12 + v2.isstd + v2.isut;
  if (at + v2Size > size)
    return false;
  const unsigned char *times = p + at, *indices = times + v2.time * 8, *types = indices + v2.time;
  auto typeOffset = [&](size_t i) { return static_cast<int32_t>(be32(types + i * 6)); };
  for (size_t i = 0; i < v2.type; ++i) {
    const int32_t off = typeOffset(i);
    if (off < -25 * 3600 || off > 26 * 3600)
      return false;
  }
  zone.transitions.resize(v2.time);
  zone.offsetAfter.resize(v2.time);
  for (size_t i = 0; i < v2.time; ++i) {
    zone.transitions[i] = be64(times + i * 8);
    if ((i > 0 && zone.transitions[i] <= zone.transitions[i - 1]) || indices[i] >= v2.type)
      return false;
    zone.offsetAfter[i] = typeOffset(indices[i]);
  }
  zone.initialOffset = typeOffset(0);
  at += v2Size;
  // The footer: "\n<POSIX TZ>\n"; an empty one means none.
  if (at < size && p[at] == '\n') {
    const size_t end = data.find('\n', at + 1);
    if (end != std::string::npos && end > at + 1) {
      PosixRule rule;
      if (PosixParser(std::string_view(data).substr(at + 1, end - at - 1)).parse(rule))
        zone.footer = rule;
    }
  }
  return true;
}

/// A name as the tz database spells one: letters, digits, '_', '-', '+', '/'.
bool plausibleName(std::string_view name) {
  if (name.empty() || name.size() > 128 || name.front() == '/' || name.back() == '/' ||
      name.find("..") != std::string_view::npos || name.find("//") != std::string_view::npos)
    return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           c == '+' || c == '/' || c == '.';
  });
}

std::shared_ptr<const Zone> loadZone(std::string_view name) {
  if (!plausibleName(name))
    return nullptr;
  const std::string path = kZoneDir + std::string(name);
  std::FILE *f = std::fopen(path.c_str(), "rb");
  if (!f)
    return nullptr;
  std::string data;
  char buffer[8192];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0 && data.size() <= kMaxZoneFile)
    data.append(buffer, n);
  const bool failed = std::ferror(f) != 0;
  std::fclose(f);
  auto zone = std::make_shared<Zone>();
  if (failed || data.size() > kMaxZoneFile || !parseTzif(data, *zone))
    return nullptr;
  return zone;
}

/// The zone named by `v` (a string), parsed once per thread; null when there is none.
const Zone *zoneArg(const rulec_value &v) {
  if (v.kind != RULEC_STRING)
    return nullptr;
  thread_local std::unordered_map<std::string, std::shared_ptr<const Zone>> cache;
  std::string name(v.payload.s, v.len);
  auto it = cache.find(name);
  if (it == cache.end()) {
    if (cache.size() >= 512) // bounded: unknown names are cached too
      cache.clear();
    it = cache.emplace(name, loadZone(name)).first;
  }
  return it->second.get();
}

int64_t floorDiv(int64_t a, int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }

void setDatetime(__int128 nanos, rulec_value *out) {
  if (nanos >= INT64_MIN && nanos <= INT64_MAX)
    *out = timeValue(RULEC_DATETIME, static_cast<int64_t>(nanos));
}

void utcToLocal(rulec_context *, uint32_t, const rulec_value *const *args, rulec_value *out) {
  rulec_value dt;
  const Zone *zone = zoneArg(*args[1]);
  if (!zone || !asDatetime(*args[0], dt))
    return;
  const int64_t offset = zone->offsetAt(floorDiv(dt.payload.i, kNanosPerSecond));
  setDatetime(static_cast<__int128>(dt.payload.i) + static_cast<__int128>(offset) * kNanosPerSecond, out);
}

void localToUtc(rulec_context *, uint32_t, const rulec_value *const *args, rulec_value *out) {
  rulec_value dt;
  const Zone *zone = zoneArg(*args[1]);
  if (!zone || !asDatetime(*args[0], dt))
    return;
  const int64_t nanos = dt.payload.i, local = floorDiv(nanos, kNanosPerSecond);
  // The offsets around: a local time is valid with offset o when the zone's
  // offset at local - o is o. Several valid: an overlap; none: a gap.
  int64_t candidates[6] = {zone->offsetAt(local - kSecondsPerDay), zone->offsetAt(local),
                           zone->offsetAt(local + kSecondsPerDay)};
  for (int i = 0; i < 3; ++i)
    candidates[3 + i] = zone->offsetAt(local - candidates[i]);
  std::optional<int64_t> valid, largest;
  for (int64_t o : candidates) {
    if (!largest || o > *largest)
      largest = o;
    if (zone->offsetAt(local - o) == o && (!valid || o < *valid))
      valid = o; // the smallest offset is the latest instant: the one after the transition
  }
  const int64_t offset = valid ? *valid : *largest; // a gap: the offset after the transition, the larger
  setDatetime(static_cast<__int128>(nanos) - static_cast<__int128>(offset) * kNanosPerSecond, out);
}

constexpr Function kTable[] = {
    {"datetime_utc_to_local", 2, 2, utcToLocal},
    {"datetime_local_to_utc", 2, 2, localToUtc},
};

} // namespace

extern const Family kTimeZoneFunctions{kTable};

} // namespace rulec::functions
