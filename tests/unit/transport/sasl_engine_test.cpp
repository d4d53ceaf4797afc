// The SASL engine against a fake protocol adapter: the exchange, initial responses, fallback,
// cancellation and redaction, independent of SMTP, IMAP and POP3.
#include "check_mail/sasl/sasl_engine.hpp"

#include <gtest/gtest.h>

#include "check_mail/net/error.hpp"
#include "check_mail/util/base64.hpp"
#include "support/fake_sasl_server.hpp"

using namespace check_mail::transport;
using namespace check_mail::transport::sasl;
using check_mail::test_support::failure;
using check_mail::test_support::FakeSaslServer;
using check_mail::test_support::success;
using check_mail::util::base64_encode;

namespace {

ServerAnswer challenge(std::string text) { return {ServerAnswer::Kind::challenge, std::move(text), false}; }

Credentials tim() {
  Credentials c;
  c.username = "tim";
  c.password = "tanstaaftanstaaf";
  return c;
}

}  // namespace

TEST(SaslEngine, PlainSendsItsInitialResponseRedacted) {
  FakeSaslServer server;
  server.answers = {success()};
  EXPECT_EQ(authenticate(server.adapter(), {Mechanism::plain}, tim(), {}), Mechanism::plain);
  EXPECT_EQ(server.wire, (std::vector<std::string>{"AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm"}));
  EXPECT_EQ(server.shown, (std::vector<std::string>{"AUTH PLAIN <redacted>"}));
}

TEST(SaslEngine, InitialResponseTooLongWaitsForTheEmptyChallenge) {
  FakeSaslServer server;
  server.max_initial = 10;
  server.answers = {challenge(""), success()};
  EXPECT_EQ(authenticate(server.adapter(), {Mechanism::plain}, tim(), {}), Mechanism::plain);
  EXPECT_EQ(server.wire, (std::vector<std::string>{"AUTH PLAIN", "AHRpbQB0YW5zdGFhZnRhbnN0YWFm"}));
  EXPECT_EQ(server.shown, (std::vector<std::string>{"AUTH PLAIN", "<redacted>"}));
}

TEST(SaslEngine, LoginAnswersBothPromptsRedacted) {
  FakeSaslServer server;
  server.answers = {challenge("VXNlcm5hbWU6"), challenge("UGFzc3dvcmQ6"), success()};
  EXPECT_EQ(authenticate(server.adapter(), {Mechanism::login}, tim(), {}), Mechanism::login);
  EXPECT_EQ(server.wire,
            (std::vector<std::string>{"AUTH LOGIN", base64_encode("tim"), base64_encode("tanstaaftanstaaf")}));
  EXPECT_EQ(server.shown, (std::vector<std::string>{"AUTH LOGIN", "<redacted>", "<redacted>"}));
}

TEST(SaslEngine, CramMd5AnswersTheChallenge) {
  FakeSaslServer server;
  server.answers = {challenge(base64_encode("<1896.697170952@postoffice.reston.mci.net>")), success()};
  EXPECT_EQ(authenticate(server.adapter(), {Mechanism::cram_md5}, tim(), {}), Mechanism::cram_md5);
  EXPECT_EQ(server.wire.back(), "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw");
}

TEST(SaslEngine, MalformedChallengeCancelsTheExchange) {
  FakeSaslServer server;
  server.answers = {challenge("not base64!"), failure()};
  try {
    (void)authenticate(server.adapter(), {Mechanism::cram_md5}, tim(), {});
    FAIL();
  } catch (const TransportError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::protocol);
    EXPECT_NE(std::string(e.what()).find("malformed CRAM-MD5 challenge"), std::string::npos) << e.what();
  }
  EXPECT_EQ(server.wire, (std::vector<std::string>{"AUTH CRAM-MD5", "*"}));
}

TEST(SaslEngine, FallsBackToTheNextMechanismWhenRefusedAsUnsupported) {
  FakeSaslServer server;
  server.answers = {failure(true), success()};
  EXPECT_EQ(authenticate(server.adapter(), {Mechanism::cram_md5, Mechanism::plain}, tim(), {}), Mechanism::plain);
  EXPECT_EQ(server.shown, (std::vector<std::string>{"AUTH CRAM-MD5", "AUTH PLAIN <redacted>"}));
  ASSERT_EQ(server.notes.size(), 1u);
  EXPECT_EQ(server.notes[0], "CRAM-MD5 refused as unsupported; trying PLAIN");
}

TEST(SaslEngine, WrongPasswordIsTheServersRefusalWithoutFallback) {
  FakeSaslServer server;
  server.answers = {challenge(base64_encode("<1.2@x>")), failure(false)};
  try {
    (void)authenticate(server.adapter(), {Mechanism::cram_md5, Mechanism::plain}, tim(), {});
    FAIL();
  } catch (const TransportError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::rejected);
  }
  EXPECT_EQ(server.refused_mechanism, "CRAM-MD5");
  EXPECT_EQ(server.wire.size(), 2u);
}

TEST(SaslEngine, LastMechanismRefusedAsUnsupportedIsTheServersRefusal) {
  FakeSaslServer server;
  server.answers = {failure(true), failure(true)};
  EXPECT_THROW((void)authenticate(server.adapter(), {Mechanism::cram_md5, Mechanism::plain}, tim(), {}),
               TransportError);
  EXPECT_EQ(server.refused_mechanism, "PLAIN");
}

TEST(SaslEngine, NothingToTryIsUnsupported) {
  FakeSaslServer server;
  try {
    (void)authenticate(server.adapter(), {}, tim(), {{"GSSAPI"}});
    FAIL();
  } catch (const TransportError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::unsupported);
    EXPECT_STREQ(e.what(), "server offers no supported AUTH mechanism (offers: GSSAPI)");
  }
}

TEST(SaslEngine, InitialResponseIgnoredByTheServerIsSentAgain) {
  FakeSaslServer server;
  server.answers = {challenge(""), success()};
  EXPECT_EQ(authenticate(server.adapter(), {Mechanism::plain}, tim(), {}), Mechanism::plain);
  EXPECT_EQ(server.wire,
            (std::vector<std::string>{"AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm", "AHRpbQB0YW5zdGFhZnRhbnN0YWFm"}));
}

TEST(SaslEngine, UnexpectedChallengeAfterPlainCancels) {
  FakeSaslServer server;
  server.answers = {challenge(""), challenge(""), failure()};
  try {
    (void)authenticate(server.adapter(), {Mechanism::plain}, tim(), {});
    FAIL();
  } catch (const TransportError& e) {
    EXPECT_STREQ(e.what(), "AUTH PLAIN: unexpected further challenge from server");
  }
  EXPECT_EQ(server.wire.back(), "*");
}
