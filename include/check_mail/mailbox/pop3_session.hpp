#pragma once
// The POP3 check dialogue (RFC 1939): greeting -> CAPA -> [STLS -> TLS -> CAPA again] ->
// USER/PASS or AUTH PLAIN / CRAM-MD5 (RFC 5034) -> STAT -> [TOP of the newest messages until
// the one searched for, its UIDL -> DELE] -> QUIT, every phase timed under one Deadline.
// Credentials appear in the transcript only as "<redacted>". A DELE only takes effect when QUIT
// is accepted (the UPDATE state), so Result::deleted waits for that.
//
// run_pop3_check() runs the whole dialogue into a mailbox::Result (never throws); a Session
// drives the steps one by one (each throws TransportError).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "check_mail/mailbox/mailbox.hpp"
#include "check_mail/mailbox/mailbox_session.hpp"
#include "check_mail/mailbox/pop3_reply.hpp"
#include "check_mail/protocol/line_protocol.hpp"

namespace check_mail::transport::pop3 {

// run() (mailbox::Session) still sends QUIT after a refusal (not after a -ERR greeting).
class Session : public mailbox::Session {
public:
  using mailbox::Session::Session;

  // Individual steps after check_options() and connect(), in dialogue order; each throws
  // TransportError.
  void read_greeting();  // +OK
  void capability();     // CAPA (a server without it is answered with an empty list)
  void starttls();       // STLS, handshake, CAPA again
  void login();          // USER/PASS, or AUTH (RFC 5034)
  void stat();           // STAT: message count and maildrop size
  void search();         // TOP of the newest messages until one matches, then its UIDL
  void remove();         // DELE of the message found
  void quit();           // QUIT; commits a DELE (errors recorded, not thrown)

private:
  void dialogue() override;
  void describe_refusal(mailbox::Failure& failure) const override;
  void goodbye() override { quit(); }
  // Not after a -ERR greeting: the server refused the session and may keep the socket open.
  [[nodiscard]] bool may_say_goodbye() const override { return phase_ != mailbox::Phase::greeting; }

  Reply command(std::string_view line, bool multi_line = false, std::string_view display = {},
                bool continuation_allowed = false);
  Reply read(bool multi_line, bool continuation_allowed = false);
  // Throws TransportError(rejected) with `what` unless the reply is +OK.
  const Reply& expect_ok(const Reply& reply, std::string_view what);
  // True and fills `found` when the TOP lines of message `number` match the search.
  bool matches(std::uint64_t number, const Reply& top, mailbox::FoundMessage& found) const;
  // AUTH with the first of the candidates that works (the SASL engine's POP3 adapter).
  sasl::Mechanism authenticate(const std::vector<sasl::Mechanism>& candidates);

  Capabilities capabilities_;
  bool capa_supported_ = false;
  bool delete_pending_ = false;   // DELE accepted; QUIT must still be
  std::optional<Reply> refusal_;  // the last -ERR, for the failure
};

// Convenience: Session(options, deadline).run().
[[nodiscard]] mailbox::Result run_pop3_check(const mailbox::Options& options, const Deadline& deadline);

}  // namespace check_mail::transport::pop3
