#include "check_mail/modes/smartermail/tls_options.hpp"

#include <array>
#include <cctype>
#include <vector>

#include "check_mail/util/strings.hpp"

namespace check_mail::modes::smartermail {
namespace {

using transport::TlsVersion;

std::string shown(std::string_view text) { return util::sanitize_line(text, 80); }

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string unquote(std::string_view text) {
  text = util::trim(text);
  if (text.size() >= 2 && (text.front() == '\'' || text.front() == '"') && text.back() == text.front())
    text = text.substr(1, text.size() - 2);
  return std::string(text);
}

// Perl's and libcurl's ways of writing a boolean: 0/1 (also 0x00/0x01), true/false.
std::optional<bool> truth(std::string_view value) {
  std::string v = util::to_lower(value);
  if (v == "0" || v == "0x00" || v == "0x0" || v == "false") return false;
  if (v == "1" || v == "0x01" || v == "0x1" || v == "true" || v == "2") return true;
  return std::nullopt;
}

// A protocol name as IO::Socket::SSL's SSL_version writes it: TLSv1, TLSv1_1, TLSv1.2, TLSv12...
std::optional<TlsVersion> protocol_name(std::string_view name) {
  std::string v = util::to_lower(name);
  if (v == "tlsv1" || v == "tlsv1_0" || v == "tlsv1.0" || v == "tlsv10") return TlsVersion::tls1_0;
  if (v == "tlsv1_1" || v == "tlsv1.1" || v == "tlsv11") return TlsVersion::tls1_1;
  if (v == "tlsv1_2" || v == "tlsv1.2" || v == "tlsv12") return TlsVersion::tls1_2;
  if (v == "tlsv1_3" || v == "tlsv1.3" || v == "tlsv13") return TlsVersion::tls1_3;
  return std::nullopt;
}

constexpr std::array<TlsVersion, 4> kVersions = {TlsVersion::tls1_0, TlsVersion::tls1_1, TlsVersion::tls1_2,
                                                 TlsVersion::tls1_3};

std::string understood_ssl_opt() {
  return "SSL_verify_mode, SSL_ca_file, SSL_ca_path, SSL_cert_file, SSL_key_file, SSL_use_cert, SSL_version, "
         "SSL_cipher_list";
}

std::string understood_curl_opt() {
  return "CURLOPT_SSL_VERIFYPEER, CURLOPT_SSL_VERIFYHOST, CURLOPT_CAINFO, CURLOPT_CAPATH, CURLOPT_SSLCERT, "
         "CURLOPT_SSLKEY, CURLOPT_SSLCERTTYPE/CURLOPT_SSLKEYTYPE (PEM), CURLOPT_SSLVERSION, CURLOPT_SSL_CIPHER_LIST";
}

// CURL_SSLVERSION_* names (or their numbers), possibly "min | max" as libcurl combines them.
std::optional<std::string> apply_curl_ssl_version(std::string_view value, transport::HttpOptions& http) {
  using Version = std::optional<TlsVersion>;
  static const std::array<std::pair<std::string_view, Version>, 6> kMin = {{
      {"CURL_SSLVERSION_DEFAULT", std::nullopt},
      {"CURL_SSLVERSION_TLSV1", std::nullopt},
      {"CURL_SSLVERSION_TLSV1_0", TlsVersion::tls1_0},
      {"CURL_SSLVERSION_TLSV1_1", TlsVersion::tls1_1},
      {"CURL_SSLVERSION_TLSV1_2", TlsVersion::tls1_2},
      {"CURL_SSLVERSION_TLSV1_3", TlsVersion::tls1_3},
  }};
  // The numbers libcurl gives these constants (curl/curl.h).
  static const std::array<std::pair<std::string_view, Version>, 6> kMinNumbers = {{
      {"0", std::nullopt},
      {"1", std::nullopt},
      {"4", TlsVersion::tls1_0},
      {"5", TlsVersion::tls1_1},
      {"6", TlsVersion::tls1_2},
      {"7", TlsVersion::tls1_3},
  }};
  for (std::string part : util::split(value, '|')) {
    part = std::string(util::trim(part));
    std::string upper_part = upper(part);
    bool done = false;
    for (const auto& [name, version] : kMin)
      if (upper_part == name) http.tls_min = version, done = true;
    for (const auto& [number, version] : kMinNumbers)
      if (upper_part == number) http.tls_min = version, done = true;
    if (upper_part.rfind("CURL_SSLVERSION_MAX_", 0) == 0) {
      std::string rest = upper_part.substr(20);
      if (rest == "DEFAULT")
        http.tls_max = std::nullopt, done = true;
      else if (auto v = protocol_name(rest))
        http.tls_max = *v, done = true;
    }
    if (!done) return "unsupported CURLOPT_SSLVERSION value '" + shown(part) + "' (SSLv2/SSLv3 are not offered)";
  }
  // libcurl refuses such a pair only when it connects; say so before any connection.
  if (http.tls_min && http.tls_max && *http.tls_min > *http.tls_max)
    return "CURLOPT_SSLVERSION value '" + shown(value) + "' sets a minimum TLS version above its maximum";
  return std::nullopt;
}

}  // namespace

std::optional<TlsOptionItem> split_tls_option(std::string_view text) {
  auto arrow = text.find("=>");
  if (arrow == std::string_view::npos) return std::nullopt;
  return TlsOptionItem{std::string(util::trim(text.substr(0, arrow))), unquote(text.substr(arrow + 2))};
}

std::optional<std::string> apply_ssl_version(std::string_view text, transport::HttpOptions& http) {
  // "SSLv23:!SSLv3:!TLSv1" as OpenSSL/IO::Socket::SSL read it: the versions named (SSLv23 = all),
  // less those excluded with '!'. The connection may use the span from the lowest to the highest.
  std::array<bool, 4> allowed{};
  bool any_positive = false;
  for (std::string token : util::split(text, ':')) {
    token = std::string(util::trim(token));
    if (token.empty()) continue;
    bool exclude = token[0] == '!';
    std::string name = util::to_lower(exclude ? token.substr(1) : token);
    if (name == "sslv2" || name == "sslv3") {
      if (exclude) continue;  // never offered anyway
      return "SSL_version '" + shown(text) + "': " + token + " is not offered (TLS 1.0 or later only)";
    }
    if (name == "sslv23" || name == "tls" || name == "any" || name == "default") {
      if (exclude) return "SSL_version '" + shown(text) + "' excludes every version";
      allowed.fill(true);
      any_positive = true;
      continue;
    }
    auto version = protocol_name(name);
    if (!version) return "SSL_version '" + shown(text) + "': unknown protocol '" + shown(token) + "'";
    std::size_t index = static_cast<std::size_t>(*version);
    if (exclude) {
      if (!any_positive) allowed.fill(true), any_positive = true;
      allowed[index] = false;
    } else {
      allowed[index] = true;
      any_positive = true;
    }
  }
  if (!any_positive) return std::nullopt;  // empty: the default
  std::optional<std::size_t> low, high;
  for (std::size_t i = 0; i < allowed.size(); ++i)
    if (allowed[i]) {
      if (!low) low = i;
      high = i;
    }
  if (!low) return "SSL_version '" + shown(text) + "' excludes every version";
  http.tls_min = *low == 0 ? std::nullopt : std::optional<TlsVersion>(kVersions[*low]);
  http.tls_max = *high == kVersions.size() - 1 ? std::nullopt : std::optional<TlsVersion>(kVersions[*high]);
  return std::nullopt;
}

std::optional<std::string> apply_ssl_opt(std::string_view text, transport::HttpOptions& http) {
  if (util::trim(text).empty()) return std::nullopt;  // Centreon skips empty items
  auto item = split_tls_option(text);
  if (!item) return "--ssl-opt value '" + shown(text) + "' is not 'KEY => VALUE'";
  const std::string& key = item->key;
  const std::string& value = item->value;
  auto bad_value = [&] { return "--ssl-opt " + shown(key) + ": value '" + shown(value) + "' not understood"; };
  if (key == "SSL_verify_mode") {
    std::string v = upper(value);
    if (v == "SSL_VERIFY_NONE" || v == "0" || v == "0X00" || v == "0X0")
      http.insecure = true;
    else if (v == "SSL_VERIFY_PEER" || v == "1" || v == "0X01" || v == "0X1")
      http.insecure = false;
    else
      return bad_value();
  } else if (key == "SSL_ca_file") {
    http.cafile = value;
  } else if (key == "SSL_ca_path") {
    http.capath = value;
  } else if (key == "SSL_cert_file") {
    http.client_cert = value;
  } else if (key == "SSL_key_file") {
    http.client_key = value;
  } else if (key == "SSL_use_cert") {
    if (!truth(value)) return bad_value();  // the certificate itself comes with SSL_cert_file
  } else if (key == "SSL_version") {
    return apply_ssl_version(value, http);
  } else if (key == "SSL_cipher_list") {
    http.ciphers = value;
  } else {
    return "--ssl-opt '" + shown(key) + "' is not supported (check_mail understands " + understood_ssl_opt() + ")";
  }
  return std::nullopt;
}

std::optional<std::string> apply_curl_opt(std::string_view text, transport::HttpOptions& http) {
  if (util::trim(text).empty()) return std::nullopt;
  auto item = split_tls_option(text);
  if (!item) return "--curl-opt value '" + shown(text) + "' is not 'CURLOPT_NAME => VALUE'";
  std::string key = upper(item->key);
  const std::string& value = item->value;
  auto bad_value = [&] { return "--curl-opt " + shown(item->key) + ": value '" + shown(value) + "' not understood"; };
  if (key == "CURLOPT_SSL_VERIFYPEER") {
    auto on = truth(value);
    if (!on) return bad_value();
    http.insecure = !*on;
  } else if (key == "CURLOPT_SSL_VERIFYHOST") {
    auto on = truth(value);
    if (!on) return bad_value();
    http.verify_host = *on;
  } else if (key == "CURLOPT_CAINFO") {
    http.cafile = value;
  } else if (key == "CURLOPT_CAPATH") {
    http.capath = value;
  } else if (key == "CURLOPT_SSLCERT") {
    http.client_cert = value;
  } else if (key == "CURLOPT_SSLKEY") {
    http.client_key = value;
  } else if (key == "CURLOPT_SSLCERTTYPE" || key == "CURLOPT_SSLKEYTYPE") {
    if (upper(value) != "PEM") return bad_value() + " (PEM only)";
  } else if (key == "CURLOPT_SSLVERSION") {
    return apply_curl_ssl_version(value, http);
  } else if (key == "CURLOPT_SSL_CIPHER_LIST") {
    http.ciphers = value;
  } else {
    return "--curl-opt '" + shown(item->key) + "' is not supported (check_mail understands " + understood_curl_opt() +
           ")";
  }
  return std::nullopt;
}

}  // namespace check_mail::modes::smartermail
