//===- IpFunctions.cpp - ipv4_*, ipv6_*, has_ipv4*, parse_ipv*, format_ipv4* ===//
//
// Kusto's IP functions. Addresses take IP-prefix notation ("a.b.c.d/n"): a
// comparison uses the smaller of the two prefixes and the optional prefix
// argument. In the ipv6_* functions an IPv4 address (also one written in
// IPv6 text with a dotted tail, "::a.b.c.d") is the IPv4-mapped address
// ::ffff:a.b.c.d and its /n prefix counts IPv4 bits (96 + n), as Kusto's
// parse_ipv6_mask examples show. docs/kql.md gives the choices.
//
//===----------------------------------------------------------------------===//
#include "functions/Arguments.h"
#include "functions/FunctionLibrary.h"
#include "matching/IpAddress.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdio>

namespace rulec::functions {

namespace {

/// A prefix length "n" (decimal digits only) no larger than `max`.
bool parsePrefix(std::string_view s, uint32_t max, uint32_t &prefix) {
  if (s.empty() || s.size() > 3)
    return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), prefix);
  return ec == std::errc() && p == s.data() + s.size() && prefix <= max;
}

/// A dotted quad (octets 0-255, one to three digits each).
bool parseDottedQuad(std::string_view ip, uint32_t &address) {
  address = 0;
  for (int part = 0; part < 4; ++part) {
    size_t digits = 0;
    unsigned value = 0;
    while (digits < ip.size() && digits < 4 && ip[digits] >= '0' && ip[digits] <= '9')
      value = value * 10 + static_cast<unsigned>(ip[digits++] - '0');
    if (digits == 0 || digits > 3 || value > 255)
      return false;
    address = address << 8 | value;
    ip.remove_prefix(digits);
    if (part < 3) {
      if (ip.empty() || ip[0] != '.')
        return false;
      ip.remove_prefix(1);
    }
  }
  return ip.empty();
}

/// "a.b.c.d" or "a.b.c.d/n": the address as written and its prefix (32
/// without one).
bool parseIpv4(std::string_view s, uint32_t &address, uint32_t &prefix) {
  const size_t slash = s.find('/');
  prefix = 32;
  if (slash != std::string_view::npos && !parsePrefix(s.substr(slash + 1), 32, prefix))
    return false;
  return parseDottedQuad(s.substr(0, slash), address);
}

uint32_t mask4(uint32_t prefix) { return prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix); }

/// Argument `i`'s text as an IPv4 address.
bool ipv4Arg(rulec_context *ctx, const rulec_value *const *args, uint32_t argc, uint32_t i, uint32_t &address,
             uint32_t &prefix) {
  std::string text;
  return textArg(ctx, argc, args, i, text) && parseIpv4(text, address, prefix);
}

/// An optional prefix argument in [0, max]; absent means `max`.
bool prefixArg(const rulec_value *const *args, uint32_t argc, uint32_t i, uint32_t max, uint32_t &prefix) {
  prefix = max;
  if (i >= argc)
    return true;
  if (args[i]->kind != RULEC_INT || args[i]->payload.i < 0 || args[i]->payload.i > static_cast<int64_t>(max))
    return false;
  prefix = static_cast<uint32_t>(args[i]->payload.i);
  return true;
}

/// ipv4_compare's result: -1, 0, 1, or false when an argument is invalid.
bool compare4(rulec_context *ctx, const rulec_value *const *args, uint32_t argc, int &result) {
  uint32_t a, b, pa, pb, p;
  if (!ipv4Arg(ctx, args, argc, 0, a, pa) || !ipv4Arg(ctx, args, argc, 1, b, pb) || !prefixArg(args, argc, 2, 32, p))
    return false;
  const uint32_t m = mask4(std::min({pa, pb, p}));
  a &= m;
  b &= m;
  result = a < b ? -1 : a > b ? 1 : 0;
  return true;
}

void ipv4Compare(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  int r;
  if (compare4(ctx, args, argc, r))
    *out = intValue(r);
}

void ipv4IsMatch(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  int r;
  if (compare4(ctx, args, argc, r))
    *out = boolValue(r == 0);
}

/// RFC 1918: 10/8, 172.16/12, 192.168/16.
void ipv4IsPrivate(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  uint32_t ip, prefix;
  if (ipv4Arg(ctx, args, argc, 0, ip, prefix))
    *out = boolValue((ip >> 24) == 10 || (ip >> 20) == ((172u << 4) | 1) || (ip >> 16) == ((192u << 8) | 168));
}

/// The strings of arguments `from`.. : each a string, or one dynamic array
/// of them (has_any_ipv4, ipv4_is_in_any_range). False for anything else.
bool stringList(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, uint32_t from,
                std::vector<std::string> &out) {
  out.clear();
  if (argc == from + 1 && args[from]->kind != RULEC_STRING) {
    std::vector<std::string> items;
    if (!arrayItems(ctx, *args[from], items))
      return false;
    for (const std::string &item : items) {
      simdjson::dom::element e;
      std::string_view s;
      if (ctx->json.parse(item).get(e) || e.get_string().get(s))
        return false;
      out.emplace_back(s);
    }
    return true;
  }
  for (uint32_t i = from; i < argc; ++i) {
    if (args[i]->kind != RULEC_STRING)
      return false;
    out.emplace_back(args[i]->payload.s, args[i]->len);
  }
  return true;
}

bool inRange4(uint32_t ip, uint32_t net, uint32_t prefix) { return ((ip ^ net) & mask4(prefix)) == 0; }

void ipv4IsInRange(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  uint32_t ip, ipPrefix, net, prefix;
  if (ipv4Arg(ctx, args, argc, 0, ip, ipPrefix) && ipv4Arg(ctx, args, argc, 1, net, prefix))
    *out = boolValue(inRange4(ip & mask4(ipPrefix), net, prefix));
}

void ipv4IsInAnyRange(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  uint32_t ip, ipPrefix, net, prefix;
  std::vector<std::string> ranges;
  if (!ipv4Arg(ctx, args, argc, 0, ip, ipPrefix) || !stringList(ctx, argc, args, 1, ranges))
    return;
  bool found = false;
  for (const std::string &range : ranges) {
    if (!parseIpv4(range, net, prefix))
      return; // an invalid range: null, as ipv4_is_in_range
    found = found || inRange4(ip & mask4(ipPrefix), net, prefix);
  }
  *out = boolValue(found);
}

void parseIpv4Fn(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  uint32_t ip, prefix;
  if (ipv4Arg(ctx, args, argc, 0, ip, prefix))
    *out = intValue(ip & mask4(prefix));
}

void parseIpv4Mask(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  uint32_t ip, prefix, p;
  if (ipv4Arg(ctx, args, argc, 0, ip, prefix) && prefixArg(args, argc, 1, 32, p))
    *out = intValue(ip & mask4(std::min(prefix, p)));
}

void ipv4NetmaskSuffix(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  uint32_t ip, prefix;
  if (ipv4Arg(ctx, args, argc, 0, ip, prefix))
    *out = intValue(prefix);
}

std::string dottedQuad(uint32_t ip) {
  char text[16];
  std::snprintf(text, sizeof text, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
  return text;
}

/// format_ipv4(ip [, prefix]), format_ipv4_mask: `ip` a string or a number
/// (0 to 2^32-1); "" when either is invalid.
template <bool withMask>
void formatIpv4(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  uint32_t ip = 0, prefix = 32, p;
  bool ok = prefixArg(args, argc, 1, 32, p);
  if (args[0]->kind == RULEC_INT) {
    ok = ok && args[0]->payload.i >= 0 && args[0]->payload.i <= 0xFFFFFFFFll;
    ip = static_cast<uint32_t>(args[0]->payload.i);
  } else
    ok = ok && ipv4Arg(ctx, args, argc, 0, ip, prefix);
  if (!ok) {
    *out = kqlvalue::string(ctx, "");
    return;
  }
  prefix = std::min(prefix, p);
  std::string text = dottedQuad(ip & mask4(prefix));
  if (withMask)
    text += "/" + std::to_string(prefix);
  *out = kqlvalue::string(ctx, text);
}

/// The fewest CIDR blocks covering [start, end]: at most 62, whatever the
/// input.
void ipv4RangeToCidrList(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  uint32_t first, last, p1, p2;
  if (!ipv4Arg(ctx, args, argc, 0, first, p1) || !ipv4Arg(ctx, args, argc, 1, last, p2))
    return;
  uint64_t start = first & mask4(p1), end = last & mask4(p2);
  if (start > end)
    return;
  std::vector<std::string> blocks;
  while (start <= end) {
    // The largest block aligned at `start` that stays within `end`.
    int bits = 0;
    while (bits < 32 && (start & ((uint64_t{2} << bits) - 1)) == 0 && start + (uint64_t{2} << bits) - 1 <= end)
      ++bits;
    blocks.push_back(jsonQuoted(dottedQuad(static_cast<uint32_t>(start)) + "/" + std::to_string(32 - bits)));
    start += uint64_t{1} << bits;
  }
  *out = arrayValue(ctx, blocks);
}

/// Whether `text` has the valid IPv4 address `ip` (prefix of `octets`
/// octets: 4 for a whole address), delimited by non-alphanumeric characters.
bool textHasIpv4(std::string_view text, uint32_t ip, int octets) {
  auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  for (size_t i = 0; i < text.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i])) || (i > 0 && alnum(text[i - 1])))
      continue;
    // The longest dotted quad from i: four octets of up to three digits.
    size_t end = i;
    uint32_t address = 0;
    bool ok = true;
    for (int part = 0; part < 4 && ok; ++part) {
      if (part > 0) {
        ok = end < text.size() && text[end] == '.';
        ++end;
      }
      size_t digits = 0;
      unsigned value = 0;
      while (ok && end < text.size() && digits < 3 && std::isdigit(static_cast<unsigned char>(text[end])))
        value = value * 10 + static_cast<unsigned>(text[end++] - '0'), ++digits;
      ok = ok && digits > 0 && value <= 255;
      address = address << 8 | value;
    }
    if (ok && (end == text.size() || !alnum(text[end])) &&
        (octets == 4 ? address == ip : (address >> (32 - 8 * octets)) == (ip >> (32 - 8 * octets))))
      return true;
  }
  return false;
}

/// A has_ipv4_prefix prefix: a whole address, or one to three octets each
/// followed by a dot ("10.", "192.168.").
bool parseIpv4Prefix(std::string_view s, uint32_t &ip, int &octets) {
  uint32_t prefix;
  if (s.find('/') == std::string_view::npos && parseIpv4(s, ip, prefix)) {
    octets = 4;
    return true;
  }
  if (s.empty() || s.back() != '.')
    return false;
  std::string padded(s);
  octets = 0;
  for (char c : s)
    octets += c == '.';
  if (octets > 3)
    return false;
  for (int i = octets; i < 4; ++i)
    padded += i < 3 ? "0." : "0";
  return parseDottedQuad(padded, ip);
}

template <bool prefixes>
void hasAnyIpv4(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  std::string text;
  std::vector<std::string> wanted;
  if (!textArg(ctx, argc, args, 0, text) || !stringList(ctx, argc, args, 1, wanted))
    return;
  bool found = false;
  for (const std::string &w : wanted) {
    uint32_t ip, prefix;
    int octets = 4;
    const bool valid = prefixes ? parseIpv4Prefix(w, ip, octets)
                                : w.find('/') == std::string::npos && parseIpv4(w, ip, prefix);
    found = found || (valid && textHasIpv4(text, ip, octets));
  }
  *out = boolValue(found);
}

// IPv6 -----------------------------------------------------------------------

struct Ip6 {
  std::array<uint8_t, 16> bytes{};
  uint32_t prefix = 128;
};

/// An IPv6 or IPv4 address with an optional prefix; IPv4 (dotted) as
/// ::ffff:a.b.c.d with its prefix counted from bit 96.
bool parseIp6(std::string_view s, Ip6 &out) {
  const size_t slash = s.find('/');
  std::string_view address = s.substr(0, slash);
  const bool dotted = address.find('.') != std::string_view::npos;
  uint32_t prefix = dotted ? 32 : 128;
  if (slash != std::string_view::npos && !parsePrefix(s.substr(slash + 1), prefix, prefix))
    return false;
  out.bytes = {};
  uint32_t v4, v4prefix;
  if (dotted && parseIpv4(address, v4, v4prefix)) {
    for (int i = 0; i < 4; ++i)
      out.bytes[12 + i] = static_cast<uint8_t>(v4 >> (24 - 8 * i));
  } else {
    IpAddress ip;
    if (!parseIpAddress(address, ip) || ip.version != 6)
      return false;
    out.bytes = ip.bytes;
    if (dotted) // an IPv4 tail: the address is IPv4, the first 96 bits are dropped
      std::fill(out.bytes.begin(), out.bytes.begin() + 12, 0);
  }
  if (dotted) {
    out.bytes[10] = out.bytes[11] = 0xff;
    prefix += 96;
  }
  out.prefix = prefix;
  return true;
}

bool ipv6Arg(rulec_context *ctx, const rulec_value *const *args, uint32_t argc, uint32_t i, Ip6 &out) {
  std::string text;
  return textArg(ctx, argc, args, i, text) && parseIp6(text, out);
}

void applyMask(Ip6 &ip, uint32_t prefix) {
  for (uint32_t i = 0; i < 16; ++i) {
    const uint32_t bits = prefix > 8 * i ? std::min<uint32_t>(prefix - 8 * i, 8) : 0;
    ip.bytes[i] &= static_cast<uint8_t>(bits == 0 ? 0 : 0xff << (8 - bits));
  }
}

bool compare6(rulec_context *ctx, const rulec_value *const *args, uint32_t argc, int &result) {
  Ip6 a, b;
  uint32_t p;
  if (!ipv6Arg(ctx, args, argc, 0, a) || !ipv6Arg(ctx, args, argc, 1, b) || !prefixArg(args, argc, 2, 128, p))
    return false;
  const uint32_t prefix = std::min({a.prefix, b.prefix, p});
  applyMask(a, prefix);
  applyMask(b, prefix);
  result = a.bytes < b.bytes ? -1 : a.bytes > b.bytes ? 1 : 0;
  return true;
}

void ipv6Compare(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  int r;
  if (compare6(ctx, args, argc, r))
    *out = intValue(r);
}

void ipv6IsMatch(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  int r;
  if (compare6(ctx, args, argc, r))
    *out = boolValue(r == 0);
}

bool inRange6(Ip6 ip, Ip6 net) {
  applyMask(ip, std::min(ip.prefix, net.prefix));
  applyMask(net, net.prefix);
  return ip.bytes == net.bytes;
}

void ipv6IsInRange(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  Ip6 ip, net;
  if (ipv6Arg(ctx, args, argc, 0, ip) && ipv6Arg(ctx, args, argc, 1, net))
    *out = boolValue(inRange6(ip, net));
}

void ipv6IsInAnyRange(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  Ip6 ip, net;
  std::vector<std::string> ranges;
  if (!ipv6Arg(ctx, args, argc, 0, ip) || !stringList(ctx, argc, args, 1, ranges))
    return;
  bool found = false;
  for (const std::string &range : ranges) {
    if (!parseIp6(range, net))
      return;
    found = found || inRange6(ip, net);
  }
  *out = boolValue(found);
}

/// parse_ipv6(ip), parse_ipv6_mask(ip, prefix): eight groups of four hex
/// digits, masked; "" when the input is invalid.
void parseIpv6Fn(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  Ip6 ip;
  uint32_t p = 128;
  if (!ipv6Arg(ctx, args, argc, 0, ip) || (argc > 1 && !prefixArg(args, argc, 1, 128, p))) {
    *out = kqlvalue::string(ctx, "");
    return;
  }
  applyMask(ip, std::min(ip.prefix, p));
  std::string text;
  char group[6];
  for (int g = 0; g < 8; ++g) {
    std::snprintf(group, sizeof group, g ? ":%02x%02x" : "%02x%02x", ip.bytes[2 * g], ip.bytes[2 * g + 1]);
    text += group;
  }
  *out = kqlvalue::string(ctx, text);
}

constexpr Function kTable[] = {
    {"ipv4_is_private", 1, 1, ipv4IsPrivate},
    {"ipv4_compare", 2, 3, ipv4Compare},
    {"ipv4_is_match", 2, 3, ipv4IsMatch},
    {"ipv4_is_in_range", 2, 2, ipv4IsInRange},
    {"ipv4_is_in_any_range", 2, 128, ipv4IsInAnyRange},
    {"parse_ipv4", 1, 1, parseIpv4Fn},
    {"parse_ipv4_mask", 2, 2, parseIpv4Mask},
    {"ipv4_netmask_suffix", 1, 1, ipv4NetmaskSuffix},
    {"format_ipv4", 1, 2, formatIpv4<false>},
    {"format_ipv4_mask", 1, 2, formatIpv4<true>},
    {"ipv4_range_to_cidr_list", 2, 2, ipv4RangeToCidrList},
    {"has_ipv4", 2, 2, hasAnyIpv4<false>},
    {"has_any_ipv4", 2, 128, hasAnyIpv4<false>},
    {"has_ipv4_prefix", 2, 2, hasAnyIpv4<true>},
    {"has_any_ipv4_prefix", 2, 128, hasAnyIpv4<true>},
    {"ipv6_compare", 2, 3, ipv6Compare},
    {"ipv6_is_match", 2, 3, ipv6IsMatch},
    {"ipv6_is_in_range", 2, 2, ipv6IsInRange},
    {"ipv6_is_in_any_range", 2, 128, ipv6IsInAnyRange},
    {"parse_ipv6", 1, 1, parseIpv6Fn},
    {"parse_ipv6_mask", 2, 2, parseIpv6Fn},
};

} // namespace

extern const Family kIpFunctions{kTable};

} // namespace rulec::functions
