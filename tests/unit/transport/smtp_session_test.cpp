// Whole SMTP dialogues against the scripted server: the happy paths, every refusal, and the
// transport faults, each finishing within its deadline.
#include "check_mail/smtp/smtp_session.hpp"

#include <gtest/gtest.h>

#include "check_mail/util/base64.hpp"
#include "net_test_helpers.hpp"
#include "support/scripted_server.hpp"
#include "support/test_pki.hpp"

using namespace check_mail::transport;
using namespace check_mail::transport::smtp;
using namespace check_mail::transport::testing;
using namespace check_mail::test_support;
using check_mail::util::base64_encode;

namespace {

const TestPki& pki() { return TestPki::instance(); }

const std::string kBanner = "220 localhost ESMTP scripted\r\n";
const std::string kPlainEhlo = "250-localhost\r\n250-PIPELINING\r\n250-STARTTLS\r\n250 SIZE 1000000\r\n";
const std::string kTlsEhlo =
    "250-localhost\r\n250-AUTH PLAIN LOGIN CRAM-MD5\r\n250-ENHANCEDSTATUSCODES\r\n250 8BITMIME\r\n";

SessionOptions options_for(const ScriptedServer& server, Security security = Security::none) {
  SessionOptions options;
  options.endpoint = Endpoint{"localhost", server.port()};
  options.security = security;
  options.tls.ca_pem = pki().ca_pem();
  options.helo_name = "tester";
  return options;
}

ScriptedServer::Options implicit(CertKind kind) {
  ScriptedServer::Options options;
  options.implicit_tls = pki().get(kind);
  return options;
}

// Banner, EHLO, STARTTLS, handshake with `kind`, EHLO again.
std::vector<Step> starttls_prefix(CertKind kind = CertKind::valid) {
  return {step::send(kBanner),
          step::expect("EHLO tester"),
          step::send(kPlainEhlo),
          step::expect("STARTTLS"),
          step::send("220 2.0.0 Ready to start TLS\r\n"),
          step::start_tls(pki().get(kind))};
}

std::vector<Step> quit_steps() { return {step::expect("QUIT"), step::send("221 2.0.0 Bye\r\n"), step::close()}; }

std::string transcript_of(const Result& result) { return result.transcript.to_string(); }

}  // namespace

TEST(SmtpSession, FullDialogueWithStartTlsAuthAndMessage) {
  const std::string auth = base64_encode(std::string("\0user\0secret", 12));
  ScriptedServer server(starttls_prefix() +
                        std::vector<Step>{
                            step::expect("EHLO tester"),
                            step::send(kTlsEhlo),
                            step::expect("AUTH PLAIN " + auth),
                            step::send("235 2.7.0 Authentication successful\r\n"),
                            step::expect("MAIL FROM:<monitor@example.com>"),
                            step::send("250 2.1.0 Ok\r\n"),
                            step::expect("RCPT TO:<probe@example.net>"),
                            step::send("250 2.1.5 Ok\r\n"),
                            step::expect("RCPT TO:<other@example.org>"),
                            step::send("251 2.1.5 User not local; will forward\r\n"),
                            step::expect("DATA"),
                            step::send("354 End data with <CR><LF>.<CR><LF>\r\n"),
                            step::read_data(),
                            step::send("250 2.0.0 Ok: queued as 4ABC\r\n"),
                        } +
                        quit_steps());
  SessionOptions options = options_for(server, Security::starttls);
  options.auth = sasl::AuthType::of(sasl::Mechanism::plain);
  options.username = "user";
  options.password = "secret";
  options.mail_from = "monitor@example.com";
  options.recipients = {"<probe@example.net>", "other@example.org"};
  options.message.body = "Hello.\n.leading dot\n";
  const Deadline deadline(5s);
  const Result result = run_smtp_check(options, deadline);

  ASSERT_TRUE(result.ok()) << result.failure->summary << "\n" << transcript_of(result);
  EXPECT_TRUE(server.wait_done());
  EXPECT_TRUE(server.failures().empty()) << server.failures().front();

  const Timings& t = result.timings;
  for (const auto& [name, value] : {std::pair{"dns", t.dns},
                                    {"connect", t.connect},
                                    {"tls", t.tls_handshake},
                                    {"banner", t.banner},
                                    {"ehlo", t.ehlo},
                                    {"starttls", t.starttls},
                                    {"auth", t.auth},
                                    {"response", t.response},
                                    {"upload", t.upload},
                                    {"total", t.total}}) {
    ASSERT_TRUE(value) << name;
    EXPECT_GE(*value, 0.0) << name;
    EXPECT_LT(*value, 5.0) << name;
  }
  EXPECT_GE(*t.response, *t.banner + *t.ehlo + *t.auth);
  EXPECT_GE(*t.total, *t.response + *t.upload);

  EXPECT_EQ(result.peer_address, "127.0.0.1");
  ASSERT_TRUE(result.tls);
  EXPECT_TRUE(result.tls->verified);
  EXPECT_EQ(result.tls->protocol, "TLSv1.3");
  ASSERT_TRUE(result.capabilities);
  EXPECT_FALSE(result.capabilities->starttls);  // forgotten: only the post-TLS EHLO counts
  EXPECT_TRUE(result.capabilities->enhanced_status_codes);
  EXPECT_EQ(result.auth_mechanism, sasl::Mechanism::plain);
  EXPECT_EQ(result.accepted_recipients, (std::vector<std::string>{"probe@example.net", "other@example.org"}));
  EXPECT_TRUE(result.quit_acknowledged);
  EXPECT_EQ(result.last_code(), 221);
  EXPECT_EQ(result.last_enhanced_code(), "2.0.0");

  const std::string data = server.data();
  EXPECT_NE(data.find("X-Check-Mail-Token: " + result.message_token + "; sent="), std::string::npos) << data;
  EXPECT_NE(data.find("Message-ID: " + result.message_id), std::string::npos);
  EXPECT_NE(data.find("From: monitor@example.com\r\n"), std::string::npos);
  EXPECT_NE(data.find("To: probe@example.net, other@example.org\r\n"), std::string::npos);
  EXPECT_NE(data.find("\r\n\r\nHello.\r\n..leading dot\r\n"), std::string::npos);  // raw: still stuffed
  EXPECT_EQ(result.message_bytes, data.size() + 3);                                // + ".\r\n"
  ASSERT_TRUE(result.upload_bytes_per_second);
  EXPECT_GT(*result.upload_bytes_per_second, 0.0);
  ASSERT_TRUE(result.sent_epoch);
  EXPECT_GT(result.bytes_sent, result.message_bytes);
  EXPECT_GT(result.bytes_received, 200u);

  const std::string transcript = transcript_of(result);
  EXPECT_NE(transcript.find("C: AUTH PLAIN <redacted>"), std::string::npos) << transcript;
  EXPECT_EQ(transcript.find(auth), std::string::npos);
  EXPECT_NE(transcript.find("* TLS established: TLSv1.3"), std::string::npos);
  EXPECT_NE(transcript.find("S: 250 2.0.0 Ok: queued as 4ABC"), std::string::npos);
  EXPECT_NE(transcript.find("C: <message of "), std::string::npos);
}

TEST(SmtpSession, ImplicitTlsWithoutMessage) {
  ScriptedServer server(
      std::vector<Step>{step::send(kBanner), step::expect("EHLO tester"), step::send(kTlsEhlo)} + quit_steps(),
      implicit(CertKind::valid));
  const Deadline deadline(5s);
  const Result result = run_smtp_check(options_for(server, Security::implicit_tls), deadline);
  ASSERT_TRUE(result.ok()) << result.failure->summary;
  EXPECT_TRUE(result.timings.tls_handshake);
  EXPECT_TRUE(result.timings.response);
  EXPECT_FALSE(result.timings.upload);
  EXPECT_FALSE(result.timings.starttls);
  EXPECT_TRUE(result.tls->verified);
  EXPECT_TRUE(server.failures().empty());
}

TEST(SmtpSession, HeloFallbackWhenEhloIsRejected) {
  ScriptedServer server(std::vector<Step>{step::send("220 old server\r\n"), step::expect("EHLO tester"),
                                          step::send("502 5.5.1 Command not recognized\r\n"),
                                          step::expect("HELO tester"), step::send("250 old.example\r\n")} +
                        quit_steps());
  const Deadline deadline(5s);
  const Result result = run_smtp_check(options_for(server), deadline);
  ASSERT_TRUE(result.ok()) << result.failure->summary;
  ASSERT_TRUE(result.capabilities);
  EXPECT_FALSE(result.capabilities->esmtp);
  EXPECT_EQ(result.capabilities->domain, "old.example");
  EXPECT_TRUE(server.failures().empty());
}

TEST(SmtpSession, EhloTemporaryFailureIsNotRetriedWithHelo) {
  ScriptedServer server(
      std::vector<Step>{step::send(kBanner), step::expect("EHLO tester"), step::send("421 4.3.2 shutting down\r\n")} +
      quit_steps());
  const Deadline deadline(5s);
  const Result result = run_smtp_check(options_for(server), deadline);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.failure->phase, Phase::ehlo);
  EXPECT_EQ(result.failure->kind, ErrorKind::rejected);
  EXPECT_EQ(result.failure->summary, "EHLO refused: 421 4.3.2 shutting down");
}

TEST(SmtpSession, BannerRefusal) {
  ScriptedServer server(std::vector<Step>{step::send("554 5.3.2 no service here\r\n")} + quit_steps());
  const Deadline deadline(5s);
  const Result result = run_smtp_check(options_for(server), deadline);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.failure->phase, Phase::banner);
  EXPECT_EQ(result.failure->summary, "server did not accept the connection: 554 5.3.2 no service here");
  ASSERT_TRUE(result.failure->reply);
  EXPECT_EQ(result.failure->reply->code, 554);
}

TEST(SmtpSession, StartTlsNotOfferedFails) {
  ScriptedServer server(std::vector<Step>{step::send(kBanner), step::expect("EHLO tester"),
                                          step::send("250-localhost\r\n250 PIPELINING\r\n")} +
                        quit_steps());
  const Deadline deadline(5s);
  const Result result = run_smtp_check(options_for(server, Security::starttls), deadline);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.failure->phase, Phase::starttls);
  EXPECT_EQ(result.failure->kind, ErrorKind::unsupported);
  EXPECT_EQ(result.failure->summary, "STARTTLS not offered by server");
  EXPECT_TRUE(server.wait_done());
  EXPECT_TRUE(server.failures().empty());  // QUIT was still sent politely
  EXPECT_TRUE(result.quit_acknowledged);
}

TEST(SmtpSession, StartTlsRefused) {
  ScriptedServer server(std::vector<Step>{step::send(kBanner), step::expect("EHLO tester"), step::send(kPlainEhlo),
                                          step::expect("STARTTLS"), step::send("454 4.7.0 TLS not available\r\n")} +
                        quit_steps());
  const Deadline deadline(5s);
  const Result result = run_smtp_check(options_for(server, Security::starttls), deadline);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.failure->summary, "STARTTLS refused: 454 4.7.0 TLS not available");
}

TEST(SmtpSession, StartTlsInjectionIsRefused) {
  ScriptedServer server({step::send(kBanner), step::expect("EHLO tester"), step::send(kPlainEhlo),
                         step::expect("STARTTLS"), step::send("220 ready\r\n250 injected\r\n"), step::silent()});
  const Deadline deadline(5s);
  const Result result = run_smtp_check(options_for(server, Security::starttls), deadline);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.failure->phase, Phase::tls_handshake);
  EXPECT_EQ(result.failure->kind, ErrorKind::protocol);
  EXPECT_EQ(result.failure->summary,
            "server sent 14 unexpected bytes before the TLS handshake (possible STARTTLS command injection)");
  EXPECT_FALSE(result.tls);
}

TEST(SmtpSession, AuthLoginIsRedactedInTranscript) {
  ScriptedServer server(starttls_prefix() +
                        std::vector<Step>{step::expect("EHLO tester"),
                                          step::send("250-localhost\r\n250 AUTH LOGIN\r\n"), step::expect("AUTH LOGIN"),
                                          step::send("334 VXNlcm5hbWU6\r\n"), step::expect(base64_encode("alice")),
                                          step::send("334 UGFzc3dvcmQ6\r\n"), step::expect(base64_encode("pa55word")),
                                          step::send("235 ok\r\n")} +
                        quit_steps());
  SessionOptions options = options_for(server, Security::starttls);
  options.auth = sasl::AuthType::automatic();
  options.username = "alice";
  options.password = "pa55word";
  const Deadline deadline(5s);
  const Result result = run_smtp_check(options, deadline);
  ASSERT_TRUE(result.ok()) << result.failure->summary;
  EXPECT_EQ(result.auth_mechanism, sasl::Mechanism::login);
  const std::string transcript = transcript_of(result);
  EXPECT_EQ(transcript.find(base64_encode("alice")), std::string::npos) << transcript;
  EXPECT_EQ(transcript.find(base64_encode("pa55word")), std::string::npos);
  EXPECT_EQ(transcript.find("pa55word"), std::string::npos);
  std::size_t redactions = 0;
  for (std::size_t at = transcript.find("C: <redacted>"); at != std::string::npos;
       at = transcript.find("C: <redacted>", at + 1)) {
    ++redactions;
  }
  EXPECT_EQ(redactions, 2u);
}

TEST(SmtpSession, AuthCramMd5UsesTheSharedSecret) {
  // RFC 2195's example exchange.
  ScriptedServer server(
      starttls_prefix() +
      std::vector<Step>{step::expect("EHLO tester"), step::send(kTlsEhlo), step::expect("AUTH CRAM-MD5"),
                        step::send("334 PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+\r\n"),
                        step::expect("dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw"),
                        step::send("235 2.7.0 ok\r\n")} +
      quit_steps());
  SessionOptions options = options_for(server, Security::starttls);
  options.auth = sasl::AuthType::of(sasl::Mechanism::cram_md5);
  options.username = "tim";
  options.password = "not-the-secret";
  options.shared_secret = "tanstaaftanstaaf";
  const Deadline deadline(5s);
  const Result result = run_smtp_check(options, deadline);
  ASSERT_TRUE(result.ok()) << result.failure->summary;
  EXPECT_EQ(result.auth_mechanism, sasl::Mechanism::cram_md5);
  EXPECT_TRUE(server.failures().empty());
}

TEST(SmtpSession, AuthFailureIsReportedWithTheReply) {
  ScriptedServer server(starttls_prefix() +
                        std::vector<Step>{step::expect("EHLO tester"), step::send(kTlsEhlo),
                                          step::expect_prefix("AUTH PLAIN "),
                                          step::send("535 5.7.8 Error: authentication failed\r\n")} +
                        quit_steps());
  SessionOptions options = options_for(server, Security::starttls);
  options.auth = sasl::AuthType::of(sasl::Mechanism::plain);
  options.username = "user";
  options.password = "wrong";
  const Deadline deadline(5s);
  const Result result = run_smtp_check(options, deadline);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.failure->phase, Phase::auth);
  EXPECT_EQ(result.failure->summary, "AUTH PLAIN failed: 535 5.7.8 Error: authentication failed");
  EXPECT_EQ(result.failure->reply->enhanced->to_string(), "5.7.8");
  EXPECT_TRUE(result.quit_acknowledged);
}

TEST(SmtpSession, AuthWithoutTlsIsRefusedBeforeConnecting) {
  ScriptedServer server({step::silent()});
  SessionOptions options = options_for(server);
  options.auth = sasl::AuthType::of(sasl::Mechanism::plain);
  options.username = "user";
  options.password = "secret";
  const Deadline deadline(5s);
  const Result result = run_smtp_check(options, deadline);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.failure->kind, ErrorKind::config);
  EXPECT_NE(result.failure->summary.find("refusing to send credentials over an unencrypted connection"),
            std::string::npos);
  EXPECT_FALSE(result.timings.connect);
  EXPECT_EQ(result.bytes_sent, 0u);
}

TEST(SmtpSession, PlaintextAuthWhenExplicitlyAllowed) {
  ScriptedServer server(std::vector<Step>{step::send(kBanner), step::expect("EHLO tester"),
                                          step::send("250-localhost\r\n250 AUTH PLAIN\r\n"),
                                          step::expect("AUTH PLAIN " + base64_encode(std::string("\0u\0p", 4))),
                                          step::send("334 \r\n"),  // server ignores the initial response
                                          step::expect(base64_encode(std::string("\0u\0p", 4))),
                                          step::send("235 ok\r\n")} +
                        quit_steps());
  SessionOptions options = options_for(server);
  options.auth = sasl::AuthType::automatic();
  options.username = "u";
  options.password = "p";
  options.allow_plaintext_auth = true;
  const Deadline deadline(5s);
  const Result result = run_smtp_check(options, deadline);
  ASSERT_TRUE(result.ok()) << result.failure->summary;
  EXPECT_TRUE(server.failures().empty());
}

TEST(SmtpSession, AuthMechanismNotOffered) {
  ScriptedServer server(
      starttls_prefix() +
      std::vector<Step>{step::expect("EHLO tester"), step::send("250-localhost\r\n250 AUTH LOGIN\r\n")} + quit_steps());
  SessionOptions options = options_for(server, Security::starttls);
  options.auth = sasl::AuthType::of(sasl::Mechanism::cram_md5);
  options.username = "u";
  options.password = "p";
  const Deadline deadline(5s);
  const Result result = run_smtp_check(options, deadline);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.failure->kind, ErrorKind::unsupported);
  EXPECT_EQ(result.failure->summary, "server does not offer AUTH CRAM-MD5 (offers: LOGIN)");
}

TEST(SmtpSession, RecipientRefused) {
  ScriptedServer server(std::vector<Step>{step::send(kBanner), step::expect("EHLO tester"),
                                          step::send("250-localhost\r\n250 ENHANCEDSTATUSCODES\r\n"),
                                          step::expect("MAIL FROM:<>"), step::send("250 2.1.0 Ok\r\n"),
                                          step::expect("RCPT TO:<x@y>"),
                                          step::send("550 5.1.1 <x@y>: Recipient address rejected: no such user\r\n")} +
                        quit_steps());
  SessionOptions options = options_for(server);
  options.recipients = {"x@y"};
  const Deadline deadline(5s);
  const Result result = run_smtp_check(options, deadline);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.failure->phase, Phase::rcpt_to);
  EXPECT_EQ(result.failure->kind, ErrorKind::rejected);
  EXPECT_EQ(result.failure->summary,
            "RCPT TO <x@y> refused: 550 5.1.1 <x@y>: Recipient address rejected: no such user");
  ASSERT_TRUE(result.failure->reply);
  EXPECT_EQ(result.failure->reply->code, 550);
  EXPECT_EQ(result.failure->reply->enhanced->to_string(), "5.1.1");
  EXPECT_FALSE(result.timings.response);
  EXPECT_TRUE(result.quit_acknowledged);
  EXPECT_EQ(result.last_code(), 221);  // the failure keeps its own reply
}

TEST(SmtpSession, MailFromDataAndMessageRefusals) {
  struct Case {
    std::vector<Step> tail;
    Phase phase;
    std::string summary;
  };
  const std::vector<Case> cases = {
      {{step::expect("MAIL FROM:<a@b>"), step::send("553 sender rejected\r\n")},
       Phase::mail_from,
       "MAIL FROM <a@b> refused: 553 sender rejected"},
      {{step::expect("MAIL FROM:<a@b>"), step::send("250 ok\r\n"), step::expect("RCPT TO:<c@d>"),
        step::send("250 ok\r\n"), step::expect("DATA"), step::send("554 no valid recipients\r\n")},
       Phase::data,
       "DATA refused: 554 no valid recipients"},
      {{step::expect("MAIL FROM:<a@b>"), step::send("250 ok\r\n"), step::expect("RCPT TO:<c@d>"),
        step::send("250 ok\r\n"), step::expect("DATA"), step::send("354 go\r\n"), step::read_data(),
        step::send("552 message too big\r\n")},
       Phase::message,
       "message rejected: 552 message too big"},
  };
  for (const Case& c : cases) {
    ScriptedServer server(
        std::vector<Step>{step::send(kBanner), step::expect("EHLO tester"), step::send("250 localhost\r\n")} + c.tail +
        quit_steps());
    SessionOptions options = options_for(server);
    options.mail_from = "a@b";
    options.recipients = {"c@d"};
    const Deadline deadline(5s);
    const Result result = run_smtp_check(options, deadline);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.failure->phase, c.phase);
    EXPECT_EQ(result.failure->summary, c.summary);
    EXPECT_TRUE(result.quit_acknowledged);
    EXPECT_TRUE(server.failures().empty());
  }
}

TEST(SmtpSession, LineBreakInAnAddressIsRefused) {
  ScriptedServer server(std::vector<Step>{step::send(kBanner), step::expect("EHLO tester"),
                                          step::send("250 localhost\r\n"), step::expect("MAIL FROM:<a@b>"),
                                          step::send("250 ok\r\n")} +
                        quit_steps());
  SessionOptions options = options_for(server);
  options.mail_from = "a@b";
  options.recipients = {"c@d>\r\nRCPT TO:<evil@x"};
  const Deadline deadline(5s);
  const Result result = run_smtp_check(options, deadline);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.failure->kind, ErrorKind::config);
  EXPECT_EQ(result.failure->phase, Phase::rcpt_to);
  EXPECT_TRUE(result.quit_acknowledged);
  EXPECT_TRUE(server.failures().empty());
}

TEST(SmtpSession, LargeMessageUploadIsTimed) {
  ScriptedServer server(std::vector<Step>{step::send(kBanner), step::expect("EHLO tester"),
                                          step::send("250 localhost\r\n"), step::expect("MAIL FROM:<a@b>"),
                                          step::send("250 ok\r\n"), step::expect("RCPT TO:<c@d>"),
                                          step::send("250 ok\r\n"), step::expect("DATA"), step::send("354 go\r\n"),
                                          step::read_data(), step::send("250 queued\r\n")} +
                        quit_steps());
  SessionOptions options = options_for(server);
  options.mail_from = "a@b";
  options.recipients = {"c@d"};
  options.message.pad_to_bytes = 2 * 1024 * 1024;
  const Deadline deadline(10s);
  const Result result = run_smtp_check(options, deadline);
  ASSERT_TRUE(result.ok()) << result.failure->summary;
  EXPECT_GE(result.message_bytes, 2u * 1024 * 1024);
  EXPECT_EQ(server.data().size() + 3, result.message_bytes);
  ASSERT_TRUE(result.upload_bytes_per_second);
  EXPECT_NEAR(*result.upload_bytes_per_second * *result.timings.upload, static_cast<double>(result.message_bytes), 1.0);
}

// --- transport faults -------------------------------------------------------------------------

TEST(SmtpSession, SilentServerTimesOutWithinTheDeadline) {
  ScriptedServer server({step::silent()});
  const auto start = Clock::now();
  const Deadline deadline(500ms);
  const Result result = run_smtp_check(options_for(server), deadline);
  EXPECT_LT(Clock::now() - start, 500ms + kMargin);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.failure->phase, Phase::banner);
  EXPECT_EQ(result.failure->kind, ErrorKind::timeout);
  EXPECT_EQ(result.failure->summary.rfind("banner: timeout after 0.", 0), 0u) << result.failure->summary;
  EXPECT_TRUE(result.timings.connect);
  EXPECT_FALSE(result.timings.banner);
}

TEST(SmtpSession, OneByteAtATimeCannotStretchTheDeadline) {
  ScriptedServer server({step::send_slowly(kBanner, 100ms)});
  const auto start = Clock::now();
  const Deadline deadline(1s);
  const Result result = run_smtp_check(options_for(server), deadline);
  EXPECT_LT(Clock::now() - start, 1s + kMargin);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.failure->kind, ErrorKind::timeout);
  EXPECT_GT(result.bytes_received, 3u);
}

TEST(SmtpSession, SlowButTimelyServerSucceeds) {
  ScriptedServer server(std::vector<Step>{step::send_slowly("220 slow\r\n", 10ms), step::expect("EHLO tester"),
                                          step::send("250 localhost\r\n")} +
                        quit_steps());
  const Deadline deadline(3s);
  const Result result = run_smtp_check(options_for(server), deadline);
  ASSERT_TRUE(result.ok()) << result.failure->summary;
  EXPECT_GE(*result.timings.banner, 0.08);
}

TEST(SmtpSession, HugeLineFailsFast) {
  ScriptedServer server({step::flood(10 * 1024 * 1024)});
  const auto start = Clock::now();
  const Deadline deadline(5s);
  const Result result = run_smtp_check(options_for(server), deadline);
  EXPECT_LT(Clock::now() - start, 1s);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.failure->kind, ErrorKind::too_long);
  EXPECT_EQ(result.failure->summary, "banner: server sent a line longer than 65536 bytes");
  EXPECT_LT(result.bytes_received, 200u * 1024);
}

TEST(SmtpSession, MalformedReplyIsAProtocolError) {
  ScriptedServer server({step::send("HTTP/1.1 400 Bad Request\r\n"), step::silent()});
  const Deadline deadline(3s);
  const Result result = run_smtp_check(options_for(server), deadline);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.failure->kind, ErrorKind::protocol);
  EXPECT_EQ(result.failure->summary, "banner: malformed SMTP reply 'HTTP/1.1 400 Bad Request'");
}

TEST(SmtpSession, CloseInTheMiddleOfAReply) {
  ScriptedServer server(
      {step::send(kBanner), step::expect("EHLO tester"), step::send("250-localhost\r\n250-SIZ"), step::close()});
  const Deadline deadline(3s);
  const Result result = run_smtp_check(options_for(server), deadline);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.failure->phase, Phase::ehlo);
  EXPECT_EQ(result.failure->kind, ErrorKind::closed);
  EXPECT_EQ(result.failure->summary, "EHLO: connection closed by server in the middle of a line");
}

TEST(SmtpSession, ResetDuringStartTlsHandshake) {
  ScriptedServer server({step::send(kBanner), step::expect("EHLO tester"), step::send(kPlainEhlo),
                         step::expect("STARTTLS"), step::send("220 go ahead\r\n"), step::read_any(), step::reset()});
  const Deadline deadline(3s);
  const Result result = run_smtp_check(options_for(server, Security::starttls), deadline);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.failure->phase, Phase::tls_handshake);
  EXPECT_EQ(result.failure->kind, ErrorKind::closed);
  EXPECT_EQ(result.failure->summary, "connection reset during TLS handshake");
}

TEST(SmtpSession, TlsClientOnAPlainPort) {
  ScriptedServer server({step::send(kBanner), step::silent()});
  const Deadline deadline(3s);
  const Result result = run_smtp_check(options_for(server, Security::implicit_tls), deadline);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.failure->phase, Phase::tls_handshake);
  EXPECT_EQ(result.failure->kind, ErrorKind::tls);
  EXPECT_EQ(result.failure->summary, "TLS handshake failed: wrong version number (is the port plain text?)");
}

TEST(SmtpSession, PlainClientOnATlsPort) {
  ScriptedServer server({step::send(kBanner)}, implicit(CertKind::valid));
  const auto start = Clock::now();
  const Deadline deadline(500ms);
  const Result result = run_smtp_check(options_for(server), deadline);
  EXPECT_LT(Clock::now() - start, 500ms + kMargin);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.failure->phase, Phase::banner);
  EXPECT_EQ(result.failure->kind, ErrorKind::timeout);
}

TEST(SmtpSession, CertificateProblemsFailVerification) {
  const std::vector<std::pair<CertKind, std::string>> cases = {
      {CertKind::expired, "certificate verify failed: certificate has expired"},
      {CertKind::not_yet_valid, "certificate verify failed: certificate is not yet valid"},
      {CertKind::self_signed, "certificate verify failed: self-signed certificate"},
      {CertKind::wrong_host, "certificate verify failed: hostname mismatch"},
  };
  for (const auto& [kind, summary] : cases) {
    ScriptedServer server(starttls_prefix(kind));
    const Deadline deadline(3s);
    const Result result = run_smtp_check(options_for(server, Security::starttls), deadline);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.failure->phase, Phase::tls_handshake);
    EXPECT_EQ(result.failure->kind, ErrorKind::tls_verify);
    EXPECT_EQ(result.failure->summary, summary);
  }
}

TEST(SmtpSession, InsecurePassesAndStillReportsExpiry) {
  ScriptedServer server(
      std::vector<Step>{step::send(kBanner), step::expect("EHLO tester"), step::send(kTlsEhlo)} + quit_steps(),
      implicit(CertKind::expired));
  SessionOptions options = options_for(server, Security::implicit_tls);
  options.tls.insecure = true;
  const Deadline deadline(3s);
  const Result result = run_smtp_check(options, deadline);
  ASSERT_TRUE(result.ok()) << result.failure->summary;
  ASSERT_TRUE(result.tls && result.tls->peer_certificate);
  EXPECT_FALSE(result.tls->verified);
  EXPECT_EQ(result.tls->verify_message, "certificate has expired");
  EXPECT_NEAR(result.tls->peer_certificate->days_until_expiry, -2.0, 0.01);
  EXPECT_NE(transcript_of(result).find("(NOT verified, insecure: certificate has expired)"), std::string::npos);
}

TEST(SmtpSession, ConnectionRefused) {
  std::uint16_t port = 0;
  {
    ScriptedServer server({step::silent()});
    port = server.port();
  }
  SessionOptions options;
  options.endpoint = Endpoint{"127.0.0.1", port};
  const Deadline deadline(3s);
  const Result result = run_smtp_check(options, deadline);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.failure->phase, Phase::connect);
  EXPECT_EQ(result.failure->kind, ErrorKind::connect_refused);
  EXPECT_EQ(result.failure->summary, "connection refused by 127.0.0.1 port " + std::to_string(port));
  EXPECT_TRUE(result.timings.dns);
  EXPECT_FALSE(result.timings.connect);
}

TEST(SmtpSession, UnresolvableHost) {
  SessionOptions options;
  options.endpoint = Endpoint{"::1", 25, AddressFamily::ipv4};
  const Deadline deadline(3s);
  const Result result = run_smtp_check(options, deadline);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.failure->phase, Phase::dns);
  EXPECT_EQ(result.failure->kind, ErrorKind::dns);
  EXPECT_EQ(result.failure->summary.rfind("cannot resolve host name '::1' to an IPv4 address", 0), 0u);
}

TEST(SmtpSession, StepByStepUse) {
  ScriptedServer server(
      std::vector<Step>{step::send(kBanner), step::expect("EHLO tester"), step::send("250 localhost\r\n")} +
      quit_steps());
  const SessionOptions options = options_for(server);
  const Deadline deadline(3s);
  Session session(options, deadline);
  session.connect();
  session.read_banner();
  EXPECT_EQ(session.result().last_code(), 220);
  session.ehlo();
  session.quit();
  EXPECT_TRUE(session.result().quit_acknowledged);
  EXPECT_TRUE(server.wait_done());
  EXPECT_TRUE(server.failures().empty());
}

TEST(SmtpSession, PhaseNames) {
  EXPECT_EQ(phase_name(Phase::rcpt_to), "rcpt_to");
  EXPECT_EQ(phase_name(Phase::tls_handshake), "tls_handshake");
}

// SIZE advertised: the message's size goes with MAIL FROM, so an oversized test message is
// refused before it is uploaded.
TEST(SmtpSession, Issue14Item15SizeIsDeclaredWhenAdvertised) {
  ScriptedServer server(std::vector<Step>{step::send(kBanner), step::expect("EHLO tester"),
                                          step::send("250-localhost\r\n250 SIZE 1000\r\n"),
                                          step::expect_prefix("MAIL FROM:<a@b> SIZE="),
                                          step::send("552 5.3.4 Message size exceeds fixed limit\r\n")} +
                        quit_steps());
  SessionOptions options = options_for(server);
  options.mail_from = "a@b";
  options.recipients = {"c@d"};
  options.message.pad_to_bytes = 5000;
  const Deadline deadline(5s);
  const Result result = run_smtp_check(options, deadline);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.failure->phase, Phase::mail_from);
  EXPECT_TRUE(server.wait_done());
  const auto lines = server.received_lines();
  ASSERT_GE(lines.size(), 2u);
  const std::string declared = lines[1].substr(std::string("MAIL FROM:<a@b> SIZE=").size());
  EXPECT_GE(std::stoul(declared), 5000u);
  EXPECT_LE(std::stoul(declared), 5001u);
}

// A non-ASCII address goes with SMTPUTF8 when offered, and is refused before MAIL FROM when not.
TEST(SmtpSession, Issue14Item15Smtputf8ForNonAsciiAddresses) {
  ScriptedServer offered(std::vector<Step>{step::send(kBanner), step::expect("EHLO tester"),
                                           step::send("250-localhost\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n"),
                                           step::expect("MAIL FROM:<a@b> BODY=8BITMIME SMTPUTF8"),
                                           step::send("250 ok\r\n"), step::expect("RCPT TO:<jos\xc3\xa9@example.com>"),
                                           step::send("250 ok\r\n"), step::expect("DATA"), step::send("354 go\r\n"),
                                           step::read_data(), step::send("250 queued\r\n")} +
                         quit_steps());
  SessionOptions options = options_for(offered);
  options.mail_from = "a@b";
  options.recipients = {"jos\xc3\xa9@example.com"};
  const Deadline deadline(5s);
  const Result result = run_smtp_check(options, deadline);
  ASSERT_TRUE(result.ok()) << result.failure->summary;
  EXPECT_TRUE(offered.failures().empty());

  ScriptedServer missing(std::vector<Step>{step::send(kBanner), step::expect("EHLO tester"),
                                           step::send("250-localhost\r\n250 8BITMIME\r\n")} +
                         quit_steps());
  options = options_for(missing);
  options.mail_from = "a@b";
  options.recipients = {"jos\xc3\xa9@example.com"};
  const Result refused = run_smtp_check(options, deadline);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.failure->kind, ErrorKind::unsupported);
  EXPECT_EQ(refused.failure->summary,
            "the server does not offer SMTPUTF8, which the address 'jos\xc3\xa9@example.com' needs");
  EXPECT_TRUE(missing.wait_done());
  for (const std::string& line : missing.received_lines()) EXPECT_NE(line.rfind("MAIL", 0), 0u) << line;
}

// check_smtp's -C replies are judged by -R, never taken as the reply telling how it went.
TEST(SmtpSession, Issue14Item14ExtraCommandRepliesAreNotTheFinalReply) {
  ScriptedServer server(std::vector<Step>{step::send(kBanner), step::expect("EHLO tester"),
                                          step::send("250 localhost\r\n"), step::expect("RCPT TO:<x@elsewhere>"),
                                          step::send("550 5.7.1 relaying denied\r\n")} +
                        quit_steps());
  SessionOptions options = options_for(server);
  options.extra_commands = {"RCPT TO:<x@elsewhere>"};
  const Deadline deadline(5s);
  const Result result = run_smtp_check(options, deadline);
  ASSERT_TRUE(result.ok()) << result.failure->summary;
  ASSERT_EQ(result.command_replies.size(), 1u);
  EXPECT_EQ(result.command_replies[0].code, 550);
  ASSERT_TRUE(result.final_reply);
  EXPECT_EQ(result.final_reply->code, 250);
}

TEST(SmtpSession, EightBitBodyIsDeclaredWhenSupported) {
  ScriptedServer server(std::vector<Step>{step::send(kBanner), step::expect("EHLO tester"),
                                          step::send("250-localhost\r\n250 8BITMIME\r\n"),
                                          step::expect("MAIL FROM:<a@b> BODY=8BITMIME"), step::send("250 ok\r\n"),
                                          step::expect("RCPT TO:<c@d>"), step::send("250 ok\r\n"), step::expect("DATA"),
                                          step::send("354 go\r\n"), step::read_data(), step::send("250 queued\r\n")} +
                        quit_steps());
  SessionOptions options = options_for(server);
  options.mail_from = "a@b";
  options.recipients = {"c@d"};
  options.message.body = "Grüße aus dem Test\n";
  const Deadline deadline(5s);
  const Result result = run_smtp_check(options, deadline);
  ASSERT_TRUE(result.ok()) << result.failure->summary;
  EXPECT_NE(server.data().find("Content-Transfer-Encoding: 8bit\r\n"), std::string::npos);
  EXPECT_TRUE(server.failures().empty());
}
