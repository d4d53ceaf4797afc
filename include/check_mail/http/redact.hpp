#pragma once
// Credentials out of the text that reaches output: a URL's "user:password@" (the proxy URL's in
// libcurl's error messages, a Location header's) becomes "***@".
#include <string>
#include <string_view>

namespace check_mail::transport {

// Every "scheme://user:password@host" in text becomes "scheme://***@host"; and when proxy_url
// carries credentials, they are removed wherever they appear, with or without a scheme, in the
// clear or percent-decoded (libcurl quotes a malformed proxy URL as given).
std::string redact_userinfo(std::string_view text, std::string_view proxy_url = {});

}  // namespace check_mail::transport
