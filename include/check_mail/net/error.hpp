#pragma once
// The single exception type of the transport layer. Every failure (DNS, connect, TLS, I/O,
// protocol, server refusal) becomes a TransportError whose what() is one human line fit for a
// Nagios status line, and whose kind() lets a mode choose the exit state without parsing text.
#include <stdexcept>
#include <string>
#include <string_view>

namespace check_mail::transport {

enum class ErrorKind {
  dns,                  // host name could not be resolved (or has no address of the forced family)
  connect_refused,      // TCP RST on connect: nothing listens on the port
  connect_unreachable,  // no route / network down / other connect() failure
  timeout,              // the check's Deadline ran out (any phase)
  tls,                  // TLS handshake or record-layer failure other than verification
  tls_verify,           // peer certificate rejected (chain, validity dates, host name)
  closed,               // peer closed or reset the connection unexpectedly
  protocol,             // peer broke the protocol: malformed reply, data injected before TLS, ...
  too_long,             // a line or reply exceeded its size limit
  io,                   // other operating-system I/O failure
  rejected,             // the server answered a command with an error reply (4xx/5xx)
  unsupported,          // the server lacks a needed feature (STARTTLS, an AUTH mechanism)
  config,               // bad local settings: unreadable certificate, bad cipher list, unsafe AUTH
};

// Stable lower-case name of a kind ("connect_refused"), for logs and tests.
[[nodiscard]] std::string_view error_kind_name(ErrorKind kind) noexcept;

// Whether a line-protocol dialogue is still in step after a failure of this kind (a refused
// command, a missing feature, a command we would not send), so a polite QUIT or LOGOUT may
// follow. After transport or protocol failures the connection is not trusted.
[[nodiscard]] bool leaves_dialogue_in_step(ErrorKind kind) noexcept;

class TransportError : public std::runtime_error {
public:
  TransportError(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  [[nodiscard]] ErrorKind kind() const noexcept { return kind_; }

private:
  ErrorKind kind_;
};

}  // namespace check_mail::transport
