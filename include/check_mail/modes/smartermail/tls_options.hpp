#pragma once
// The TLS settings Centreon command lines carry in --ssl-opt (IO::Socket::SSL options, the lwp
// backend), --ssl (its SSL_version) and --curl-opt (libcurl options, the curl backend), read
// into the HTTP client's options. A setting not understood is an error naming it: ignoring a
// verification setting would silently change what the check trusts.
#include <optional>
#include <string>
#include <string_view>

#include "check_mail/http/http.hpp"

namespace check_mail::modes::smartermail {

// One "KEY => VALUE" item (quotes around VALUE removed). nullopt when there is no "=>".
struct TlsOptionItem {
  std::string key;
  std::string value;
};
std::optional<TlsOptionItem> split_tls_option(std::string_view text);

// Apply one --ssl-opt / --curl-opt value, or an --ssl (SSL_version) value. Return an error
// message naming what is not understood, nullopt when applied.
std::optional<std::string> apply_ssl_opt(std::string_view text, transport::HttpOptions& http);
std::optional<std::string> apply_curl_opt(std::string_view text, transport::HttpOptions& http);
std::optional<std::string> apply_ssl_version(std::string_view text, transport::HttpOptions& http);

}  // namespace check_mail::modes::smartermail
