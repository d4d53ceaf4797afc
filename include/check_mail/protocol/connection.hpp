#pragma once
// A byte stream to a server: TCP plus optional TLS (implicit, or upgraded in place for
// STARTTLS), with a bounded line reader and byte counters. Every call is bounded by the Deadline
// it is given; every failure is a TransportError with a one-line message.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "check_mail/net/deadline.hpp"
#include "check_mail/net/line_buffer.hpp"
#include "check_mail/net/resolver.hpp"
#include "check_mail/net/socket.hpp"
#include "check_mail/tls/tls.hpp"

namespace check_mail::transport {

struct Endpoint {
  std::string host;
  std::uint16_t port = 0;
  AddressFamily family = AddressFamily::any;
};

// Seconds spent per connection phase. Filled in as each phase completes, so a caller that
// catches a failure still sees the phases that did complete.
struct ConnectTimings {
  std::optional<double> dns;
  std::optional<double> connect;
  std::optional<double> tls_handshake;
};

class Connection {
public:
  static constexpr std::size_t default_max_line = 64 * 1024;

  // Resolves, connects and, when implicit_tls is given, performs the TLS handshake at once
  // (SMTPS on 465, IMAPS, POP3S).
  [[nodiscard]] static Connection open(const Endpoint& endpoint, const Deadline& deadline, ConnectTimings& timings,
                                       const TlsOptions* implicit_tls = nullptr);

  // Adopts an already connected non-blocking socket; `host` is the name TLS will verify.
  Connection(Socket socket, std::string host, std::string peer_address);

  Connection(Connection&&) noexcept = default;
  Connection& operator=(Connection&&) noexcept = default;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // Next line without CRLF (a bare LF is accepted too). Throws too_long once more than
  // max_line bytes arrive without a line end; closed if the server hangs up; timeout.
  [[nodiscard]] std::string read_line(const Deadline& deadline, std::size_t max_line = default_max_line);
  // Exactly n bytes (IMAP literals). The caller bounds n.
  [[nodiscard]] std::string read_exact(std::size_t n, const Deadline& deadline);
  // Sends all bytes (MSG_NOSIGNAL: a vanished peer is an error, not SIGPIPE).
  void write_all(std::string_view bytes, const Deadline& deadline);

  // Upgrades the connection to TLS in place after a successful STARTTLS reply. Refuses
  // (TransportError protocol) if the server already sent bytes beyond that reply: they were
  // sent in plain text but would be read as if protected (CVE-2011-0411 command injection).
  const TlsInfo& start_tls(const TlsOptions& options, const Deadline& deadline);

  [[nodiscard]] bool is_tls() const noexcept { return tls_.has_value(); }
  [[nodiscard]] const TlsInfo* tls_info() const noexcept { return tls_ ? &tls_->info() : nullptr; }
  // The TLS session's channel binding (TlsSession::channel_binding); nullopt without TLS.
  [[nodiscard]] std::optional<ChannelBinding> channel_binding() const {
    return tls_ ? tls_->channel_binding() : std::nullopt;
  }
  // Received bytes not yet returned by read_line()/read_exact().
  [[nodiscard]] std::size_t buffered() const noexcept { return buffer_.size(); }
  // Application bytes (after TLS decryption / before encryption).
  [[nodiscard]] std::uint64_t bytes_sent() const noexcept { return bytes_sent_; }
  [[nodiscard]] std::uint64_t bytes_received() const noexcept { return bytes_received_; }
  [[nodiscard]] const std::string& host() const noexcept { return host_; }
  [[nodiscard]] const std::string& peer_address() const noexcept { return peer_address_; }
  // Peak storage of the receive buffer (bounded by max_line + one read chunk).
  [[nodiscard]] std::size_t read_buffer_high_water() const noexcept { return buffer_.high_water(); }

  // Sends TLS close_notify (best effort) and closes the socket. Never throws.
  void close() noexcept;

private:
  std::size_t receive_more(const Deadline& deadline);

  Socket socket_;
  std::optional<TlsSession> tls_;
  LineBuffer buffer_{default_max_line};
  std::string host_;
  std::string peer_address_;
  std::uint64_t bytes_sent_ = 0;
  std::uint64_t bytes_received_ = 0;
};

}  // namespace check_mail::transport
