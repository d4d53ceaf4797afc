#pragma once
// What the IMAP and POP3 checks share: how to connect and log in, what message to look for, and
// the structured result (per-phase timings under the check's one Deadline, mailbox figures, the
// message found, the failure), so the imap, pop3 and roundtrip modes read both protocols alike.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "check_mail/net/deadline.hpp"
#include "check_mail/net/error.hpp"
#include "check_mail/protocol/connection.hpp"
#include "check_mail/protocol/secure_connection.hpp"
#include "check_mail/protocol/security.hpp"
#include "check_mail/protocol/transcript.hpp"
#include "check_mail/sasl/sasl.hpp"
#include "check_mail/tls/tls.hpp"

namespace check_mail::transport::mailbox {

enum class Protocol { imap, pop3 };
[[nodiscard]] std::string_view protocol_name(Protocol protocol);  // "IMAP", "POP3"

// STARTTLS (IMAP) / STLS (POP3), when asked, is mandatory.
using transport::Security;

// The message(s) to find. Tokens and subject may be combined (both must match).
struct Search {
  // Tracking ids of X-Check-Mail-Token (header, or body when in_body): a message carrying any of
  // them matches, every one found is read back. Usually one; the asynchronous roundtrip asks for
  // all the tokens it still waits for.
  std::vector<std::string> tokens;
  bool in_body = false;  // the SMTP check ran with --use-body
  std::string subject;   // case-insensitive substring of the Subject; alone, only the newest match is read
  [[nodiscard]] bool empty() const noexcept { return tokens.empty() && subject.empty(); }
};

struct Options {
  Endpoint endpoint;
  Security security = Security::none;
  TlsOptions tls;
  // How to log in. The mechanism LOGIN means the protocol's own command (IMAP LOGIN, POP3
  // USER/PASS); the others are SASL (IMAP AUTHENTICATE, POP3 AUTH RFC 5034). auto tries the
  // SASL mechanisms in the engine's order (sasl_engine.hpp), else the protocol's own command.
  sasl::AuthType auth = sasl::AuthType::of(sasl::Mechanism::login);
  std::string username;
  std::string password;
  std::string authzid;  // SASL PLAIN authorisation identity; usually empty
  // XOAUTH2 and OAUTHBEARER: the access token (unset: no token source), and where the server's
  // decoded refusal goes (see sasl::Credentials).
  std::function<std::string()> access_token;
  std::function<void(const std::string& description, bool bad_token)> oauth_refusal;
  // Credentials over a connection without TLS are refused (before connecting) unless this is set.
  bool allow_plaintext_auth = false;

  std::string mailbox = "INBOX";  // IMAP only: UTF-8, sent as modified UTF-7
  Search search;                  // empty: only log in and read the mailbox figures
  bool delete_found = false;      // delete what was found (IMAP \Deleted + UID EXPUNGE, POP3 DELE)
  // POP3 has no search: the headers of at most this many newest messages are read.
  std::size_t max_scanned_messages = 1000;
  // At most this many matches are read back (and deleted), the newest first.
  std::size_t max_found_messages = 100;

  std::size_t max_line = 64 * 1024;
  bool record_transcript = true;
};

// Dialogue steps, in order. A failure names the step it happened in.
enum class Phase {
  dns,
  connect,
  tls_handshake,
  greeting,
  capability,
  starttls,
  login,
  mailbox,
  search,
  fetch,
  remove,
  logout,
  done
};
[[nodiscard]] std::string_view phase_name(Phase phase);  // "login"

// Seconds per phase; unset when the phase did not run (or did not finish).
struct Timings {
  std::optional<double> dns;
  std::optional<double> connect;
  std::optional<double> tls_handshake;
  std::optional<double> greeting;  // connected (and TLS ready) -> greeting received
  std::optional<double> starttls;  // STARTTLS/STLS command -> OK (excluding the handshake)
  std::optional<double> login;     // login command(s) -> OK
  std::optional<double> mailbox;   // IMAP STATUS + SELECT/EXAMINE; POP3 STAT
  std::optional<double> search;    // IMAP SEARCH; POP3 UIDL + TOP of the scanned messages
  std::optional<double> fetch;     // headers of the message found (IMAP FETCH; POP3: in search)
  std::optional<double> remove;    // IMAP STORE + EXPUNGE; POP3 DELE
  std::optional<double> logout;    // LOGOUT/QUIT round trip (within its own short bound)
  std::optional<double> total;     // start of run() -> LOGOUT/QUIT sent (or failure); the goodbye is not counted
};

// The message that matched the search, read back.
struct FoundMessage {
  std::string id;            // IMAP UID, POP3 UIDL (message number without UIDL)
  std::uint64_t number = 0;  // IMAP UID / POP3 message number
  std::optional<std::uint64_t> size;
  std::string token;                      // from the tracking value, if any
  std::optional<double> sent_epoch;       // the token's sent= time
  std::optional<double> date_epoch;       // Date header
  std::optional<double> received_epoch;   // topmost (last added) Received header
  std::optional<double> internal_epoch;   // IMAP INTERNALDATE (arrival in the mailbox)
  std::string subject;                    // decoded (RFC 2047), for the status line
  std::size_t matches = 1;                // messages the server matched (IMAP; POP3 stops at what it needs)
  Deadline::Clock::time_point seen_at{};  // when the search reply naming it arrived
};

struct Failure {
  Phase phase = Phase::connect;
  ErrorKind kind = ErrorKind::io;  // rejected: the server answered NO/BAD/-ERR
  std::string summary;             // one line: "login refused: NO [AUTHENTICATIONFAILED] ..."
  std::string response;            // the refusal as sent ("NO [AUTHENTICATIONFAILED] ..."), for rejected
  std::string response_code;       // its bracketed code, upper-case: "AUTHENTICATIONFAILED", "IN-USE", "SYS/TEMP"
};

struct Result {
  std::optional<Failure> failure;  // unset: the whole dialogue succeeded
  Timings timings;
  std::uint64_t bytes_sent = 0;
  std::uint64_t bytes_received = 0;
  std::string peer_address;
  std::optional<TlsInfo> tls;
  std::string greeting;                   // the server's greeting text
  std::vector<std::string> capabilities;  // as last advertised, upper-case
  std::optional<sasl::Mechanism>
      auth_mechanism;  // the SASL mechanism used (the last one tried when it failed); unset for the login command
  bool logged_in = false;

  std::optional<std::uint64_t> message_count;  // messages in the mailbox (IMAP EXISTS, POP3 STAT)
  std::optional<std::uint64_t> mailbox_bytes;  // their total size, when the server tells
  std::optional<std::uint64_t> uid_validity;   // IMAP only
  bool searched = false;                       // a search ran to its end
  std::optional<FoundMessage> found;           // the newest match
  std::vector<FoundMessage> found_all;         // every match read back, newest first (found included)
  bool deleted = false;                        // the server confirmed deleting found_all (POP3: QUIT accepted it)
  std::string delete_problem;                  // why deleting did not finish (timeout, refusal); found stays
  bool logout_acknowledged = false;            // its absence never fails the check
  Transcript transcript{Deadline::Clock::now()};

  [[nodiscard]] bool ok() const noexcept { return !failure.has_value(); }
};

// One line about the TLS session for the transcript (secure_connection.hpp).
using transport::describe_tls;

// Runs one whole IMAP or POP3 session (imap::run_imap_check / pop3::run_pop3_check). Never throws.
[[nodiscard]] Result run_mailbox_check(Protocol protocol, const Options& options, const Deadline& deadline);

}  // namespace check_mail::transport::mailbox
