#pragma once
// The connection, TLS and credential options of the mail modes (smtp, imap, pop3, roundtrip): declared once as data, parsed into transport options. Roundtrip talks to two
// servers, so its options come in two scopes: shared ones without a prefix (--hostname,
// --username, --cafile, ...) and per-leg ones prefixed by the protocol (--smtp-port,
// --imap-security, --pop3-hostname, ...); a leg's prefixed option, when given, wins over the
// shared one.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "check_mail/options/options.hpp"
#include "check_mail/output/report.hpp"
#include "check_mail/protocol/connection.hpp"
#include "check_mail/mailbox/mailbox.hpp"
#include "check_mail/smtp/smtp_session.hpp"
#include "check_mail/tls/tls.hpp"

namespace check_mail::modes::mail {

enum class Protocol { smtp, imap, pop3 };

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

enum class Security { none, starttls, implicit_tls };

struct ConnectionSettings {
  Protocol protocol = Protocol::imap;
  transport::Endpoint endpoint;
  Security security = Security::none;
  transport::TlsOptions tls;
  std::string auth_type;  // lower-case, as given: "login", "plain", "cram-md5", "auto", "none"
  std::string username;
  std::string password;
  bool allow_plaintext_auth = false;
};

// Reads one server's settings. Scope::standalone reads the unprefixed options; Scope::leg reads
// the leg's prefixed options, falling back to the shared unprefixed ones. Throws CheckError for
// missing or malformed values; warnings (a password file readable by others) go to the report.
[[nodiscard]] ConnectionSettings read_connection(const cli::Options& options, Protocol protocol, Scope scope,
                                                 output::Report& report);

// The settings as IMAP/POP3 session options (auth type checked: auto, login, plain, cram-md5).
[[nodiscard]] transport::mailbox::Options to_mailbox_options(const ConnectionSettings& settings);
// The security as the SMTP session names it.
[[nodiscard]] transport::smtp::Security to_smtp_security(Security security);
// The settings as SMTP session options (auth type checked: none, auto, plain, login, cram-md5).
[[nodiscard]] transport::smtp::SessionOptions to_smtp_options(const ConnectionSettings& settings);

// "STARTTLS TLSv1.3" ("STLS ..." for POP3), "SSL TLSv1.3", "plain": the security actually used,
// for status lines.
[[nodiscard]] std::string security_text(Protocol protocol, Security security, const transport::TlsInfo* tls);

// This machine's host name ("localhost" when unknown), for EHLO and the default originator.
[[nodiscard]] std::string local_host_name();

}  // namespace check_mail::modes::mail
