#pragma once
// How a mail connection is protected, for SMTP, IMAP and POP3 alike: the one Security type, its
// one parser and display name, and which upgrade command each protocol offers.
#include <optional>
#include <string>
#include <string_view>

#include "check_mail/tls/tls.hpp"

namespace check_mail::transport {

enum class MailProtocol { smtp, imap, pop3 };
[[nodiscard]] std::string_view mail_protocol_name(MailProtocol protocol);  // "SMTP", "IMAP", "POP3"

enum class Security {
  none,          // plain text throughout
  starttls,      // plain connect, then the protocol's upgrade command (mandatory when asked)
  implicit_tls,  // TLS from the first byte ("SSL": SMTPS 465, IMAPS 993, POP3S 995)
};

// --security values: "none", "ssl" or "tls", "starttls"; with protocol_aliases also "plain" and
// "stls" (the mailbox modes and roundtrip legs; --mode=smtp keeps check_smtp's words only).
// Case-insensitive; nullopt for anything else.
[[nodiscard]] std::optional<Security> parse_security(std::string_view text, bool protocol_aliases);

// The command that upgrades a plain connection: "STARTTLS" (SMTP RFC 3207, IMAP RFC 3501),
// "STLS" (POP3 RFC 2595).
[[nodiscard]] std::string_view upgrade_command(MailProtocol protocol);

// The security actually used, for status lines: "plain", "STARTTLS TLSv1.3" ("STLS ..." for
// POP3), "SSL TLSv1.3". tls: the session's, when TLS came up.
[[nodiscard]] std::string security_text(MailProtocol protocol, Security security, const TlsInfo* tls);

}  // namespace check_mail::transport
