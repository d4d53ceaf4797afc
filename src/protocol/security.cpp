#include "check_mail/protocol/security.hpp"

#include "check_mail/util/strings.hpp"

namespace check_mail::transport {

std::string_view mail_protocol_name(MailProtocol protocol) {
  switch (protocol) {
    case MailProtocol::smtp: return "SMTP";
    case MailProtocol::imap: return "IMAP";
    case MailProtocol::pop3: return "POP3";
  }
  return "?";
}

std::optional<Security> parse_security(std::string_view text, bool protocol_aliases) {
  const std::string value = util::to_lower(text);
  if (value == "none" || (value == "plain" && protocol_aliases)) return Security::none;
  if (value == "ssl" || value == "tls") return Security::implicit_tls;
  if (value == "starttls" || (value == "stls" && protocol_aliases)) return Security::starttls;
  return std::nullopt;
}

std::string_view upgrade_command(MailProtocol protocol) { return protocol == MailProtocol::pop3 ? "STLS" : "STARTTLS"; }

std::string security_text(MailProtocol protocol, Security security, const TlsInfo* tls) {
  std::string text = security == Security::none       ? "plain"
                     : security == Security::starttls ? std::string(upgrade_command(protocol))
                                                      : "SSL";
  if (tls) text += " " + tls->protocol;
  return text;
}

}  // namespace check_mail::transport
