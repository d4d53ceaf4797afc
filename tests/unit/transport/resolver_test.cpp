#include "check_mail/net/resolver.hpp"

#include <gtest/gtest.h>

#include "net_test_helpers.hpp"

using namespace check_mail::transport;
using namespace check_mail::transport::testing;

TEST(Resolver, LiteralsNeedNoLookup) {
  const Deadline deadline(1s);
  const auto v4 = resolve_host("127.0.0.1", 25, AddressFamily::any, deadline);
  ASSERT_EQ(v4.size(), 1u);
  EXPECT_EQ(v4[0].family, AF_INET);
  EXPECT_EQ(v4[0].text(), "127.0.0.1");
  const auto v6 = resolve_host("[::1]", 25, AddressFamily::any, deadline);
  ASSERT_EQ(v6.size(), 1u);
  EXPECT_EQ(v6[0].family, AF_INET6);
  EXPECT_EQ(v6[0].text(), "::1");
}

TEST(Resolver, LiteralsWorkEvenWithAnExpiredDeadline) {
  const Deadline expired(0ms);
  EXPECT_EQ(resolve_host("192.0.2.7", 25, AddressFamily::ipv4, expired).at(0).text(), "192.0.2.7");
}

TEST(Resolver, ForcedFamilyFiltersLiterals) {
  const Deadline deadline(1s);
  const TransportError error =
      expect_error([&] { (void)resolve_host("127.0.0.1", 25, AddressFamily::ipv6, deadline); });
  EXPECT_EQ(error.kind(), ErrorKind::dns);
  EXPECT_EQ(std::string(error.what()).rfind("cannot resolve host name '127.0.0.1' to an IPv6 address: ", 0), 0u)
      << error.what();
  EXPECT_EQ(expect_error([&] { (void)resolve_host("::1", 25, AddressFamily::ipv4, deadline); }).kind(), ErrorKind::dns);
}

TEST(Resolver, ResolvesLocalhostForIpv4) {
  const Deadline deadline(2s);
  const auto addresses = resolve_host("localhost", 587, AddressFamily::ipv4, deadline);
  ASSERT_FALSE(addresses.empty());
  for (const auto& address : addresses) EXPECT_EQ(address.family, AF_INET);
  EXPECT_EQ(addresses[0].text(), "127.0.0.1");
}

TEST(Resolver, UnknownNameIsADnsError) {
  // .invalid never resolves (RFC 6761); the deadline bounds the attempt either way.
  const auto start = Clock::now();
  const Deadline deadline(3s);
  const TransportError error =
      expect_error([&] { (void)resolve_host("no-such-host.invalid", 25, AddressFamily::any, deadline); });
  EXPECT_LT(Clock::now() - start, 3s + kMargin);
  if (error.kind() == ErrorKind::dns) {
    EXPECT_EQ(std::string(error.what()).rfind("cannot resolve host name 'no-such-host.invalid': ", 0), 0u)
        << error.what();
  } else {
    EXPECT_EQ(error.kind(), ErrorKind::timeout);
  }
}

TEST(Resolver, EmptyHostIsAConfigError) {
  const Deadline deadline(1s);
  EXPECT_EQ(expect_error([&] { (void)resolve_host("", 25, AddressFamily::any, deadline); }).kind(), ErrorKind::config);
}

TEST(Resolver, IpLiteralDetection) {
  EXPECT_TRUE(is_ip_literal("10.1.2.3"));
  EXPECT_TRUE(is_ip_literal("2001:db8::1"));
  EXPECT_TRUE(is_ip_literal("[2001:db8::1]"));
  EXPECT_FALSE(is_ip_literal("mail.example.com"));
  EXPECT_FALSE(is_ip_literal("10.1.2"));
}
