//===- IpAddressTest.cpp - Python ipaddress parsing and classes -----------===//
#include "matching/IpAddress.h"

#include <gtest/gtest.h>

using namespace rulec;

namespace {

IpAddress ip(const char *text) {
  IpAddress out;
  EXPECT_TRUE(parseIpAddress(text, out)) << text;
  return out;
}

TEST(IpAddress, ParsesWhatPythonParses) {
  for (const char *good : {"0.0.0.0", "255.255.255.255", "::", "::1", "1::", "2001:db8::8:800:200c:417a",
                           "::ffff:1.2.3.4", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:1.2.3.4", "fe80::1%eth0",
                           "FE80::ABCD"})
    EXPECT_EQ(ip(good).version == 4 || ip(good).version == 6, true) << good;
  IpAddress out;
  for (const char *bad : {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.4 ", "[::1]", ":::",
                          "1:2:3:4:5:6:7:8:9", "1::2::3", "1:2:3:4:5:6:7", "::1.2.3", "12345::", "fe80::1%",
                          "1.2.3.4%eth0", ":1::", "1::2:"})
    EXPECT_FALSE(parseIpAddress(bad, out)) << bad;
}

TEST(IpAddress, EmbeddedIpv4AndCompression) {
  IpAddress a = ip("::ffff:1.2.3.4");
  EXPECT_EQ(a.bytes[10], 0xff);
  EXPECT_EQ(a.bytes[12], 1);
  EXPECT_EQ(a.bytes[15], 4);
  IpAddress b = ip("1::2");
  EXPECT_EQ(b.bytes[1], 1);
  EXPECT_EQ(b.bytes[15], 2);
}

TEST(IpAddress, Networks) {
  IpNetwork net;
  ASSERT_TRUE(parseIpNetwork("10.0.0.0/8", net, true));
  EXPECT_TRUE(networkContains(net, ip("10.255.0.1")));
  EXPECT_FALSE(networkContains(net, ip("11.0.0.1")));
  EXPECT_FALSE(networkContains(net, ip("::ffff:10.0.0.1"))); // versions never mix
  EXPECT_FALSE(parseIpNetwork("10.0.0.1/8", net, true));     // host bits, strict
  ASSERT_TRUE(parseIpNetwork("10.0.0.1/8", net, false));
  EXPECT_TRUE(networkContains(net, ip("10.9.9.9")));
  ASSERT_TRUE(parseIpNetwork("10.0.0.0/255.255.0.0", net, true));
  EXPECT_EQ(net.prefix, 16u);
  ASSERT_TRUE(parseIpNetwork("10.0.0.0/0.0.255.255", net, true));
  EXPECT_EQ(net.prefix, 16u);
  EXPECT_FALSE(parseIpNetwork("10.0.0.0/255.0.255.0", net, false));
  EXPECT_FALSE(parseIpNetwork("10.0.0.0/33", net, false));
  ASSERT_TRUE(parseIpNetwork("2001:db8::/32", net, true));
  EXPECT_TRUE(networkContains(net, ip("2001:db8:ffff::1")));
  ASSERT_TRUE(parseIpNetwork("1.2.3.4", net, true));
  EXPECT_EQ(net.prefix, 32u);
}

TEST(IpAddress, PrivateAndGlobalAsPython311) {
  for (const char *p : {"10.1.1.1", "172.16.0.1", "172.31.255.255", "192.168.0.1", "127.0.0.1",
                        "169.254.1.1", "0.1.2.3", "192.0.2.1", "198.18.0.1", "240.0.0.1",
                        "255.255.255.255", "::1", "fc00::1", "fe80::1", "2001:db8::1", "::ffff:8.8.8.8"})
    EXPECT_TRUE(isPrivate(ip(p))) << p;
  for (const char *g : {"8.8.8.8", "172.32.0.1", "1.1.1.1", "2606:4700::1111"})
    EXPECT_TRUE(isGlobal(ip(g))) << g;
  // Shared address space: neither private nor global.
  EXPECT_FALSE(isPrivate(ip("100.64.0.1")));
  EXPECT_FALSE(isGlobal(ip("100.64.0.1")));
}

} // namespace
