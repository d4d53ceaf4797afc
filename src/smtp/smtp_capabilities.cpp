#include "check_mail/smtp/smtp_capabilities.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "check_mail/util/strings.hpp"

namespace check_mail::transport::smtp {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// Splits on spaces/tabs, skipping empty words.
std::vector<std::string_view> words(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    const std::size_t start = i;
    while (i < text.size() && text[i] != ' ' && text[i] != '\t') ++i;
    if (i > start) out.push_back(text.substr(start, i - start));
  }
  return out;
}

void add_mechanisms(Capabilities& caps, std::string_view list) {
  for (const std::string_view word : words(list)) {
    std::string mechanism = util::to_upper(word);
    if (std::find(caps.auth_mechanisms.begin(), caps.auth_mechanisms.end(), mechanism) == caps.auth_mechanisms.end()) {
      caps.auth_mechanisms.push_back(std::move(mechanism));
    }
  }
}

}  // namespace

bool Capabilities::has(std::string_view keyword) const { return keywords.contains(util::to_upper(keyword)); }

bool Capabilities::offers_auth(std::string_view mechanism) const {
  const std::string wanted = util::to_upper(mechanism);
  return std::find(auth_mechanisms.begin(), auth_mechanisms.end(), wanted) != auth_mechanisms.end();
}

Capabilities parse_ehlo(const Reply& reply) {
  Capabilities caps;
  caps.esmtp = true;
  if (reply.lines.empty()) return caps;
  const auto greeting = words(reply.lines.front());
  if (!greeting.empty()) caps.domain = std::string(greeting.front());

  for (std::size_t i = 1; i < reply.lines.size(); ++i) {
    const std::string_view line = trim(reply.lines[i]);
    if (line.empty()) continue;
    // Old servers write "AUTH=LOGIN PLAIN"; treat '=' after AUTH like a space.
    std::size_t split = line.find_first_of(" \t");
    if (util::to_upper(line.substr(0, 5)) == "AUTH=") split = 4;
    std::string keyword = util::to_upper(line.substr(0, split));
    const std::string_view params = split == std::string_view::npos ? std::string_view() : trim(line.substr(split + 1));

    if (keyword == "STARTTLS")
      caps.starttls = true;
    else if (keyword == "PIPELINING")
      caps.pipelining = true;
    else if (keyword == "8BITMIME")
      caps.eight_bit_mime = true;
    else if (keyword == "ENHANCEDSTATUSCODES")
      caps.enhanced_status_codes = true;
    else if (keyword == "SMTPUTF8")
      caps.smtputf8 = true;
    else if (keyword == "CHUNKING")
      caps.chunking = true;
    else if (keyword == "DSN")
      caps.dsn = true;
    else if (keyword == "AUTH")
      add_mechanisms(caps, params);
    else if (keyword == "SIZE") {
      std::uint64_t limit = 0;
      const auto digits = words(params);
      if (digits.empty()) {
        caps.size = 0;
      } else {
        const auto [end, error] = std::from_chars(digits[0].data(), digits[0].data() + digits[0].size(), limit);
        if (error == std::errc() && end == digits[0].data() + digits[0].size()) caps.size = limit;
      }
    }
    auto& stored = caps.keywords[std::move(keyword)];
    if (stored.empty()) stored = std::string(params);
  }
  return caps;
}

}  // namespace check_mail::transport::smtp
