#pragma once
// The SMTP check dialogue (docs/modes/smtp.md): banner 220 -> EHLO (HELO on 5xx)
// -> [STARTTLS -> 220 -> TLS -> EHLO again] -> [AUTH -> 235] -> [MAIL FROM -> RCPT TO... ->
// DATA -> 354 -> message -> 250] -> QUIT 221, timing every phase under one Deadline.
//
// Use run_smtp_check() for the whole dialogue as a structured Result (never throws), or a
// Session to drive the steps yourself (each step throws TransportError on failure).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "check_mail/net/deadline.hpp"
#include "check_mail/net/error.hpp"
#include "check_mail/protocol/connection.hpp"
#include "check_mail/protocol/line_protocol.hpp"
#include "check_mail/protocol/secure_connection.hpp"
#include "check_mail/protocol/security.hpp"
#include "check_mail/protocol/transcript.hpp"
#include "check_mail/sasl/sasl.hpp"
#include "check_mail/smtp/smtp_capabilities.hpp"
#include "check_mail/smtp/smtp_message.hpp"
#include "check_mail/smtp/smtp_reply.hpp"
#include "check_mail/tls/tls.hpp"

namespace check_mail::transport::smtp {

// STARTTLS, when asked, is mandatory: failing it fails the check.
using transport::Security;

// Dialogue steps, in order. A failure names the step it happened in.
enum class Phase {
  dns,
  connect,
  tls_handshake,
  banner,
  ehlo,
  starttls,
  auth,
  command,
  mail_from,
  rcpt_to,
  data,
  message,
  quit,
  done
};
[[nodiscard]] std::string_view phase_name(Phase phase);  // "rcpt_to"

struct SessionOptions {
  Endpoint endpoint;  // host, port (25 / 465 / 587), address family
  Security security = Security::none;
  TlsOptions tls;         // verification on by default
  std::string helo_name;  // EHLO/HELO argument; empty: this machine's host name

  sasl::AuthType auth = sasl::AuthType::none();
  std::string username;
  std::string password;
  std::string shared_secret;  // CRAM-MD5 secret; empty: the password
  std::string authzid;        // PLAIN authorisation identity; usually empty
  // XOAUTH2 and OAUTHBEARER: the access token (unset: no token source), and where the server's
  // decoded refusal goes (see sasl::Credentials).
  std::function<std::string()> access_token;
  std::function<void(const std::string& description, bool bad_token)> oauth_refusal;
  // AUTH sends credentials; without TLS that is refused (before connecting) unless this is set.
  bool allow_plaintext_auth = false;

  // Commands sent as they are after AUTH (check_smtp's -C); any reply is recorded in
  // Result::command_replies for the caller to judge (check_smtp's -R).
  std::vector<std::string> extra_commands;

  std::string mail_from;                // envelope sender; empty: the null sender "<>"
  std::vector<std::string> recipients;  // empty: no mail transaction, only banner/EHLO/AUTH/QUIT
  MessageOptions message;               // headers/body of the test message

  std::size_t max_line = 64 * 1024;  // longest reply line accepted
  bool record_transcript = true;
};

// Seconds per phase; unset if the phase did not run (or did not finish).
struct Timings {
  std::optional<double> dns;            // name resolution
  std::optional<double> connect;        // TCP connect
  std::optional<double> tls_handshake;  // implicit TLS or after STARTTLS: the handshake only
  std::optional<double> banner;         // connected (and TLS ready) -> 220 banner received
  std::optional<double> ehlo;           // EHLO/HELO round trips, summed (before and after STARTTLS)
  std::optional<double> starttls;       // STARTTLS command -> 220 (excluding the handshake)
  std::optional<double> auth;           // AUTH command -> 235
  // Connection established -> first byte of the message can be sent (354 to DATA). Without a
  // mail transaction: connection established -> the last reply before QUIT.
  std::optional<double> response;
  std::optional<double> upload;  // first message byte sent -> 250 after "."
  std::optional<double> total;   // start of run() -> QUIT sent (or failure); QUIT itself is not counted
};

struct Failure {
  Phase phase = Phase::connect;
  ErrorKind kind = ErrorKind::io;  // rejected: the server answered with an error reply
  std::string summary;             // one line, e.g. "RCPT TO <x@y> refused: 550 5.1.1 no such user"
  std::optional<Reply> reply;      // the error reply, for rejected
};

struct Result {
  std::optional<Failure> failure;  // unset: the whole dialogue succeeded
  Timings timings;
  std::uint64_t bytes_sent = 0;  // application bytes, whole dialogue
  std::uint64_t bytes_received = 0;
  std::uint64_t message_bytes = 0;                // DATA content on the wire (dot-stuffed, with terminator)
  std::optional<double> upload_bytes_per_second;  // message_bytes / timings.upload
  // Most recent server reply (its code is the "status"). After a refusal the failing reply is
  // in failure->reply, since a polite QUIT (221) may have followed.
  std::optional<Reply> last_reply;
  // The last reply before QUIT that tells how the dialogue went: the message's 250, or EHLO's/
  // AUTH's; never a reply to an extra command (their expectations judge those).
  std::optional<Reply> final_reply;
  std::string peer_address;                  // numeric address connected to
  std::optional<TlsInfo> tls;                // set once TLS is up
  std::optional<Capabilities> capabilities;  // from the last EHLO/HELO
  std::optional<sasl::Mechanism>
      auth_mechanism;  // the mechanism that authenticated (the last one tried when AUTH failed)
  std::vector<std::string> accepted_recipients;  // 250/251 to RCPT TO
  std::optional<Reply> banner;                   // the 220 greeting
  std::vector<Reply> command_replies;            // one per SessionOptions::extra_commands sent
  std::string message_token;                     // tracking id in the sent message
  std::string message_id;
  std::optional<double> sent_epoch;  // Unix time written into the token
  bool quit_acknowledged = false;    // 221 to QUIT (its absence never fails the check)
  Transcript transcript{Deadline::Clock::now()};

  [[nodiscard]] bool ok() const noexcept { return !failure.has_value(); }
  [[nodiscard]] int last_code() const noexcept { return last_reply ? last_reply->code : 0; }
  [[nodiscard]] std::string last_enhanced_code() const {
    return last_reply && last_reply->enhanced ? last_reply->enhanced->to_string() : std::string();
  }
};

class Session {
public:
  // options and deadline must outlive the session.
  Session(const SessionOptions& options, const Deadline& deadline);

  // Runs the whole dialogue and hands over the result (call once). After a refusal the
  // connection is still in step, so a polite QUIT is sent; after transport failures it is not.
  // Never throws: every failure is in Result::failure.
  Result run() noexcept;

  // Individual steps, in dialogue order; each throws TransportError.
  void check_options() const;  // config errors, e.g. AUTH without TLS
  void connect();              // DNS + TCP (+ implicit TLS)
  void read_banner();
  void ehlo();      // EHLO, HELO fallback on 5xx
  void starttls();  // STARTTLS, handshake, EHLO again (capabilities replaced)
  void authenticate();
  void send_extra_commands();  // SessionOptions::extra_commands, replies recorded
  void send_message();         // MAIL FROM, RCPT TO..., DATA, message, "."
  void quit();                 // QUIT, expecting 221, within GoodbyeBound (errors recorded, not thrown)

  [[nodiscard]] const Result& result() const noexcept { return result_; }
  [[nodiscard]] Result& result() noexcept { return result_; }

private:
  Reply command(std::string_view line, std::string_view display = {});
  Reply read_reply();
  [[noreturn]] void refuse(std::string_view what, const Reply& reply);
  void mark_response_time();
  // MAIL FROM's parameters for this message: BODY=8BITMIME, SMTPUTF8 (an address needs it; throws
  // unsupported when the server does not offer it), SIZE= (when SIZE is advertised).
  [[nodiscard]] std::string mail_parameters(const std::string& sender, const std::vector<std::string>& recipients,
                                            const Message& message) const;

  const SessionOptions& options_;
  const Deadline& deadline_;
  Result result_;
  Phase phase_ = Phase::dns;
  std::optional<Connection> connection_;
  std::optional<LineProtocol> protocol_;
  Deadline::Clock::time_point connected_at_{};
  std::optional<Deadline::Clock::time_point> goodbye_at_;  // QUIT sent: the end of the total time
};

// Convenience: Session(options, deadline).run().
[[nodiscard]] Result run_smtp_check(const SessionOptions& options, const Deadline& deadline);

}  // namespace check_mail::transport::smtp
