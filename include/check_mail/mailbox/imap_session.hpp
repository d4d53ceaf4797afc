#pragma once
// The IMAP check dialogue (RFC 3501): greeting -> [CAPABILITY] -> [STARTTLS -> TLS ->
// CAPABILITY again] -> LOGIN or AUTHENTICATE -> STATUS (MESSAGES SIZE) -> EXAMINE (SELECT when
// deleting) -> [UID SEARCH -> UID FETCH of the header fields -> UID STORE \Deleted + EXPUNGE]
// -> LOGOUT, every phase timed under one Deadline. Credentials appear in the transcript only as
// "<redacted>".
//
// run_imap_check() runs the whole dialogue into a mailbox::Result (never throws); a Session
// drives the steps one by one (each throws TransportError).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "check_mail/mailbox/imap_response.hpp"
#include "check_mail/mailbox/mailbox.hpp"
#include "check_mail/mailbox/mailbox_session.hpp"
#include "check_mail/protocol/line_protocol.hpp"

namespace check_mail::transport::imap {

// run() (mailbox::Session) sends LOGOUT after a refusal, except after the server's BYE.
class Session : public mailbox::Session {
public:
  using mailbox::Session::Session;

  // Individual steps after check_options() and connect(), in dialogue order; each throws
  // TransportError.
  void read_greeting();                                // * OK / * PREAUTH (capabilities from its response code)
  void capability();                                   // CAPABILITY
  void starttls();                                     // STARTTLS, handshake, CAPABILITY again
  void login();                                        // LOGIN or AUTHENTICATE PLAIN / CRAM-MD5
  void open_mailbox();                                 // STATUS (when STATUS=SIZE), then EXAMINE or SELECT
  void search();                                       // UID SEARCH, then fetch() of the matches wanted
  void fetch(const std::vector<std::uint64_t>& uids);  // header fields of these messages
  void remove();                                       // UID STORE +FLAGS.SILENT (\Deleted), UID EXPUNGE (or EXPUNGE)
  void logout();                                       // LOGOUT (errors recorded, not thrown)

private:
  void dialogue() override;
  void describe_refusal(mailbox::Failure& failure) const override;
  [[nodiscard]] bool may_say_goodbye() const override;
  void goodbye() override { logout(); }

  // One argument of a command: sent as is (atoms, lists), or as an IMAP string (quoted, or a
  // literal when it has 8-bit bytes); secret ones show as "<redacted>" in the transcript.
  struct Argument {
    std::string text;
    bool is_string = false;
    bool secret = false;
  };
  static Argument atom(std::string text) { return {std::move(text), false, false}; }
  static Argument string(std::string text, bool secret = false) { return {std::move(text), true, secret}; }

  struct Reply {
    std::string tag;
    std::vector<Response> untagged;
    Response final;
  };

  std::string next_tag();
  // Sends "<tag> <arguments>" (waiting for the server's "+" before each synchronising literal)
  // and reads up to the tagged response, or the continuation request when stop_at_continuation.
  Reply command(const std::vector<Argument>& arguments, bool stop_at_continuation = false);
  // Sends one more line of an exchange in progress (SASL responses) and reads on.
  Reply continue_command(const std::string& tag, std::string_view line, std::string_view display);
  Reply read(const std::string& tag, bool stop_at_continuation);
  // Throws TransportError(rejected) with `what` unless the final response is a tagged OK.
  const Reply& expect_ok(const Reply& reply, std::string_view what);
  void update_capabilities(const Reply& reply);
  // AUTHENTICATE with the first of the candidates that works (the SASL engine's IMAP adapter).
  sasl::Mechanism authenticate(const std::vector<sasl::Mechanism>& candidates);

  Capabilities capabilities_;
  bool capabilities_known_ = false;
  bool preauthenticated_ = false;
  unsigned tag_counter_ = 0;
  std::optional<StatusResponse> refusal_;  // the last NO/BAD/BYE, for the failure
  std::size_t matches_ = 0;                // UIDs the last SEARCH returned
  Deadline::Clock::time_point seen_at_{};  // when that SEARCH reply arrived
};

// Convenience: Session(options, deadline).run().
[[nodiscard]] mailbox::Result run_imap_check(const mailbox::Options& options, const Deadline& deadline);

}  // namespace check_mail::transport::imap
