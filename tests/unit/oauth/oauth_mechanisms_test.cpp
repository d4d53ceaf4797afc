#include "check_mail/sasl/oauth_mechanisms.hpp"

#include <gtest/gtest.h>

#include "check_mail/net/error.hpp"
#include "check_mail/util/base64.hpp"

using namespace check_mail::transport;
using namespace check_mail::transport::sasl;

TEST(OAuthMechanisms, Xoauth2MatchesGoogleExample) {
  // Google's XOAUTH2 documentation: user someuser@example.com, token ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg.
  const std::string message =
      xoauth2_initial_response("someuser@example.com", "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg");
  EXPECT_EQ(message,
            "user=someuser@example.com\x01"
            "auth=Bearer ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg\x01\x01");
  EXPECT_EQ(check_mail::util::base64_encode(message),
            "dXNlcj1zb21ldXNlckBleGFtcGxlLmNvbQFhdXRoPUJlYXJlciB5YTI5LnZGOWRmdDRxbVRjMk52YjNSbGNrQmhkSFJoZG1semRHRXVZMj"
            "l0Q2cBAQ==");
}

TEST(OAuthMechanisms, OauthbearerMatchesRfc7628Shape) {
  // RFC 7628 section 4.1 without the optional host and port.
  EXPECT_EQ(oauthbearer_initial_response("user@example.com", "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg=="),
            "n,a=user@example.com,\x01"
            "auth=Bearer vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==\x01\x01");
}

TEST(OAuthMechanisms, OauthbearerEscapesCommaAndEqualsInTheUserName) {
  EXPECT_EQ(oauthbearer_initial_response("a,b=c", "tok"),
            "n,a=a=2Cb=3Dc,\x01"
            "auth=Bearer tok\x01\x01");
}

TEST(OAuthMechanisms, RefusesWhatTheFormatCannotCarry) {
  for (const auto& [user, token] : std::vector<std::pair<std::string, std::string>>{{"user\x01", "tok"},
                                                                                    {"", "tok"},
                                                                                    {"user", ""},
                                                                                    {"user", "to k"},
                                                                                    {"user", "tok\x01"},
                                                                                    {"user\r\n", "tok"}}) {
    for (auto* build : {&xoauth2_initial_response, &oauthbearer_initial_response}) {
      try {
        (void)build(user, token);
        FAIL() << "accepted " << user << " / " << token;
      } catch (const TransportError& e) {
        EXPECT_EQ(e.kind(), ErrorKind::config);
        EXPECT_EQ(std::string(e.what()).find(token.empty() ? "\x7f" : token), std::string::npos)
            << "message names the token";
      }
    }
  }
}

TEST(OAuthMechanisms, ErrorAcknowledgements) {
  EXPECT_EQ(xoauth2_error_acknowledgement(), "");
  EXPECT_EQ(oauthbearer_error_acknowledgement(), "\x01");
}

TEST(OAuthMechanisms, DecodesTheJsonErrorChallenge) {
  // What Dovecot and Google send.
  auto google =
      parse_oauth_error_challenge(R"({"status":"401","schemes":"bearer","scope":"https://mail.google.com/"})");
  ASSERT_TRUE(google);
  EXPECT_EQ(google->status, "401");
  EXPECT_EQ(google->scope, "https://mail.google.com/");
  EXPECT_EQ(google->schemes, "bearer");
  EXPECT_EQ(describe_oauth_error(*google), "status 401, scope https://mail.google.com/");
  EXPECT_TRUE(oauth_error_means_bad_token(*google));

  auto dovecot = parse_oauth_error_challenge(R"({"status":"invalid_token"})");
  ASSERT_TRUE(dovecot);
  EXPECT_TRUE(oauth_error_means_bad_token(*dovecot));
  EXPECT_EQ(describe_oauth_error(*dovecot), "status invalid_token");

  auto scope = parse_oauth_error_challenge(
      R"({"status":"insufficient_scope","scope":"mail","openid-configuration":"https://x/.well-known"})");
  ASSERT_TRUE(scope);
  EXPECT_FALSE(oauth_error_means_bad_token(*scope));
  EXPECT_EQ(scope->openid_configuration, "https://x/.well-known");

  auto numeric = parse_oauth_error_challenge(R"({"status":400})");
  ASSERT_TRUE(numeric);
  EXPECT_EQ(numeric->status, "400");
  EXPECT_FALSE(oauth_error_means_bad_token(*numeric));
}

TEST(OAuthMechanisms, ErrorChallengeThatIsNoJsonObject) {
  EXPECT_FALSE(parse_oauth_error_challenge(""));
  EXPECT_FALSE(parse_oauth_error_challenge("not json"));
  EXPECT_FALSE(parse_oauth_error_challenge("[1,2]"));
  EXPECT_FALSE(parse_oauth_error_challenge(std::string(20000, ' ') + "{}"));
  auto odd = parse_oauth_error_challenge(R"({"status":{"x":1},"scope":["a"]})");
  ASSERT_TRUE(odd);
  EXPECT_EQ(describe_oauth_error(*odd), "no error status");
}

TEST(OAuthMechanisms, DescriptionIsSanitised) {
  auto hostile = parse_oauth_error_challenge("{\"status\":\"401\\r\\nOK: all fine\",\"scope\":\"a\\u001b[31m\"}");
  ASSERT_TRUE(hostile);
  const std::string text = describe_oauth_error(*hostile);
  EXPECT_EQ(text.find('\r'), std::string::npos);
  EXPECT_EQ(text.find('\n'), std::string::npos);
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
}
