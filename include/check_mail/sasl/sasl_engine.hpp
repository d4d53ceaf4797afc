#pragma once
// The one SASL exchange SMTP, IMAP and POP3 share. Each protocol gives it an Adapter, a small
// table of callbacks: how to send the first message (with an initial response when it fits), a
// continuation and a cancel, and what the server's answer means. The engine tries the candidate
// mechanisms in turn, falls back to the next one when the server refuses a mechanism as
// unsupported, cancels an exchange it cannot finish, and shows every client step redacted.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "check_mail/sasl/sasl.hpp"

namespace check_mail::transport::sasl {

// The server's answer to a client message, as the protocol adapter reads it.
struct ServerAnswer {
  enum class Kind { challenge, success, failure };
  Kind kind = Kind::failure;
  std::string challenge;  // Kind::challenge: the base64 text after "334 " / "+ "
  // Kind::failure: the refusal says this mechanism cannot be used here (not "wrong password"),
  // so another one may still work. Each adapter documents which replies count.
  bool unsupported = false;
};

// One client message: what goes on the wire (base64) and what the transcript shows.
struct ClientMessage {
  std::string wire;
  std::string shown;  // always redacted: "<redacted>"
};

struct Adapter {
  // Whether an initial response of this many base64 characters may go with the command
  // (SMTP: the line within 512 octets; IMAP: only with SASL-IR; POP3: the line within 255).
  std::function<bool(std::string_view mechanism, std::size_t encoded_size)> initial_response_fits;
  // Sends the command that starts the exchange, with the initial response if given ("=" for an
  // empty one, RFC 4954 4 / RFC 4959 / RFC 5034 4).
  std::function<ServerAnswer(std::string_view mechanism, const std::optional<ClientMessage>& initial_response)> start;
  // Sends a continuation line.
  std::function<ServerAnswer(const ClientMessage& response)> respond;
  // Sends "*" and reads the server's answer (a failure).
  std::function<ServerAnswer()> cancel;
  // Throws the protocol's TransportError for the failure just answered: the server's refusal as
  // it gave it ("AUTH CRAM-MD5 failed: 535 5.7.8 ...").
  std::function<void(std::string_view mechanism)> refused;
  // Writes a note into the transcript.
  std::function<void(std::string_view text)> note;
};

// Authenticates with the first candidate that works, in order. Returns the mechanism that
// authenticated. Throws TransportError: the server's refusal (through Adapter::refused), a
// protocol error (malformed challenge, a server that fails the mechanism's own checks), or
// unsupported when candidates is empty or every one was refused as unsupported.
Mechanism authenticate(const Adapter& adapter, const std::vector<Mechanism>& candidates, const Credentials& credentials,
                       const ExchangeContext& context);

}  // namespace check_mail::transport::sasl
