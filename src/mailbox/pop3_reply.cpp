#include "check_mail/mailbox/pop3_reply.hpp"

#include <algorithm>

#include "check_mail/net/error.hpp"
#include "check_mail/util/strings.hpp"

namespace check_mail::transport::pop3 {
namespace {

[[noreturn]] void malformed(const std::string& what) { throw TransportError(ErrorKind::protocol, what); }

// Splits "[CODE] text" into code and text (RFC 2449 section 8).
void split_code(std::string_view rest, StatusLine& status) {
  if (rest.starts_with("[")) {
    const std::size_t close = rest.find(']');
    if (close != std::string_view::npos) {
      status.code = util::to_upper(rest.substr(1, close - 1));
      rest.remove_prefix(close + 1);
      while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    }
  }
  status.text = std::string(rest);
}

}  // namespace

StatusLine parse_status_line(std::string_view line, bool continuation_allowed) {
  StatusLine status;
  const auto after = [&](std::size_t n) {
    std::string_view rest = line.substr(n);
    if (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    return rest;
  };
  if (line.size() >= 3 && util::iequals(line.substr(0, 3), "+OK") && (line.size() == 3 || line[3] == ' ')) {
    status.kind = StatusLine::Kind::ok;
    split_code(after(3), status);
  } else if (line.size() >= 4 && util::iequals(line.substr(0, 4), "-ERR") && (line.size() == 4 || line[4] == ' ')) {
    status.kind = StatusLine::Kind::err;
    split_code(after(4), status);
  } else if (continuation_allowed && (line == "+" || line.starts_with("+ "))) {
    status.kind = StatusLine::Kind::continuation;
    status.text = std::string(after(1));
  } else {
    malformed("not a POP3 reply: '" + util::sanitize_line(line, 80) + "'");
  }
  return status;
}

std::string Reply::summary(std::size_t max_length) const {
  std::string line = status.kind == StatusLine::Kind::ok ? "+OK" : status.kind == StatusLine::Kind::err ? "-ERR" : "+";
  if (!status.code.empty()) line += " [" + status.code + "]";
  if (!status.text.empty()) line += " " + status.text;
  // sanitize_line adds "..." after max_length characters: leave room for it.
  return util::sanitize_line(line, line.size() <= max_length || max_length < 3 ? max_length : max_length - 3);
}

bool ReplyParser::feed(std::string_view line) {
  if (complete_) malformed("POP3 reply already complete");
  if (!started_) {
    started_ = true;
    reply_.status = parse_status_line(line, continuation_allowed_);
    complete_ = !multi_line_ || reply_.status.kind != StatusLine::Kind::ok;
    return complete_;
  }
  if (line == ".") {
    complete_ = true;
    return true;
  }
  if (reply_.lines.size() >= max_lines_) throw TransportError(ErrorKind::too_long, "POP3 reply has too many lines");
  if (line.starts_with(".")) line.remove_prefix(1);  // dot-unstuffing (RFC 1939 section 3)
  reply_.lines.emplace_back(line);
  return false;
}

Reply parse_reply(std::string_view text, bool multi_line) {
  ReplyParser parser(multi_line);
  while (!text.empty()) {
    if (parser.complete()) malformed("data after the end of a POP3 reply");
    const std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    parser.feed(line);
  }
  if (!parser.complete()) malformed("incomplete POP3 reply");
  return parser.take();
}

bool Capabilities::has(std::string_view keyword) const {
  return std::any_of(lines.begin(), lines.end(), [&](const std::string& line) {
    return util::iequals(std::string_view(line).substr(0, line.find(' ')), keyword);
  });
}

std::vector<std::string> Capabilities::sasl_mechanisms() const {
  std::vector<std::string> mechanisms;
  for (const std::string& line : lines) {
    const std::size_t space = line.find(' ');
    if (space == std::string::npos || !util::iequals(std::string_view(line).substr(0, space), "SASL")) continue;
    for (const std::string& name : util::split(std::string_view(line).substr(space + 1), ' ')) {
      if (!name.empty()) mechanisms.push_back(util::to_upper(name));
    }
  }
  return mechanisms;
}

Capabilities parse_capabilities(const std::vector<std::string>& lines) {
  Capabilities capabilities;
  for (const std::string& line : lines) {
    const std::string_view trimmed = util::trim(line);
    if (trimmed.empty() || capabilities.lines.size() >= 500) continue;
    const std::size_t space = trimmed.find(' ');
    std::string entry = util::to_upper(trimmed.substr(0, space));
    if (space != std::string_view::npos) entry += std::string(trimmed.substr(space));
    capabilities.lines.push_back(std::move(entry));
  }
  return capabilities;
}

MaildropSize parse_stat(std::string_view text) {
  const std::vector<std::string> words = util::split(util::trim(text), ' ');
  const auto messages = words.size() >= 2 ? util::parse_digits(words[0]) : std::nullopt;
  const auto octets = words.size() >= 2 ? util::parse_digits(words[1]) : std::nullopt;
  if (!messages || !octets) malformed("malformed STAT reply: '" + util::sanitize_line(text, 80) + "'");
  return MaildropSize{*messages, *octets};
}

ListingEntry parse_listing_line(std::string_view line) {
  line = util::trim(line);
  const std::size_t space = line.find(' ');
  const auto number = util::parse_digits(line.substr(0, space));
  std::string_view value = space == std::string_view::npos ? std::string_view() : util::trim(line.substr(space + 1));
  value = value.substr(0, value.find(' '));  // LIST may add more after the size
  if (!number || *number == 0 || value.empty()) {
    malformed("malformed POP3 listing line: '" + util::sanitize_line(line, 80) + "'");
  }
  return ListingEntry{*number, std::string(value)};
}

std::vector<ListingEntry> parse_listing(const std::vector<std::string>& lines) {
  std::vector<ListingEntry> entries;
  entries.reserve(lines.size());
  for (const std::string& line : lines) entries.push_back(parse_listing_line(line));
  return entries;
}

}  // namespace check_mail::transport::pop3
