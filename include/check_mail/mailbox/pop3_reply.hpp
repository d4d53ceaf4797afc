#pragma once
// POP3 replies (RFC 1939, RFC 2449 CAPA and response codes, RFC 5034 SASL continuations):
// "+OK"/"-ERR" status lines, multi-line replies ended by a lone "." with dot-unstuffing, and
// the data the checks need (CAPA, STAT, LIST/UIDL listings). Pure functions over strings, for
// testing and fuzzing; malformed input throws TransportError(protocol).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "check_mail/protocol/line_protocol.hpp"

namespace check_mail::transport::pop3 {

// The first line of every reply.
struct StatusLine {
  enum class Kind { ok, err, continuation };  // "+OK", "-ERR", "+ <base64>" (SASL only)
  Kind kind = Kind::ok;
  std::string code;  // RFC 2449 response code, upper-case, without brackets: "IN-USE", "SYS/TEMP", "AUTH"
  std::string text;  // the rest (after the code)
};
// Throws protocol for anything else. "+" alone or "+ ..." is a continuation only when allowed.
[[nodiscard]] StatusLine parse_status_line(std::string_view line, bool continuation_allowed = false);

struct Reply {
  StatusLine status;
  std::vector<std::string> lines;  // multi-line body, dot-unstuffed, without the final "."

  [[nodiscard]] bool ok() const noexcept { return status.kind == StatusLine::Kind::ok; }
  [[nodiscard]] bool continuation() const noexcept { return status.kind == StatusLine::Kind::continuation; }
  // "-ERR [AUTH] Authentication failed." for status lines, cut to max_length characters.
  [[nodiscard]] std::string summary(std::size_t max_length = 200) const;
};

// Incremental assembly of one reply. multi_line: an +OK is followed by lines up to ".".
class ReplyParser {
public:
  static constexpr std::size_t default_max_lines = 1000000;

  explicit ReplyParser(bool multi_line, bool continuation_allowed = false, std::size_t max_lines = default_max_lines)
      : multi_line_(multi_line), continuation_allowed_(continuation_allowed), max_lines_(max_lines) {}
  // Feeds one line (without CRLF); true when the reply is complete.
  bool feed(std::string_view line);
  [[nodiscard]] bool complete() const noexcept { return complete_; }
  [[nodiscard]] Reply take() { return std::move(reply_); }

private:
  bool multi_line_;
  bool continuation_allowed_;
  std::size_t max_lines_;
  bool started_ = false;
  bool complete_ = false;
  Reply reply_;
};

// Parses a whole reply (CRLF or LF line ends). Throws protocol if incomplete or followed by data.
[[nodiscard]] Reply parse_reply(std::string_view text, bool multi_line);

// A ReplyReader for LineProtocol that assembles one POP3 reply.
class Pop3ReplyReader final : public ReplyReader {
public:
  explicit Pop3ReplyReader(bool multi_line, bool continuation_allowed = false)
      : parser_(multi_line, continuation_allowed) {}
  ReadRequest on_line(std::string_view line) override {
    return parser_.feed(line) ? ReadRequest::done() : ReadRequest::line();
  }
  [[nodiscard]] Reply take() { return parser_.take(); }

private:
  ReplyParser parser_;
};

// CAPA (RFC 2449): one capability per line, a keyword and its arguments.
struct Capabilities {
  std::vector<std::string> lines;                                  // as sent, keyword upper-cased
  [[nodiscard]] bool has(std::string_view keyword) const;          // case-insensitive, first word
  [[nodiscard]] std::vector<std::string> sasl_mechanisms() const;  // "SASL PLAIN CRAM-MD5", upper-case
};
[[nodiscard]] Capabilities parse_capabilities(const std::vector<std::string>& lines);

// STAT's "+OK <messages> <octets>".
struct MaildropSize {
  std::uint64_t messages = 0;
  std::uint64_t octets = 0;
};
[[nodiscard]] MaildropSize parse_stat(std::string_view text);

// A LIST or UIDL line "<message number> <size or unique id>".
struct ListingEntry {
  std::uint64_t number = 0;
  std::string value;
};
[[nodiscard]] ListingEntry parse_listing_line(std::string_view line);
[[nodiscard]] std::vector<ListingEntry> parse_listing(const std::vector<std::string>& lines);

}  // namespace check_mail::transport::pop3
