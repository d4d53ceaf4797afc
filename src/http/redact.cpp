#include "check_mail/http/redact.hpp"

#include <string>

namespace check_mail::transport {
namespace {

// Where a URL's authority ends in running text.
constexpr std::string_view kAuthorityEnd = "/?#'\" \t\r\n<>";

void replace_all(std::string& text, const std::string& secret) {
  if (secret.empty()) return;
  for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 3))
    text.replace(at, secret.size(), "***");
}

std::string percent_decoded(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto hex = [](char c) {
      return c >= '0' && c <= '9' ? c - '0' : (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ? (c | 0x20) - 'a' + 10 : -1;
    };
    if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
      out += static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace

std::string redact_userinfo(std::string_view text, std::string_view proxy_url) {
  std::string out(text);
  // The proxy's own credentials first: a malformed proxy URL may have no scheme or host at all.
  if (!proxy_url.empty()) {
    auto scheme = proxy_url.find("://");
    std::string_view rest = scheme == std::string_view::npos ? proxy_url : proxy_url.substr(scheme + 3);
    rest = rest.substr(0, rest.find_first_of("/?#"));
    auto at = rest.rfind('@');
    if (at != std::string_view::npos && at > 0) {
      std::string userinfo(rest.substr(0, at));
      replace_all(out, userinfo);
      replace_all(out, percent_decoded(userinfo));
      auto colon = userinfo.find(':');
      // (The password alone only when long enough not to be any short word of the message.)
      if (colon != std::string::npos && userinfo.size() - colon > 4) {
        std::string password = userinfo.substr(colon + 1);
        replace_all(out, password);
        replace_all(out, percent_decoded(password));
      }
    }
  }
  // Then any URL's.
  for (auto scheme = out.find("://"); scheme != std::string::npos; scheme = out.find("://", scheme + 3)) {
    const std::size_t start = scheme + 3;
    std::size_t end = out.find_first_of(kAuthorityEnd, start);
    if (end == std::string::npos) end = out.size();
    auto at = out.rfind('@', end == 0 ? 0 : end - 1);
    if (at != std::string::npos && at >= start && out.compare(start, at - start, "***") != 0)
      out.replace(start, at - start, "***");
  }
  return out;
}

}  // namespace check_mail::transport
