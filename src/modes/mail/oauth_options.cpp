#include "check_mail/modes/mail/oauth_options.hpp"

#include <algorithm>
#include <cstdlib>

#include "check_mail/modes/mode.hpp"
#include "check_mail/oauth/token_cache.hpp"
#include "check_mail/util/files.hpp"
#include "check_mail/util/secrets.hpp"
#include "check_mail/util/strings.hpp"

namespace check_mail::modes::mail {
namespace {

constexpr const char* kTokenEnv = "CHECK_MAIL_OAUTH_TOKEN";
constexpr const char* kClientSecretEnv = "CHECK_MAIL_OAUTH_CLIENT_SECRET";
constexpr const char* kRefreshTokenEnv = "CHECK_MAIL_OAUTH_REFRESH_TOKEN";

// A secret from its file option or its environment variable (never from the command line).
std::optional<std::string> secret(const cli::Options& options, const std::string& file_option, const char* env,
                                  const std::string& what, output::Report& report) {
  util::SecretSource source{"", false, options.get(file_option), env};
  try {
    auto value = util::resolve_secret(source, what);
    if (!value) return std::nullopt;
    for (const std::string& warning : value->warnings) report.add_long(warning);
    if (value->value.empty()) throw CheckError("The " + what + " (--" + file_option + " or " + env + ") is empty.");
    return value->value;
  } catch (const std::runtime_error& e) {
    if (dynamic_cast<const CheckError*>(&e)) throw;
    throw CheckError(e.what());
  }
}

// A Microsoft tenant: a GUID or a domain name ("contoso.onmicrosoft.com"), which go into a URL path.
bool valid_tenant(const std::string& tenant) {
  return !tenant.empty() && tenant.size() <= 128 && std::all_of(tenant.begin(), tenant.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
  });
}

}  // namespace

std::vector<cli::OptionSpec> oauth_option_specs(bool both_legs) {
  const std::string legs = both_legs ? " Both legs." : "";
  auto opt = [&](std::string name, std::string value, std::string help, std::string def = "") {
    cli::OptionSpec spec;
    spec.name = std::move(name);
    spec.value_name = std::move(value);
    spec.help = std::move(help) + legs;
    spec.default_value = std::move(def);
    spec.section = kOAuthSection;
    return spec;
  };
  return {
      opt("oauth-token-file", "FILE",
          "Read an OAuth 2.0 access token from the first line of this file, kept fresh by another tool (or "
          "CHECK_MAIL_OAUTH_TOKEN)."),
      opt("oauth-token-url", "URL",
          "Token endpoint to obtain the access token from: the client credentials grant, or the refresh token "
          "grant with --oauth-refresh-token-file (https; http only to a loopback address)."),
      opt("oauth-tenant", "ID",
          "Microsoft Entra tenant (ID or domain): the token URL "
          "https://login.microsoftonline.com/ID/oauth2/v2.0/token and, unless --oauth-scope, the scope "
          "https://outlook.office365.com/.default."),
      opt("oauth-client-id", "ID", "Client (application) ID of the app registration."),
      opt("oauth-client-secret-file", "FILE",
          "Read the client secret from the first line of this file (or CHECK_MAIL_OAUTH_CLIENT_SECRET)."),
      opt("oauth-client-certificate-file", "FILE",
          "Authenticate the client with this certificate instead of a secret (private_key_jwt: an RS256 "
          "assertion; PEM, the unencrypted RSA key in the same file or --oauth-client-key-file)."),
      opt("oauth-client-key-file", "FILE", "Private key (PEM, unencrypted RSA) of --oauth-client-certificate-file."),
      opt("oauth-scope", "SCOPE", "Scope to ask for (space-separated; e.g. https://mail.google.com/)."),
      opt("oauth-refresh-token-file", "FILE",
          "Use the refresh token grant with the refresh token on the first line of this file (or "
          "CHECK_MAIL_OAUTH_REFRESH_TOKEN); e.g. Google's https://oauth2.googleapis.com/token."),
      opt("oauth-cache-dir", "DIR",
          "Directory of the access token cache (private to this user; default $XDG_CACHE_HOME/check_mail, "
          "~/.cache/check_mail or /tmp/check_mail-UID). 'none' disables the cache."),
  };
}

std::optional<oauth::TokenSourceSettings> read_oauth_source(const cli::Options& options, output::Report& report) {
  oauth::TokenSourceSettings s;
  const std::string tenant = options.get("oauth-tenant");
  std::string token_url = options.get("oauth-token-url");
  if (!tenant.empty()) {
    if (!valid_tenant(tenant))
      throw CheckError("Wrong --oauth-tenant value '" + util::sanitize_line(tenant, 60) + "' (a tenant ID or domain).");
    if (!token_url.empty()) throw CheckError("--oauth-tenant and --oauth-token-url exclude each other.");
    token_url = oauth::microsoft_token_url(tenant);
  }
  // An empty variable is no token (Icinga 2 sets the variables of undefined custom vars empty).
  const char* refresh_env = std::getenv(kRefreshTokenEnv);
  const bool refresh = options.given("oauth-refresh-token-file") || (refresh_env != nullptr && *refresh_env != '\0');
  const bool grant = !token_url.empty() || refresh;

  if (options.given("oauth-token-file") && grant)
    throw CheckError("--oauth-token-file and a token endpoint (--oauth-token-url, --oauth-tenant) exclude each other.");
  if (!grant) {
    const auto token = secret(options, "oauth-token-file", kTokenEnv, "OAuth access token", report);
    if (!token) return std::nullopt;
    s.kind = oauth::SourceKind::given_token;
    s.given_token = util::trim_right(*token);
    s.given_from = options.given("oauth-token-file") ? "--oauth-token-file" : kTokenEnv;
    return s;
  }

  s.kind = oauth::SourceKind::grant;
  if (token_url.empty())
    throw CheckError("The refresh token grant needs --oauth-token-url (e.g. https://oauth2.googleapis.com/token).");
  if (auto problem = oauth::token_url_problem(token_url))
    throw CheckError("Wrong --oauth-token-url: " + *problem + ".");
  s.grant.token_url = token_url;
  s.grant.client_id = options.get("oauth-client-id");
  if (s.grant.client_id.empty()) throw CheckError("The OAuth token endpoint needs --oauth-client-id.");
  s.grant.scope = options.get("oauth-scope");
  if (s.grant.scope.empty() && !tenant.empty()) s.grant.scope = std::string(oauth::kMicrosoftDefaultScope);
  s.client_certificate_file = options.get("oauth-client-certificate-file");
  s.client_key_file = options.get("oauth-client-key-file");
  if (!s.client_key_file.empty() && s.client_certificate_file.empty())
    throw CheckError("--oauth-client-key-file needs --oauth-client-certificate-file.");
  s.grant.client_secret =
      secret(options, "oauth-client-secret-file", kClientSecretEnv, "OAuth client secret", report).value_or("");
  if (!s.grant.client_secret.empty() && !s.client_certificate_file.empty())
    throw CheckError("An OAuth client secret and --oauth-client-certificate-file exclude each other.");

  if (refresh) {
    s.grant.type = oauth::GrantType::refresh_token;
    s.grant.refresh_token =
        secret(options, "oauth-refresh-token-file", kRefreshTokenEnv, "OAuth refresh token", report).value_or("");
  } else {
    s.grant.type = oauth::GrantType::client_credentials;
    if (s.grant.client_secret.empty() && s.client_certificate_file.empty())
      throw CheckError("The client credentials grant needs --oauth-client-secret-file (or " +
                       std::string(kClientSecretEnv) + ", or --oauth-client-certificate-file).");
  }

  const std::string cache = options.get("oauth-cache-dir");
  s.cache_directory = cache.empty() ? util::user_cache_directory() : cache == "none" ? std::string() : cache;
  return s;
}

}  // namespace check_mail::modes::mail
