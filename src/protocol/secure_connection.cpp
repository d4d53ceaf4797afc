#include "check_mail/protocol/secure_connection.hpp"

#include <chrono>
#include <string>

#include "check_mail/net/error.hpp"

namespace check_mail::transport {

std::string describe_tls(const TlsInfo& info) {
  std::string text = "TLS established: " + info.protocol + " " + info.cipher;
  if (info.peer_certificate) text += ", certificate " + info.peer_certificate->subject;
  if (info.verified) {
    text += " (verified)";
  } else {
    text += info.verification_skipped ? " (NOT verified, insecure: " : " (NOT verified: ";
    text += info.verify_message + ")";
  }
  return text;
}

Deadline::Clock::time_point SecureConnectionSetup::open(const Endpoint& endpoint, const Deadline& deadline,
                                                        std::size_t max_line, Transcript* transcript,
                                                        const TlsOptions* implicit_tls) {
  enter_(SetupStep::dns);
  ConnectTimings timings;
  try {
    connection_.emplace(Connection::open(endpoint, deadline, timings));
  } catch (const TransportError&) {
    record_.dns = timings.dns;
    record_.connect = timings.connect;
    if (timings.dns) enter_(SetupStep::connect);
    throw;
  }
  record_.dns = timings.dns;
  record_.connect = timings.connect;
  const auto connected_at = Deadline::Clock::now();
  record_.peer_address = connection_->peer_address();
  const LineProtocolLimits limits{max_line, LineProtocolLimits{}.max_reply_bytes};
  protocol_.emplace(*connection_, deadline, transcript, limits);
  protocol_->note("connected to " + record_.peer_address + " port " + std::to_string(endpoint.port));
  if (implicit_tls != nullptr) upgrade(*implicit_tls, deadline);
  return connected_at;
}

void SecureConnectionSetup::upgrade(const TlsOptions& tls, const Deadline& deadline) {
  enter_(SetupStep::tls_handshake);
  const TlsInfo& info = connection_->start_tls(tls, deadline);
  record_.tls_handshake = info.handshake_seconds;
  record_.tls = info;
  protocol_->note(describe_tls(info));
}

void SecureConnectionSetup::close(Deadline::Clock::time_point start,
                                  std::optional<Deadline::Clock::time_point> end) noexcept {
  if (connection_) {
    record_.bytes_sent = connection_->bytes_sent();
    record_.bytes_received = connection_->bytes_received();
  }
  record_.total = std::chrono::duration<double>(end.value_or(Deadline::Clock::now()) - start).count();
  protocol_.reset();
  if (connection_) connection_->close();
}

}  // namespace check_mail::transport
