#pragma once
// Host name resolution bounded by the check's Deadline. getaddrinfo() cannot be interrupted, so
// a name that needs DNS is resolved on a detached helper thread that the caller waits for only
// until the deadline; a late answer is then simply dropped. IP literals resolve synchronously.
#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "check_mail/net/deadline.hpp"

namespace check_mail::transport {

enum class AddressFamily { any, ipv4, ipv6 };

// One TCP endpoint a host name resolved to.
struct ResolvedAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;
  int family = AF_UNSPEC;  // AF_INET or AF_INET6

  [[nodiscard]] const sockaddr* sockaddr_ptr() const { return reinterpret_cast<const sockaddr*>(&storage); }
  // Numeric address without port: "127.0.0.1", "::1".
  [[nodiscard]] std::string text() const;
};

// True for "192.0.2.1", "2001:db8::1" and "[2001:db8::1]": such hosts get no SNI and are
// verified against the certificate's IP addresses rather than its DNS names.
[[nodiscard]] bool is_ip_literal(std::string_view host);

// Resolves host for TCP to port, keeping only the forced family. Order is getaddrinfo's
// (RFC 6724 preference). Throws TransportError: dns ("cannot resolve host name 'x': <reason>"),
// timeout (deadline reached while the lookup was still running) or config (empty host).
[[nodiscard]] std::vector<ResolvedAddress> resolve_host(std::string_view host, std::uint16_t port, AddressFamily family,
                                                        const Deadline& deadline);

}  // namespace check_mail::transport
