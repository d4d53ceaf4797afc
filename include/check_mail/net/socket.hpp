#pragma once
// A connected, non-blocking TCP socket (close-on-exec) and the deadline-bounded primitives the
// rest of the transport is built on: wait for readiness, connect to a list of addresses.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "check_mail/net/deadline.hpp"
#include "check_mail/net/resolver.hpp"

namespace check_mail::transport {

// Owns a file descriptor; closes it on destruction. Move-only.
class Socket {
public:
  Socket() = default;
  explicit Socket(int fd) noexcept : fd_(fd) {}
  Socket(Socket&& other) noexcept : fd_(other.release()) {}
  Socket& operator=(Socket&& other) noexcept;
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  ~Socket() { close(); }

  [[nodiscard]] int fd() const noexcept { return fd_; }
  [[nodiscard]] bool valid() const noexcept { return fd_ >= 0; }
  int release() noexcept;
  void close() noexcept;

private:
  int fd_ = -1;
};

enum class Readiness { readable, writable };

// Waits until fd is readable/writable or the deadline passes. `activity` completes the timeout
// message: "timeout after 1.00 s <activity>". Throws TransportError(timeout) or (io).
void wait_ready(int fd, Readiness readiness, const Deadline& deadline, std::string_view activity);

// Formats "timeout after <elapsed> s <activity>" for a uniform timeout message.
[[nodiscard]] std::string timeout_message(const Deadline& deadline, std::string_view activity);

struct ConnectedSocket {
  Socket socket;
  ResolvedAddress address;  // the address that accepted the connection
};

// Connects to each address in turn until one accepts. Each attempt gets an equal share of the
// remaining time (the last gets all of it), so one black-holed address cannot eat the budget.
// The socket is non-blocking, close-on-exec and has TCP_NODELAY (line protocols send small
// requests and wait for replies; Nagle would only add latency). On failure throws the most
// telling error: connect_refused, connect_unreachable or timeout, naming address and port.
[[nodiscard]] ConnectedSocket connect_tcp(const std::vector<ResolvedAddress>& addresses, std::uint16_t port,
                                          const Deadline& deadline);

}  // namespace check_mail::transport
