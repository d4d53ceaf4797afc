// XOAUTH2 and OAUTHBEARER on the SASL engine, against a fake protocol adapter: the initial
// response, the error challenge answered with the mechanism's acknowledgement and decoded for
// the status line, a token too long for the command line, and auto's "OAuth first" rule.
#include <gtest/gtest.h>

#include "check_mail/net/error.hpp"
#include "check_mail/sasl/sasl_engine.hpp"
#include "check_mail/util/base64.hpp"
#include "support/fake_sasl_server.hpp"

using namespace check_mail::transport;
using namespace check_mail::transport::sasl;
using check_mail::test_support::failure;
using check_mail::test_support::FakeSaslServer;
using check_mail::test_support::success;
using check_mail::util::base64_encode;

namespace {

ServerAnswer challenge(const std::string& decoded) {
  return {ServerAnswer::Kind::challenge, base64_encode(decoded), false};
}

struct Refusal {
  std::string description;
  bool bad_token = false;
  int calls = 0;
};

Credentials with_token(Refusal* refusal = nullptr) {
  Credentials c;
  c.username = "monitor@example.test";
  c.access_token = [] { return std::string("ya29.token"); };
  if (refusal)
    c.oauth_refusal = [refusal](const std::string& description, bool bad_token) {
      refusal->description = description;
      refusal->bad_token = bad_token;
      ++refusal->calls;
    };
  return c;
}

}  // namespace

TEST(OAuthEngine, Xoauth2SendsTheTokenAsItsInitialResponseRedacted) {
  FakeSaslServer server;
  server.answers = {success()};
  EXPECT_EQ(authenticate(server.adapter(), {Mechanism::xoauth2}, with_token(), {}), Mechanism::xoauth2);
  EXPECT_EQ(server.wire, (std::vector<std::string>{"AUTH XOAUTH2 " + base64_encode("user=monitor@example.test\x01"
                                                                                   "auth=Bearer ya29.token\x01\x01")}));
  EXPECT_EQ(server.shown, (std::vector<std::string>{"AUTH XOAUTH2 <redacted>"}));
}

TEST(OAuthEngine, OauthbearerSendsTheGs2Header) {
  FakeSaslServer server;
  server.answers = {success()};
  EXPECT_EQ(authenticate(server.adapter(), {Mechanism::oauthbearer}, with_token(), {}), Mechanism::oauthbearer);
  EXPECT_EQ(server.wire.front(), "AUTH OAUTHBEARER " + base64_encode("n,a=monitor@example.test,\x01"
                                                                     "auth=Bearer ya29.token\x01\x01"));
}

TEST(OAuthEngine, Xoauth2FailureAnswersTheJsonChallengeWithAnEmptyResponse) {
  FakeSaslServer server;
  server.answers = {challenge(R"({"status":"401","schemes":"bearer","scope":"https://mail.google.com/"})"), failure()};
  Refusal refusal;
  try {
    (void)authenticate(server.adapter(), {Mechanism::xoauth2}, with_token(&refusal), {});
    FAIL();
  } catch (const TransportError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::rejected);
  }
  ASSERT_EQ(server.wire.size(), 2u);
  EXPECT_EQ(server.wire[1], "");
  EXPECT_EQ(refusal.calls, 1);
  EXPECT_EQ(refusal.description, "status 401, scope https://mail.google.com/");
  EXPECT_TRUE(refusal.bad_token);
}

TEST(OAuthEngine, OauthbearerFailureAnswersWithTheDummyResponse) {
  FakeSaslServer server;
  server.answers = {challenge(R"({"status":"insufficient_scope","scope":"mail"})"), failure()};
  Refusal refusal;
  EXPECT_THROW((void)authenticate(server.adapter(), {Mechanism::oauthbearer}, with_token(&refusal), {}),
               TransportError);
  ASSERT_EQ(server.wire.size(), 2u);
  EXPECT_EQ(server.wire[1], base64_encode("\x01"));
  EXPECT_EQ(server.shown[1], "<redacted>");
  EXPECT_FALSE(refusal.bad_token);
}

TEST(OAuthEngine, ATokenTooLongForTheCommandLineFollowsTheEmptyChallenge) {
  FakeSaslServer server;
  server.max_initial = 20;
  server.answers = {challenge(""), success()};
  EXPECT_EQ(authenticate(server.adapter(), {Mechanism::xoauth2}, with_token(), {}), Mechanism::xoauth2);
  EXPECT_EQ(server.wire[0], "AUTH XOAUTH2");
  EXPECT_EQ(server.wire[1], base64_encode("user=monitor@example.test\x01"
                                          "auth=Bearer ya29.token\x01\x01"));
}

TEST(OAuthEngine, NonJsonChallengeStillEndsTheExchangeAsARefusal) {
  FakeSaslServer server;
  server.answers = {challenge("not json"), failure()};
  Refusal refusal;
  EXPECT_THROW((void)authenticate(server.adapter(), {Mechanism::xoauth2}, with_token(&refusal), {}), TransportError);
  EXPECT_EQ(refusal.calls, 1);
  EXPECT_TRUE(refusal.bad_token);
}

TEST(OAuthEngine, AutoTriesOAuthFirstOnlyWithATokenSource) {
  const std::vector<std::string> offered = {"PLAIN", "LOGIN", "XOAUTH2", "OAUTHBEARER", "CRAM-MD5"};
  EXPECT_EQ(candidates(AuthType::automatic(), offered, Conditions{true, false, true}),
            (std::vector<Mechanism>{Mechanism::xoauth2, Mechanism::oauthbearer, Mechanism::plain, Mechanism::login}));
  // CRAM-MD5 only without TLS (it needs the password stored in the clear on the server).
  EXPECT_EQ(candidates(AuthType::automatic(), offered, Conditions{true, false, false}),
            (std::vector<Mechanism>{Mechanism::plain, Mechanism::login}));
  // Without TLS the bearer token, like a password, is not sent unless allowed.
  EXPECT_EQ(candidates(AuthType::automatic(), offered, Conditions{false, false, true}),
            (std::vector<Mechanism>{Mechanism::cram_md5}));
  try {
    (void)candidates(AuthType::of(Mechanism::xoauth2), offered, Conditions{true, false, false});
    FAIL();
  } catch (const TransportError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::config);
  }
  EXPECT_EQ(parse_auth_type("xoauth2"), AuthType::of(Mechanism::xoauth2));
  EXPECT_EQ(parse_auth_type("OAUTHBEARER"), AuthType::of(Mechanism::oauthbearer));
}
