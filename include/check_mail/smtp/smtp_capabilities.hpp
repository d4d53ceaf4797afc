#pragma once
// What an SMTP server advertised in its EHLO reply (RFC 5321 4.1.1.1; keywords are
// case-insensitive). Pure, for testing and fuzzing.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "check_mail/smtp/smtp_reply.hpp"

namespace check_mail::transport::smtp {

struct Capabilities {
  bool esmtp = false;  // learnt from EHLO (false after a HELO fallback: nothing is known)
  std::string domain;  // first word of the greeting line
  bool starttls = false;
  bool pipelining = false;
  bool eight_bit_mime = false;
  bool enhanced_status_codes = false;
  bool smtputf8 = false;
  bool chunking = false;
  bool dsn = false;
  std::optional<std::uint64_t> size;            // SIZE limit in bytes; 0 = no fixed limit
  std::vector<std::string> auth_mechanisms;     // upper-case, as offered ("AUTH" and old "AUTH=")
  std::map<std::string, std::string> keywords;  // every keyword (upper-case) -> its parameters

  [[nodiscard]] bool has(std::string_view keyword) const;            // case-insensitive
  [[nodiscard]] bool offers_auth(std::string_view mechanism) const;  // case-insensitive
};

// Parses a 250 EHLO reply: the first line is the greeting, each further line one keyword with
// optional parameters. Unknown or odd lines are kept in keywords, never rejected.
[[nodiscard]] Capabilities parse_ehlo(const Reply& reply);

}  // namespace check_mail::transport::smtp
