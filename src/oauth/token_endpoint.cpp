#include "check_mail/oauth/token_endpoint.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <nlohmann/json.hpp>

#include "check_mail/util/strings.hpp"
#include "check_mail/util/token_cache.hpp"

namespace check_mail::oauth {
namespace {

std::string percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 3);
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte >= 'A' && byte <= 'Z') || (byte >= 'a' && byte <= 'z') || (byte >= '0' && byte <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '*') {
      out += c;
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0x0F];
    }
  }
  return out;
}

std::string string_member(const nlohmann::json& object, const char* name) {
  const auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

struct UrlParts {
  std::string scheme;     // lower-case
  std::string authority;  // as given, with user information
  std::string rest;       // path onwards
};

std::optional<UrlParts> split_url(std::string_view url) {
  const auto colon = url.find("://");
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  UrlParts parts;
  parts.scheme = util::to_lower(url.substr(0, colon));
  const std::string_view after = url.substr(colon + 3);
  const auto end = after.find_first_of("/?#");
  parts.authority = std::string(after.substr(0, end));
  if (end != std::string_view::npos) parts.rest = std::string(after.substr(end));
  return parts;
}

// The host of an authority without user information and port ("[::1]" keeps its brackets).
std::string host_of(std::string_view authority) {
  const auto at = authority.rfind('@');
  if (at != std::string_view::npos) authority.remove_prefix(at + 1);
  if (!authority.empty() && authority.front() == '[') return std::string(authority.substr(0, authority.find(']') + 1));
  return std::string(authority.substr(0, authority.find(':')));
}

}  // namespace

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string body;
  for (const auto& [name, value] : fields) {
    if (!body.empty()) body += '&';
    body += percent_encode(name) + "=" + percent_encode(value);
  }
  return body;
}

std::string token_request_body(const Grant& grant) {
  std::vector<std::pair<std::string, std::string>> fields;
  if (grant.type == GrantType::client_credentials) {
    fields.emplace_back("grant_type", "client_credentials");
  } else {
    fields.emplace_back("grant_type", "refresh_token");
    fields.emplace_back("refresh_token", grant.refresh_token);
  }
  fields.emplace_back("client_id", grant.client_id);
  if (!grant.client_assertion.empty()) {
    fields.emplace_back("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
    fields.emplace_back("client_assertion", grant.client_assertion);
  } else if (!grant.client_secret.empty()) {
    fields.emplace_back("client_secret", grant.client_secret);
  }
  if (!grant.scope.empty()) fields.emplace_back("scope", grant.scope);
  return form_encode(fields);
}

std::optional<TokenReply> parse_token_reply(long status, std::string_view body) {
  // A token reply is a few KiB; a reply larger than this is not one.
  if (body.size() > 256 * 1024) return std::nullopt;
  const nlohmann::json value = nlohmann::json::parse(body, nullptr, false);
  if (value.is_discarded() || !value.is_object()) return std::nullopt;
  TokenReply reply;
  reply.error = string_member(value, "error");
  reply.error_description = string_member(value, "error_description");
  if (!reply.error.empty()) return reply;
  if (status < 200 || status >= 300) return std::nullopt;
  reply.access_token = string_member(value, "access_token");
  if (!util::usable_bearer_token(reply.access_token, kMaxAccessTokenBytes)) return std::nullopt;
  const std::string type = string_member(value, "token_type");
  if (!type.empty() && !util::iequals(type, "bearer")) return std::nullopt;
  if (const auto it = value.find("expires_in"); it != value.end()) {
    // A number, or (Microsoft's v1 endpoint) a string holding one.
    if (it->is_number_integer() || it->is_number_unsigned()) {
      reply.expires_in = it->get<long long>();
    } else if (it->is_number_float()) {
      reply.expires_in = static_cast<long long>(it->get<double>());
    } else if (it->is_string()) {
      reply.expires_in = util::parse_integer(it->get<std::string>(), 0, 1LL << 40).value_or(0);
    }
    reply.expires_in = std::clamp(reply.expires_in, 0LL, 1LL << 40);
  }
  return reply;
}

std::string endpoint_for_display(std::string_view url) {
  const auto parts = split_url(url);
  if (!parts) return util::sanitize_line(url.substr(0, url.find_first_of("?#")), 200);
  std::string authority = parts->authority;
  if (const auto at = authority.rfind('@'); at != std::string::npos) authority.erase(0, at + 1);
  const std::string path = parts->rest.substr(0, parts->rest.find_first_of("?#"));
  return util::sanitize_line(parts->scheme + "://" + authority + path, 200);
}

std::optional<std::string> token_url_problem(std::string_view url) {
  const auto parts = split_url(url);
  if (!parts || parts->authority.empty()) return std::string("not an absolute http(s) URL");
  if (parts->authority.find('@') != std::string::npos)
    return std::string("user information in the URL is not allowed (the client secret goes in a file)");
  if (parts->scheme == "https") return std::nullopt;
  if (parts->scheme != "http") return "scheme '" + util::sanitize_line(parts->scheme, 20) + "' (https only)";
  const std::string host = util::to_lower(host_of(parts->authority));
  in_addr ipv4{};
  const bool loopback_ipv4 = ::inet_pton(AF_INET, host.c_str(), &ipv4) == 1 && (ntohl(ipv4.s_addr) >> 24) == 127;
  if (host == "localhost" || host == "[::1]" || loopback_ipv4) return std::nullopt;
  return std::string("plain http sends the client secret in clear; use https (http only to a loopback address)");
}

std::string microsoft_token_url(std::string_view tenant) {
  return "https://login.microsoftonline.com/" + std::string(tenant) + "/oauth2/v2.0/token";
}

}  // namespace check_mail::oauth
