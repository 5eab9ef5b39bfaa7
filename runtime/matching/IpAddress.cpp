//===- IpAddress.cpp ------------------------------------------------------===//
#include "matching/IpAddress.h"

#include "rulec/abi.h"

#include <cstring>
#include <string>
#include <vector>

namespace rulec {

namespace {

bool parseV4(std::string_view s, uint8_t *out) {
  int part = 0;
  size_t i = 0;
  while (part < 4) {
    if (i >= s.size() || s[i] < '0' || s[i] > '9')
      return false;
    size_t start = i;
    unsigned v = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i - start < 4)
      v = v * 10 + (s[i++] - '0');
    if (v > 255 || i - start > 3 || (i - start > 1 && s[start] == '0'))
      return false; // Python rejects leading zeros (ambiguous octal)
    out[part++] = static_cast<uint8_t>(v);
    if (part < 4) {
      if (i >= s.size() || s[i] != '.')
        return false;
      ++i;
    }
  }
  return i == s.size();
}

int hexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool parseV6(std::string_view s, uint8_t *out) {
  if (s.size() < 2 || s.size() > 45)
    return false;
  std::vector<uint16_t> head, tail;
  std::vector<uint16_t> *cur = &head;
  bool compressed = false;
  size_t i = 0;
  if (s.substr(0, 2) == "::") {
    compressed = true;
    cur = &tail;
    i = 2;
    if (i == s.size()) {
      std::memset(out, 0, 16);
      return true;
    }
  } else if (s[0] == ':') {
    return false;
  }
  int v4Groups = 0;
  uint8_t v4[4];
  while (i < s.size()) {
    size_t start = i;
    while (i < s.size() && s[i] != ':')
      ++i;
    std::string_view group = s.substr(start, i - start);
    if (group.find('.') != std::string_view::npos) {
      if (i != s.size() || !parseV4(group, v4))
        return false; // an IPv4 tail must come last
      v4Groups = 2;
      break;
    }
    if (group.empty() || group.size() > 4)
      return false;
    unsigned v = 0;
    for (char c : group) {
      int d = hexDigit(c);
      if (d < 0)
        return false;
      v = v * 16 + d;
    }
    cur->push_back(static_cast<uint16_t>(v));
    if (i == s.size())
      break;
    ++i; // ':'
    if (i < s.size() && s[i] == ':') {
      if (compressed)
        return false; // one '::' at most
      compressed = true;
      cur = &tail;
      ++i;
      if (i == s.size())
        break;
    } else if (i == s.size()) {
      return false; // trailing single ':'
    }
  }
  const size_t groups = head.size() + tail.size() + v4Groups;
  if (compressed ? groups > 7 : groups != 8)
    return false;
  std::vector<uint16_t> all = head;
  all.resize(8 - tail.size() - v4Groups, 0);
  all.insert(all.end(), tail.begin(), tail.end());
  for (int g = 0; g < 8 - v4Groups; ++g) {
    out[2 * g] = static_cast<uint8_t>(all[g] >> 8);
    out[2 * g + 1] = static_cast<uint8_t>(all[g]);
  }
  if (v4Groups)
    std::memcpy(out + 12, v4, 4);
  return true;
}

bool prefixMatch(const uint8_t *a, const uint8_t *b, uint32_t prefix) {
  uint32_t full = prefix / 8, rest = prefix % 8;
  if (std::memcmp(a, b, full) != 0)
    return false;
  if (rest == 0)
    return true;
  uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (a[full] & mask) == (b[full] & mask);
}

std::vector<IpNetwork> parseAll(std::initializer_list<const char *> cidrs) {
  std::vector<IpNetwork> out;
  for (const char *c : cidrs) {
    IpNetwork net;
    parseIpNetwork(c, net, true);
    out.push_back(net);
  }
  return out;
}

bool inAny(const IpAddress &ip, const std::vector<IpNetwork> &nets) {
  for (const IpNetwork &net : nets)
    if (networkContains(net, ip))
      return true;
  return false;
}

} // namespace

bool parseIpAddress(std::string_view text, IpAddress &out) {
  out = IpAddress{};
  if (parseV4(text, out.bytes.data())) {
    out.version = 4;
    return true;
  }
  if (text.find(':') == std::string_view::npos)
    return false;
  // Python 3.9+ accepts an IPv6 scope id ("fe80::1%eth0"); it does not change the address.
  if (size_t pct = text.find('%'); pct != std::string_view::npos) {
    std::string_view zone = text.substr(pct + 1);
    if (zone.empty() || zone.find_first_of("%/") != std::string_view::npos)
      return false;
    text = text.substr(0, pct);
  }
  if (parseV6(text, out.bytes.data())) {
    out.version = 6;
    return true;
  }
  return false;
}

namespace {

/// The prefix length of an IPv4 netmask (255.255.0.0) or hostmask (0.0.255.255),
/// as ip_network accepts after the '/'; false if neither.
bool maskPrefix(std::string_view text, uint32_t &prefix) {
  uint8_t b[4];
  if (!parseV4(text, b))
    return false;
  const uint32_t v = uint32_t(b[0]) << 24 | uint32_t(b[1]) << 16 | uint32_t(b[2]) << 8 | b[3];
  for (uint32_t bits = 0; bits <= 32; ++bits) {
    const uint32_t net = bits == 0 ? 0 : ~uint32_t(0) << (32 - bits);
    if (v == net || (v == ~net && bits != 32 && bits != 0)) {
      prefix = bits;
      return true;
    }
  }
  return false;
}

} // namespace

bool parseIpNetwork(std::string_view text, IpNetwork &out, bool strict) {
  size_t slash = text.find('/');
  if (!parseIpAddress(text.substr(0, slash), out.address))
    return false;
  const uint32_t max = out.address.version == 4 ? 32 : 128;
  out.prefix = max;
  if (slash != std::string_view::npos) {
    std::string_view p = text.substr(slash + 1);
    if (out.address.version == 4 && p.find('.') != std::string_view::npos) {
      if (!maskPrefix(p, out.prefix))
        return false;
      p = {};
    } else if (p.empty() || p.size() > 3) {
      return false;
    }
    if (!p.empty()) {
      uint32_t v = 0;
      for (char c : p) {
        if (c < '0' || c > '9')
          return false;
        v = v * 10 + (c - '0');
      }
      if (v > max)
        return false;
      out.prefix = v;
    }
  }
  // Host bits: rejected when strict, cleared otherwise.
  for (uint32_t bit = out.prefix; bit < max; ++bit) {
    uint8_t &byte = out.address.bytes[bit / 8];
    uint8_t mask = static_cast<uint8_t>(0x80 >> (bit % 8));
    if (byte & mask) {
      if (strict)
        return false;
      byte &= static_cast<uint8_t>(~mask);
    }
  }
  return true;
}

bool networkContains(const IpNetwork &net, const IpAddress &ip) {
  return ip.version == net.address.version &&
         prefixMatch(ip.bytes.data(), net.address.bytes.data(), net.prefix);
}

bool isPrivate(const IpAddress &ip) {
  static const std::vector<IpNetwork> v4 = parseAll({"0.0.0.0/8", "10.0.0.0/8", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
                      "192.0.0.0/29", "192.0.0.170/31", "192.0.2.0/24", "192.168.0.0/16",
                      "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "240.0.0.0/4",
                      "255.255.255.255/32"});
  static const std::vector<IpNetwork> v6 = parseAll({"::1/128", "::/128", "::ffff:0:0/96", "100::/64", "2001::/23",
                      "2001:2::/48", "2001:db8::/32", "2001:10::/28", "fc00::/7", "fe80::/10"});
  return inAny(ip, ip.version == 4 ? v4 : v6);
}

bool isGlobal(const IpAddress &ip) {
  static const std::vector<IpNetwork> shared = parseAll({"100.64.0.0/10"});
  if (ip.version == 4)
    return !inAny(ip, shared) && !isPrivate(ip);
  return ip.version == 6 && !isPrivate(ip);
}

} // namespace rulec

using namespace rulec;

extern "C" uint32_t rulec_rt_ip_class(const char *s, uint32_t n) {
  IpAddress ip;
  if (!parseIpAddress(std::string_view(s, n), ip))
    return 0;
  uint32_t out = ip.version == 4 ? RULEC_IP_V4 : RULEC_IP_V6;
  if (isPrivate(ip))
    out |= RULEC_IP_PRIVATE;
  if (isGlobal(ip))
    out |= RULEC_IP_GLOBAL;
  return out;
}

extern "C" int rulec_rt_ip_in_net(const char *s, uint32_t n, const uint8_t *net, uint32_t prefix,
                                  uint32_t version) {
  IpAddress ip;
  if (!parseIpAddress(std::string_view(s, n), ip) || ip.version != static_cast<int>(version))
    return 0;
  return prefixMatch(ip.bytes.data(), net, prefix);
}

extern "C" int rulec_rt_net_contains_ip(const char *s, uint32_t n, const uint8_t *ip,
                                        uint32_t version) {
  IpNetwork net;
  if (!parseIpNetwork(std::string_view(s, n), net, false) ||
      net.address.version != static_cast<int>(version))
    return 0;
  return prefixMatch(ip, net.address.bytes.data(), net.prefix);
}
