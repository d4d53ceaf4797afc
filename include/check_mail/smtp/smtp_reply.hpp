#pragma once
// SMTP replies (RFC 5321 section 4.2) and RFC 3463 enhanced status codes. Pure functions over
// strings, so they can be fuzzed; malformed input throws TransportError(protocol).
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "check_mail/protocol/line_protocol.hpp"

namespace check_mail::transport::smtp {

// "5.1.1": class (2, 4 or 5), subject and detail (0..999).
struct EnhancedStatus {
  int klass = 0;
  int subject = 0;
  int detail = 0;
  [[nodiscard]] std::string to_string() const;
  friend bool operator==(const EnhancedStatus&, const EnhancedStatus&) = default;
};

struct Reply {
  int code = 0;                            // 220, 250, 354, 550, ...
  std::optional<EnhancedStatus> enhanced;  // from the first line, when parsed
  std::vector<std::string> lines;          // text of each line, code and enhanced code removed

  [[nodiscard]] int klass() const noexcept { return code / 100; }
  [[nodiscard]] bool is_positive() const noexcept { return code >= 200 && code < 400; }
  // Texts of all lines joined with `separator`.
  [[nodiscard]] std::string text(std::string_view separator = " ") const;
  // One line for status output: "550 5.1.1 no such user", cut to max_length characters.
  [[nodiscard]] std::string summary(std::size_t max_length = 200) const;
};

// One parsed reply line; text points into the input.
struct ReplyLine {
  int code = 0;
  bool last = true;  // "250 " (or bare "250") ends the reply, "250-" continues it
  std::string_view text;
};

// Parses "ddd", "ddd text" or "ddd-text". Codes must be 2xx..5xx with a second digit 0..5.
[[nodiscard]] ReplyLine parse_reply_line(std::string_view line);

// Splits a leading "x.y.z " enhanced code off text if it is well formed and its class matches
// the reply code's (a "5.1.1" on a 250 reply is left as text). Advances text past it.
[[nodiscard]] std::optional<EnhancedStatus> take_enhanced_status(std::string_view& text, int reply_code);

// Incremental assembly of one reply from its lines.
class ReplyParser {
public:
  static constexpr std::size_t default_max_lines = 1000;

  // enhanced_codes: the server advertised ENHANCEDSTATUSCODES, so look for them.
  explicit ReplyParser(bool enhanced_codes, std::size_t max_lines = default_max_lines)
      : enhanced_codes_(enhanced_codes), max_lines_(max_lines) {}

  // Feeds one line (without CRLF). Returns true when the reply is complete. Throws
  // protocol on malformed lines or a code that changes mid-reply, too_long past max_lines.
  bool feed(std::string_view line);
  [[nodiscard]] bool complete() const noexcept { return complete_; }
  // The assembled reply (call once complete).
  [[nodiscard]] Reply take() { return std::move(reply_); }

private:
  bool enhanced_codes_;
  std::size_t max_lines_;
  bool complete_ = false;
  Reply reply_;
};

// Parses a whole reply: lines separated by CRLF (or LF); the final terminator is optional.
// Throws protocol if the text is malformed, incomplete, or has data after the last line.
[[nodiscard]] Reply parse_reply(std::string_view text, bool enhanced_codes);

// A ReplyReader for LineProtocol that assembles one SMTP reply.
class SmtpReplyReader final : public ReplyReader {
public:
  explicit SmtpReplyReader(bool enhanced_codes) : parser_(enhanced_codes) {}
  ReadRequest on_line(std::string_view line) override {
    return parser_.feed(line) ? ReadRequest::done() : ReadRequest::line();
  }
  [[nodiscard]] Reply take() { return parser_.take(); }

private:
  ReplyParser parser_;
};

}  // namespace check_mail::transport::smtp
