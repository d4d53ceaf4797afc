#pragma once
// The connection, TLS and credential options of the mail modes (smtp, imap, pop3, roundtrip): declared once as data, parsed into transport options. Roundtrip talks to two
// servers, so its options come in two scopes: shared ones without a prefix (--hostname,
// --username, --cafile, ...) and per-leg ones prefixed by the protocol (--smtp-port,
// --imap-security, --pop3-hostname, ...); a leg's prefixed option, when given, wins over the
// shared one.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "check_mail/mailbox/mailbox.hpp"
#include "check_mail/options/options.hpp"
#include "check_mail/output/report.hpp"
#include "check_mail/protocol/connection.hpp"
#include "check_mail/protocol/security.hpp"
#include "check_mail/sasl/sasl.hpp"
#include "check_mail/smtp/smtp_session.hpp"
#include "check_mail/tls/tls.hpp"

namespace check_mail::modes::mail {

using Protocol = transport::MailProtocol;

// What differs between the protocols as far as options go.
struct ProtocolTraits {
  std::string_view name;          // "IMAP": for help texts and status lines
  std::string_view key;           // "imap": the option prefix of a leg ("imap-")
  std::uint16_t plain_port;       // 143: none and starttls
  std::uint16_t tls_port;         // 993: implicit TLS
  std::string_view password_env;  // "CHECK_MAIL_IMAP_PASSWORD"
  std::string_view default_auth;  // "login" (smtp: "none")
};
[[nodiscard]] const ProtocolTraits& traits(Protocol protocol);
[[nodiscard]] Protocol from_mailbox(transport::mailbox::Protocol protocol);

enum class Scope {
  standalone,  // the protocol's own mode: every option, unprefixed, with one-letter aliases
  shared,      // roundtrip: the options both legs share, unprefixed
  leg,         // roundtrip: one leg's own options, prefixed with "<key>-"
};

// The option declarations of one scope. For Scope::shared the protocol only shapes the help.
[[nodiscard]] std::vector<cli::OptionSpec> connection_option_specs(Protocol protocol, Scope scope,
                                                                   const std::string& section,
                                                                   const std::string& tls_section);

using transport::Security;

struct ConnectionSettings {
  Protocol protocol = Protocol::imap;
  transport::Endpoint endpoint;
  Security security = Security::none;
  transport::TlsOptions tls;
  transport::sasl::AuthType auth;  // --auth-type (never none for IMAP and POP3)
  std::string username;
  std::string password;
  bool allow_plaintext_auth = false;
  bool auth_type_given = false;  // --auth-type (or the leg's) was on the command line
  bool token_source = false;     // an OAuth token source is configured (set by the mode)
};

// Reads one server's settings. Scope::standalone reads the unprefixed options; Scope::leg reads
// the leg's prefixed options, falling back to the shared unprefixed ones. Throws CheckError for
// missing or malformed values; warnings (a password file readable by others) go to the report.
[[nodiscard]] ConnectionSettings read_connection(const cli::Options& options, Protocol protocol, Scope scope,
                                                 output::Report& report);

// The auth type to use: auto when a token source is configured and no --auth-type was given (so
// that OAuth is tried first), else --auth-type.
[[nodiscard]] transport::sasl::AuthType effective_auth(const ConnectionSettings& settings);
// Throws CheckError when the settings ask for XOAUTH2 or OAUTHBEARER without a token source.
void require_token_source(const ConnectionSettings& settings);

// The settings as IMAP/POP3 session options (credentials checked).
[[nodiscard]] transport::mailbox::Options to_mailbox_options(const ConnectionSettings& settings);
// The settings as SMTP session options (credentials checked when authenticating).
[[nodiscard]] transport::smtp::SessionOptions to_smtp_options(const ConnectionSettings& settings);

// "STARTTLS TLSv1.3" ("STLS ..." for POP3), "SSL TLSv1.3", "plain": the security actually used,
// for status lines.
using transport::security_text;

// "AUTH CRAM-MD5 as monitor" (SMTP), "AUTHENTICATE SCRAM-SHA-256 as ..." (IMAP), "AUTH ..."
// (POP3), "LOGIN as ..." / "USER/PASS as ...", "no auth": the authentication actually used
// (mechanism: the SASL mechanism used, the last one tried when authentication failed; own_login:
// the mailbox protocol's own command logged in), for status lines.
[[nodiscard]] std::string auth_text(Protocol protocol, transport::sasl::AuthType requested,
                                    const std::optional<transport::sasl::Mechanism>& mechanism, bool own_login,
                                    const std::string& username);

// This machine's host name ("localhost" when unknown), for EHLO and the default originator.
[[nodiscard]] std::string local_host_name();

}  // namespace check_mail::modes::mail
