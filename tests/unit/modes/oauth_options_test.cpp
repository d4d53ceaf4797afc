// The OAuth token source options of the mail modes: which source a set of options configures,
// the Microsoft tenant shortcut, the sets that are incomplete or contradictory, and the hints
// shown for a server's refusal.
#include "check_mail/modes/mail/oauth_options.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "check_mail/modes/mail/oauth_access.hpp"
#include "check_mail/modes/mode.hpp"

using namespace check_mail;
using namespace check_mail::modes;

namespace {

class OAuthOptions : public ::testing::Test {
protected:
  void SetUp() override {
    for (const char* name :
         {"CHECK_MAIL_OAUTH_TOKEN", "CHECK_MAIL_OAUTH_CLIENT_SECRET", "CHECK_MAIL_OAUTH_REFRESH_TOKEN"})
      ::unsetenv(name);
    char pattern[] = "/tmp/cm-oauth-opt.XXXXXX";
    dir_ = ::mkdtemp(pattern);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string file(const std::string& name, const std::string& content) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path) << content << "\n";
    ::chmod(path.c_str(), 0600);
    return path;
  }

  std::optional<oauth::TokenSourceSettings> read(const std::vector<std::pair<std::string, std::string>>& given) {
    cli::Options options;
    options.set_defaults(mail::oauth_option_specs(false));
    for (const auto& [name, value] : given) options.set(name, {value});
    return mail::read_oauth_source(options, report_);
  }

  std::string error_of(const std::vector<std::pair<std::string, std::string>>& given) {
    try {
      (void)read(given);
    } catch (const CheckError& e) {
      return e.what();
    }
    return "(no error)";
  }

  std::string dir_;
  output::Report report_;
};

}  // namespace

TEST_F(OAuthOptions, NoSourceConfigured) { EXPECT_FALSE(read({})); }

TEST_F(OAuthOptions, TokenFromFileOrEnvironment) {
  auto from_file = read({{"oauth-token-file", file("t", "ya29.token")}});
  ASSERT_TRUE(from_file);
  EXPECT_EQ(from_file->kind, oauth::SourceKind::given_token);
  EXPECT_EQ(from_file->given_token, "ya29.token");
  EXPECT_EQ(from_file->given_from, "--oauth-token-file");

  ::setenv("CHECK_MAIL_OAUTH_TOKEN", "env.token", 1);
  auto from_env = read({});
  ASSERT_TRUE(from_env);
  EXPECT_EQ(from_env->given_token, "env.token");
  EXPECT_EQ(from_env->given_from, "CHECK_MAIL_OAUTH_TOKEN");
}

TEST_F(OAuthOptions, TenantShortcutFillsTheMicrosoftEndpointAndScope) {
  auto s = read({{"oauth-tenant", "contoso.onmicrosoft.com"},
                 {"oauth-client-id", "cid"},
                 {"oauth-client-secret-file", file("secret", "s3cret-value")},
                 {"oauth-cache-dir", "none"}});
  ASSERT_TRUE(s);
  EXPECT_EQ(s->kind, oauth::SourceKind::grant);
  EXPECT_EQ(s->grant.type, oauth::GrantType::client_credentials);
  EXPECT_EQ(s->grant.token_url, "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token");
  EXPECT_EQ(s->grant.scope, "https://outlook.office365.com/.default");
  EXPECT_EQ(s->grant.client_secret, "s3cret-value");
  EXPECT_TRUE(s->cache_directory.empty());
}

TEST_F(OAuthOptions, ClientSecretFromTheEnvironmentAndExplicitScope) {
  ::setenv("CHECK_MAIL_OAUTH_CLIENT_SECRET", "env-secret", 1);
  auto s = read({{"oauth-tenant", "0d3a2d4c-8b1e-4c55-9f3e-1b2c3d4e5f60"},
                 {"oauth-client-id", "cid"},
                 {"oauth-scope", "https://outlook.office.com/.default"}});
  ASSERT_TRUE(s);
  EXPECT_EQ(s->grant.client_secret, "env-secret");
  EXPECT_EQ(s->grant.scope, "https://outlook.office.com/.default");
  EXPECT_FALSE(s->cache_directory.empty()) << "cached by default";
}

TEST_F(OAuthOptions, RefreshTokenGrant) {
  auto s = read({{"oauth-token-url", "https://oauth2.googleapis.com/token"},
                 {"oauth-client-id", "cid"},
                 {"oauth-client-secret-file", file("secret", "gsecret")},
                 {"oauth-refresh-token-file", file("refresh", "1//0refresh")}});
  ASSERT_TRUE(s);
  EXPECT_EQ(s->grant.type, oauth::GrantType::refresh_token);
  EXPECT_EQ(s->grant.refresh_token, "1//0refresh");
  EXPECT_TRUE(s->grant.scope.empty());
}

TEST_F(OAuthOptions, IncompleteOrContradictorySets) {
  const std::string secret = file("secret", "s");
  EXPECT_NE(error_of({{"oauth-tenant", "bad/tenant"}, {"oauth-client-id", "c"}, {"oauth-client-secret-file", secret}})
                .find("--oauth-tenant"),
            std::string::npos);
  EXPECT_NE(error_of({{"oauth-tenant", "t"}, {"oauth-token-url", "https://x/token"}}).find("exclude"),
            std::string::npos);
  EXPECT_NE(error_of({{"oauth-token-file", secret}, {"oauth-tenant", "t"}}).find("exclude"), std::string::npos);
  EXPECT_NE(error_of({{"oauth-tenant", "t"}, {"oauth-client-secret-file", secret}}).find("--oauth-client-id"),
            std::string::npos);
  EXPECT_NE(error_of({{"oauth-tenant", "t"}, {"oauth-client-id", "c"}}).find("--oauth-client-secret-file"),
            std::string::npos);
  EXPECT_NE(error_of({{"oauth-refresh-token-file", secret}, {"oauth-client-id", "c"}}).find("--oauth-token-url"),
            std::string::npos);
  EXPECT_NE(error_of({{"oauth-token-url", "http://idp.example/token"},
                      {"oauth-client-id", "c"},
                      {"oauth-client-secret-file", secret}})
                .find("plain http"),
            std::string::npos);
  EXPECT_NE(error_of({{"oauth-tenant", "t"},
                      {"oauth-client-id", "c"},
                      {"oauth-client-secret-file", secret},
                      {"oauth-client-certificate-file", secret}})
                .find("exclude"),
            std::string::npos);
  EXPECT_NE(error_of({{"oauth-token-file", dir_ + "/missing"}}).find("missing"), std::string::npos);
  EXPECT_NE(error_of({{"oauth-token-file", file("empty", "")}}).find("empty"), std::string::npos);
}

TEST(OAuthRefusalHints, ExchangeOnlineCodes) {
  const auto disabled = mail::oauth_refusal_hints(
      "AUTH XOAUTH2 failed: 535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the "
      "Tenant.",
      "SMTP");
  ASSERT_EQ(disabled.size(), 1u);
  EXPECT_NE(disabled[0].find("SMTP AUTH is disabled"), std::string::npos);
  const auto permission =
      mail::oauth_refusal_hints("AUTH XOAUTH2 failed: 535 5.7.3 Authentication unsuccessful", "SMTP");
  ASSERT_EQ(permission.size(), 1u);
  EXPECT_NE(permission[0].find("SMTP.SendAsApp"), std::string::npos);
  const auto imap = mail::oauth_refusal_hints("login refused: NO AUTHENTICATE failed.", "IMAP");
  ASSERT_EQ(imap.size(), 1u);
  EXPECT_NE(imap[0].find("IMAP.AccessAsApp"), std::string::npos);
  EXPECT_NE(mail::oauth_refusal_hints("-ERR Authentication failure", "POP3")[0].find("POP.AccessAsApp"),
            std::string::npos);
}
