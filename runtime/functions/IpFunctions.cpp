//===- IpFunctions.cpp - ipv4_is_private, ... ------------------------------===//
#include "functions/Arguments.h"
#include "functions/FunctionLibrary.h"

#include <charconv>

namespace rulec::functions {

namespace {

/// An IPv4 address, optionally with a /prefix (the network's address).
bool parseIpv4(std::string_view s, uint32_t &address) {
  std::string_view ip = s.substr(0, s.find('/'));
  address = 0;
  for (int part = 0; part < 4; ++part) {
    unsigned value = 0;
    auto [p, ec] = std::from_chars(ip.data(), ip.data() + ip.size(), value);
    if (ec != std::errc() || value > 255 || p == ip.data())
      return false;
    address = address << 8 | value;
    ip.remove_prefix(static_cast<size_t>(p - ip.data()));
    if (part < 3) {
      if (ip.empty() || ip[0] != '.')
        return false;
      ip.remove_prefix(1);
    }
  }
  return ip.empty();
}

/// RFC 1918: 10/8, 172.16/12, 192.168/16.
void ipv4IsPrivate(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  std::string text;
  uint32_t ip;
  if (textArg(ctx, argc, args, 0, text) && parseIpv4(text, ip))
    *out = boolValue((ip >> 24) == 10 || (ip >> 20) == ((172u << 4) | 1) || (ip >> 16) == ((192u << 8) | 168));
}

constexpr Function kTable[] = {
    {"ipv4_is_private", 1, 1, ipv4IsPrivate},
};

} // namespace

extern const Family kIpFunctions{kTable};

} // namespace rulec::functions
