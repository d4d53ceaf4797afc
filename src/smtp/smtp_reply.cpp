#include "check_mail/smtp/smtp_reply.hpp"

#include "check_mail/net/error.hpp"

namespace check_mail::transport::smtp {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Quotes at most 80 bytes of peer text for an error message, escaping control bytes.
std::string quote(std::string_view text) {
  std::string out = "'";
  for (std::size_t i = 0; i < text.size() && i < 80; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    out += (c < 0x20 || c == 0x7F) ? '?' : static_cast<char>(c);
  }
  if (text.size() > 80) out += "...";
  return out + "'";
}

[[noreturn]] void malformed(std::string_view line) {
  throw TransportError(ErrorKind::protocol, "malformed SMTP reply " + quote(line));
}

// Reads 1..3 digits as a number; false if none.
bool take_number(std::string_view& text, int& value) {
  std::size_t n = 0;
  value = 0;
  while (n < text.size() && n < 3 && is_digit(text[n])) value = value * 10 + (text[n++] - '0');
  if (n == 0 || (n < text.size() && is_digit(text[n]))) return false;
  text.remove_prefix(n);
  return true;
}

}  // namespace

std::string EnhancedStatus::to_string() const {
  return std::to_string(klass) + "." + std::to_string(subject) + "." + std::to_string(detail);
}

std::string Reply::text(std::string_view separator) const {
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) out += separator;
    out += lines[i];
  }
  return out;
}

std::string Reply::summary(std::size_t max_length) const {
  std::string out = std::to_string(code);
  if (enhanced) out += " " + enhanced->to_string();
  const std::string joined = text(" ");
  if (!joined.empty()) out += " " + joined;
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';
  }
  if (out.size() > max_length) out = out.substr(0, max_length > 3 ? max_length - 3 : 0) + "...";
  return out;
}

ReplyLine parse_reply_line(std::string_view line) {
  if (line.size() < 3 || !is_digit(line[0]) || !is_digit(line[1]) || !is_digit(line[2])) malformed(line);
  if (line[0] < '2' || line[0] > '5' || line[1] > '5') malformed(line);
  ReplyLine result;
  result.code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
  if (line.size() == 3) return result;
  if (line[3] == '-') {
    result.last = false;
  } else if (line[3] != ' ') {
    malformed(line);
  }
  result.text = line.substr(4);
  return result;
}

std::optional<EnhancedStatus> take_enhanced_status(std::string_view& text, int reply_code) {
  std::string_view rest = text;
  EnhancedStatus status;
  if (rest.size() < 5 || !is_digit(rest[0]) || rest[1] != '.') return std::nullopt;
  status.klass = rest[0] - '0';
  if (status.klass != reply_code / 100 || (status.klass != 2 && status.klass != 4 && status.klass != 5)) {
    return std::nullopt;
  }
  rest.remove_prefix(2);
  if (!take_number(rest, status.subject) || rest.empty() || rest[0] != '.') return std::nullopt;
  rest.remove_prefix(1);
  if (!take_number(rest, status.detail)) return std::nullopt;
  if (!rest.empty() && rest[0] != ' ') return std::nullopt;
  if (!rest.empty()) rest.remove_prefix(1);
  text = rest;
  return status;
}

bool ReplyParser::feed(std::string_view line) {
  if (complete_) throw TransportError(ErrorKind::protocol, "SMTP reply continues after its last line");
  const ReplyLine parsed = parse_reply_line(line);
  if (reply_.lines.empty()) {
    reply_.code = parsed.code;
  } else if (parsed.code != reply_.code) {
    throw TransportError(ErrorKind::protocol, "SMTP reply code changes from " + std::to_string(reply_.code) + " to " +
                                                  std::to_string(parsed.code) + " within one reply");
  }
  if (reply_.lines.size() >= max_lines_) {
    throw TransportError(ErrorKind::too_long, "SMTP reply has more than " + std::to_string(max_lines_) + " lines");
  }
  std::string_view text = parsed.text;
  if (enhanced_codes_) {
    auto status = take_enhanced_status(text, parsed.code);
    if (reply_.lines.empty()) reply_.enhanced = status;
  }
  reply_.lines.emplace_back(text);
  complete_ = parsed.last;
  return complete_;
}

Reply parse_reply(std::string_view text, bool enhanced_codes) {
  ReplyParser parser(enhanced_codes);
  while (!text.empty()) {
    if (parser.complete()) throw TransportError(ErrorKind::protocol, "data after the end of the SMTP reply");
    const std::size_t newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    parser.feed(line);
    text = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
  }
  if (!parser.complete()) throw TransportError(ErrorKind::protocol, "incomplete SMTP reply");
  return parser.take();
}

}  // namespace check_mail::transport::smtp
