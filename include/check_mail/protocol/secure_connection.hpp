#pragma once
// Connection set-up shared by the SMTP, IMAP and POP3 sessions: DNS, TCP connect and implicit
// TLS with their timings, the line protocol over the connection, and the in-place TLS upgrade
// after a successful STARTTLS/STLS reply.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "check_mail/net/deadline.hpp"
#include "check_mail/protocol/connection.hpp"
#include "check_mail/protocol/line_protocol.hpp"
#include "check_mail/protocol/transcript.hpp"
#include "check_mail/tls/tls.hpp"

namespace check_mail::transport {

// One line about the TLS session for the transcript: protocol, cipher, certificate, verification.
[[nodiscard]] std::string describe_tls(const TlsInfo& info);

// The set-up steps a session reports as its phase (each session's Phase has the same names).
enum class SetupStep { dns, connect, tls_handshake };

template <class Phase>
[[nodiscard]] constexpr Phase setup_phase(SetupStep step) noexcept {
  switch (step) {
    case SetupStep::dns: return Phase::dns;
    case SetupStep::connect: return Phase::connect;
    case SetupStep::tls_handshake: return Phase::tls_handshake;
  }
  return Phase::dns;
}

// Where a session keeps what the set-up learns. Each field is filled in as its step completes,
// so a session that fails half-way still reports the steps that did complete.
struct SetupRecord {
  std::optional<double>& dns;
  std::optional<double>& connect;
  std::optional<double>& tls_handshake;
  std::optional<TlsInfo>& tls;
  std::string& peer_address;
  std::uint64_t& bytes_sent;
  std::uint64_t& bytes_received;
  std::optional<double>& total;
};

// Non-owning: the session's connection and line protocol slots, its record and its phase.
class SecureConnectionSetup {
public:
  SecureConnectionSetup(std::optional<Connection>& connection, std::optional<LineProtocol>& protocol,
                        SetupRecord record, std::function<void(SetupStep)> enter)
      : connection_(connection), protocol_(protocol), record_(record), enter_(std::move(enter)) {}

  // On a session's members: its Result (timings, tls, peer_address, byte counts) and its phase.
  template <class Result, class Phase>
  SecureConnectionSetup(std::optional<Connection>& connection, std::optional<LineProtocol>& protocol, Result& result,
                        Phase& phase)
      : SecureConnectionSetup(
            connection, protocol,
            SetupRecord{result.timings.dns, result.timings.connect, result.timings.tls_handshake, result.tls,
                        result.peer_address, result.bytes_sent, result.bytes_received, result.timings.total},
            [&phase](SetupStep step) { phase = setup_phase<Phase>(step); }) {}

  // Resolves and connects (step dns, then connect if DNS succeeded and the connect failed),
  // puts the line protocol on the connection ("connected to ..."), and with implicit_tls
  // performs the handshake at once. Returns when the TCP connection was established.
  Deadline::Clock::time_point open(const Endpoint& endpoint, const Deadline& deadline, std::size_t max_line,
                                   Transcript* transcript, const TlsOptions* implicit_tls);

  // The handshake (step tls_handshake) on the open connection, recorded and noted.
  void upgrade(const TlsOptions& tls, const Deadline& deadline);

  // At the end of a run, whatever happened: the byte counts, the total time from `start` to
  // `end` (the goodbye's start, which is not part of it; unset: now), then the line protocol
  // dropped and the connection closed (TLS close_notify, best effort).
  void close(Deadline::Clock::time_point start, std::optional<Deadline::Clock::time_point> end = std::nullopt) noexcept;

private:
  std::optional<Connection>& connection_;
  std::optional<LineProtocol>& protocol_;
  SetupRecord record_;
  std::function<void(SetupStep)> enter_;
};

}  // namespace check_mail::transport
