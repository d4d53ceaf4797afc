#pragma once
// Reading back a delivered test message (RFC 5322), for the IMAP and POP3 checks: header fields
// (unfolded), the X-Check-Mail-Token tracking value written by the SMTP check, RFC 5322 dates
// and the date of a Received field. Pure functions over strings, for testing and fuzzing;
// malformed input yields nullopt or empty results, never an exception.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace check_mail::transport::mail {

struct HeaderField {
  std::string name;   // as sent ("Received")
  std::string value;  // unfolded (CRLF + WSP becomes the WSP), leading blanks removed
};

// The fields of a header block, in order, up to the first empty line (the body is ignored).
// Lines that are neither fields nor continuations are skipped, as mail readers do.
[[nodiscard]] std::vector<HeaderField> parse_header_block(std::string_view text);

// Value of the first field with this name (case-insensitive), nullopt if absent.
[[nodiscard]] std::optional<std::string> header_value(const std::vector<HeaderField>& fields, std::string_view name);

// "X-Check-Mail-Token: <id>; sent=<epoch.ms>" as written by smtp::build_message.
struct Tracking {
  std::string token;
  std::optional<double> sent_epoch;  // Unix seconds with milliseconds
};

// Parses the value "<id>; sent=1700000000.123". The id must be non-empty printable ASCII
// without blanks or ';'; a missing or malformed sent= leaves sent_epoch unset.
[[nodiscard]] std::optional<Tracking> parse_tracking(std::string_view value);

// The tracking value of a message: the X-Check-Mail-Token header field, or (use_body) the first
// body line starting with "X-Check-Mail-Token:" among `text`'s lines.
[[nodiscard]] std::optional<Tracking> tracking_in_headers(const std::vector<HeaderField>& fields);
[[nodiscard]] std::optional<Tracking> tracking_in_body(std::string_view text);

// RFC 5322 date-time ("Tue, 05 Mar 2024 09:07:03 +0000", day name optional, seconds optional,
// obsolete zones such as GMT, UT, EST and "-0000", comments such as "(UTC)") as Unix seconds.
[[nodiscard]] std::optional<double> parse_rfc5322_date(std::string_view text);

// The date of a Received field: the text after its last ';'.
[[nodiscard]] std::optional<double> received_date(std::string_view value);

// Decodes RFC 2047 encoded-words in UTF-8 or US-ASCII ("=?UTF-8?B?...?=", "=?utf-8?q?...?=");
// other charsets and malformed words are left as they are.
[[nodiscard]] std::string decode_header_text(std::string_view text);

// ASCII case-insensitive substring test (IMAP SEARCH SUBJECT semantics).
[[nodiscard]] bool contains_ignoring_case(std::string_view haystack, std::string_view needle);

}  // namespace check_mail::transport::mail
