//===- IpAddress.h - IP addresses and networks, as Python's ipaddress -----===//
//
// Parsing and classification for Panther's IP conditions. Panther's engine is
// Python, so rulec follows Python 3.11's `ipaddress`: strict dotted quads (no
// leading zeros), RFC 4291 IPv6 text with `::` and an embedded IPv4 tail,
// is_private / is_global from its tables. docs/panther.md lists the choices.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace rulec {

struct IpAddress {
  int version = 0; ///< 4 or 6; 0 when not parsed
  std::array<uint8_t, 16> bytes{}; ///< IPv4 uses the first 4
};

struct IpNetwork {
  IpAddress address; ///< the network address (host bits zero)
  uint32_t prefix = 0;
};

bool parseIpAddress(std::string_view text, IpAddress &out);

/// "a.b.c.d/n", "v6/n", or a bare address (a /32 or /128). With `strict`,
/// host bits must be zero, as ip_network(strict=True); otherwise they are
/// cleared.
bool parseIpNetwork(std::string_view text, IpNetwork &out, bool strict);

bool networkContains(const IpNetwork &net, const IpAddress &ip);

bool isPrivate(const IpAddress &ip); ///< ipaddress is_private (Python 3.11)
bool isGlobal(const IpAddress &ip);  ///< ipaddress is_global (Python 3.11)

} // namespace rulec
