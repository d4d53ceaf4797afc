// Whole POP3 dialogues against the scripted server: USER/PASS and SASL logins, STLS, STAT,
// the search by TOP, deletion committed by QUIT, refusals and faults.
#include "check_mail/mailbox/pop3_session.hpp"

#include <gtest/gtest.h>

#include "check_mail/util/base64.hpp"
#include "net_test_helpers.hpp"
#include "support/mailbox_session_support.hpp"
#include "support/scripted_server.hpp"
#include "support/test_pki.hpp"

using namespace check_mail::transport;
using namespace check_mail::transport::testing;
using namespace check_mail::test_support;
using check_mail::util::base64_encode;
using mailbox::Phase;

namespace {

const TestPki& pki() { return TestPki::instance(); }

const std::string kCapa = "+OK\r\nCAPA\r\nTOP\r\nUIDL\r\nSTLS\r\nUSER\r\nSASL PLAIN CRAM-MD5\r\n.\r\n";

std::vector<Step> user_pass_steps() {
  return {step::send("+OK ready\r\n"),
          step::expect("CAPA"),
          step::send(kCapa),
          step::expect("USER monitor@example.test"),
          step::send("+OK\r\n"),
          step::expect("PASS s3cret"),
          step::send("+OK Logged in.\r\n")};
}

std::vector<Step> quit_steps() { return {step::expect("QUIT"), step::send("+OK Logging out.\r\n"), step::close()}; }

std::string top_reply(const std::string& token, const std::string& subject) {
  return "+OK\r\nReceived: from mx by store with LMTP; Tue, 14 Nov 2023 22:13:22 +0000\r\n"
         "Date: Tue, 14 Nov 2023 22:13:20 +0000\r\nSubject: " +
         subject + "\r\nX-Check-Mail-Token: " + token + "; sent=1700000000.5\r\n\r\n.\r\n";
}

}  // namespace

TEST(Pop3Session, UserPassStatSearchAndDelete) {
  ScriptedServer server(user_pass_steps() +
                        std::vector<Step>{
                            step::expect("STAT"),
                            step::send("+OK 3 4500\r\n"),
                            step::expect("TOP 3 0"),
                            step::send(top_reply("other", "Hello")),
                            step::expect("TOP 2 0"),
                            step::send(top_reply("cafe01", "SMTP Monitor Test Message")),
                            step::expect("UIDL 2"),
                            step::send("+OK 2 bbb\r\n"),
                            step::expect("DELE 2"),
                            step::send("+OK Marked to be deleted.\r\n"),
                        } +
                        quit_steps());
  mailbox::Options options = mailbox_options_for(server);
  options.search.tokens = {"cafe01"};
  options.delete_found = true;
  const Deadline deadline(5s);
  const mailbox::Result result = pop3::run_pop3_check(options, deadline);
  ASSERT_TRUE(result.ok()) << result.failure->summary << "\n" << transcript_of(result);
  EXPECT_TRUE(server.wait_done());
  EXPECT_TRUE(server.failures().empty()) << server.failures().front();
  EXPECT_EQ(result.message_count, 3u);
  EXPECT_EQ(result.mailbox_bytes, 4500u);
  ASSERT_TRUE(result.found);
  EXPECT_EQ(result.found->number, 2u);
  EXPECT_EQ(result.found->id, "bbb");
  EXPECT_EQ(result.found->token, "cafe01");
  EXPECT_DOUBLE_EQ(result.found->sent_epoch.value(), 1700000000.5);
  EXPECT_EQ(result.found->received_epoch, 1700000002.0);
  EXPECT_EQ(result.found->subject, "SMTP Monitor Test Message");
  EXPECT_TRUE(result.deleted);
  EXPECT_TRUE(result.timings.fetch);
  const std::string transcript = transcript_of(result);
  EXPECT_EQ(transcript.find("s3cret"), std::string::npos) << transcript;
  EXPECT_NE(transcript.find("C: PASS <redacted>"), std::string::npos) << transcript;
}

TEST(Pop3Session, StlsThenAuthPlain) {
  const std::string plain = base64_encode(std::string("\0monitor@example.test\0s3cret", 28));
  ScriptedServer server({
      step::send("+OK ready\r\n"),
      step::expect("CAPA"),
      step::send(kCapa),
      step::expect("STLS"),
      step::send("+OK Begin TLS negotiation now.\r\n"),
      step::start_tls(pki().get(CertKind::valid)),
      step::expect("CAPA"),
      step::send("+OK\r\nTOP\r\nSASL PLAIN\r\n.\r\n"),
      step::expect("AUTH PLAIN " + plain),
      step::send("+OK Logged in.\r\n"),
      step::expect("STAT"),
      step::send("+OK 0 0\r\n"),
      step::expect("QUIT"),
      step::send("+OK bye\r\n"),
  });
  mailbox::Options options = mailbox_options_for(server, mailbox::Security::starttls);
  options.auth = sasl::AuthType::of(sasl::Mechanism::plain);
  const Deadline deadline(5s);
  const mailbox::Result result = pop3::run_pop3_check(options, deadline);
  ASSERT_TRUE(result.ok()) << result.failure->summary << "\n" << transcript_of(result);
  EXPECT_TRUE(server.failures().empty()) << server.failures().front();
  ASSERT_TRUE(result.tls);
  EXPECT_EQ(result.auth_mechanism, sasl::Mechanism::plain);
  EXPECT_EQ(result.capabilities, (std::vector<std::string>{"TOP", "SASL PLAIN"}));
  EXPECT_EQ(result.message_count, 0u);
  EXPECT_EQ(transcript_of(result).find(plain), std::string::npos);
}

TEST(Pop3Session, CramMd5) {
  const std::string challenge = "<1896.697170952@postoffice.example.net>";
  const std::string response = base64_encode(sasl::cram_md5_response("monitor@example.test", "s3cret", challenge));
  ScriptedServer::Options tls;
  tls.implicit_tls = pki().get(CertKind::valid);
  ScriptedServer server(
      std::vector<Step>{step::send("+OK ready\r\n"), step::expect("CAPA"), step::send(kCapa),
                        step::expect("AUTH CRAM-MD5"), step::send("+ " + base64_encode(challenge) + "\r\n"),
                        step::expect(response), step::send("+OK welcome\r\n"), step::expect("STAT"),
                        step::send("+OK 1 10\r\n")} +
          quit_steps(),
      tls);
  mailbox::Options options = mailbox_options_for(server, mailbox::Security::implicit_tls);
  options.auth = sasl::AuthType::of(sasl::Mechanism::cram_md5);
  const Deadline deadline(5s);
  const mailbox::Result result = pop3::run_pop3_check(options, deadline);
  ASSERT_TRUE(result.ok()) << result.failure->summary << "\n" << transcript_of(result);
  EXPECT_TRUE(server.failures().empty()) << server.failures().front();
  EXPECT_EQ(result.auth_mechanism, sasl::Mechanism::cram_md5);
  EXPECT_TRUE(result.timings.tls_handshake);
  EXPECT_EQ(transcript_of(result).find(response), std::string::npos);
}

TEST(Pop3Session, WrongPasswordIsRefusedAndQuits) {
  ScriptedServer server({step::send("+OK ready\r\n"), step::expect("CAPA"), step::send(kCapa),
                         step::expect("USER monitor@example.test"), step::send("+OK\r\n"), step::expect_prefix("PASS "),
                         step::send("-ERR [AUTH] Authentication failed.\r\n"), step::expect("QUIT"),
                         step::send("+OK bye\r\n")});
  const Deadline deadline(5s);
  const mailbox::Result result = pop3::run_pop3_check(mailbox_options_for(server), deadline);
  EXPECT_TRUE(server.wait_done());
  ASSERT_TRUE(result.failure);
  EXPECT_EQ(result.failure->phase, Phase::login);
  EXPECT_EQ(result.failure->kind, ErrorKind::rejected);
  EXPECT_EQ(result.failure->summary, "PASS refused: -ERR [AUTH] Authentication failed.");
  EXPECT_EQ(result.failure->response_code, "AUTH");
  EXPECT_TRUE(result.logout_acknowledged);
}

TEST(Pop3Session, OldServerWithoutCapaAndBodyToken) {
  ScriptedServer server({
      step::send("+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n"),
      step::expect("CAPA"),
      step::send("-ERR unknown command\r\n"),
      step::expect("USER monitor@example.test"),
      step::send("+OK\r\n"),
      step::expect("PASS s3cret"),
      step::send("+OK\r\n"),
      step::expect("STAT"),
      step::send("+OK 1 300\r\n"),
      step::expect("TOP 1 5"),
      step::send("+OK\r\nSubject: x\r\n\r\nX-Check-Mail-Token: tok; sent=1700000000.000\r\n..dotted body\r\n.\r\n"),
      step::expect("UIDL 1"),
      step::send("-ERR no UIDL here\r\n"),
      step::expect("QUIT"),
      step::send("+OK\r\n"),
  });
  mailbox::Options options = mailbox_options_for(server);
  options.search.tokens = {"tok"};
  options.search.in_body = true;
  const Deadline deadline(5s);
  const mailbox::Result result = pop3::run_pop3_check(options, deadline);
  ASSERT_TRUE(result.ok()) << result.failure->summary << "\n" << transcript_of(result);
  EXPECT_TRUE(server.failures().empty()) << server.failures().front();
  ASSERT_TRUE(result.found);
  EXPECT_EQ(result.found->id, "1");
  EXPECT_EQ(result.found->sent_epoch, 1700000000.0);
}

TEST(Pop3Session, NotFoundAndDeletionNotCommitted) {
  ScriptedServer server(user_pass_steps() + std::vector<Step>{
                                                step::expect("STAT"),
                                                step::send("+OK 1 100\r\n"),
                                                step::expect("TOP 1 0"),
                                                step::send(top_reply("other", "SMTP Monitor Test Message")),
                                                step::expect("QUIT"),
                                                step::send("+OK\r\n"),
                                            });
  mailbox::Options options = mailbox_options_for(server);
  options.search.subject = "monitor test";
  options.search.tokens = {"wanted"};
  options.delete_found = true;
  const Deadline deadline(5s);
  const mailbox::Result result = pop3::run_pop3_check(options, deadline);
  ASSERT_TRUE(result.ok()) << result.failure->summary << "\n" << transcript_of(result);
  EXPECT_TRUE(result.searched);
  EXPECT_FALSE(result.found);
  EXPECT_FALSE(result.deleted);
}

TEST(Pop3Session, QuitRefusedMeansNotDeleted) {
  ScriptedServer server(user_pass_steps() + std::vector<Step>{
                                                step::expect("STAT"),
                                                step::send("+OK 1 100\r\n"),
                                                step::expect("TOP 1 0"),
                                                step::send(top_reply("tok", "s")),
                                                step::expect("UIDL 1"),
                                                step::send("+OK 1 aaa\r\n"),
                                                step::expect("DELE 1"),
                                                step::send("+OK\r\n"),
                                                step::expect("QUIT"),
                                                step::send("-ERR [SYS/TEMP] could not remove messages\r\n"),
                                            });
  mailbox::Options options = mailbox_options_for(server);
  options.search.tokens = {"tok"};
  options.delete_found = true;
  const Deadline deadline(5s);
  const mailbox::Result result = pop3::run_pop3_check(options, deadline);
  ASSERT_TRUE(result.ok()) << result.failure->summary;
  ASSERT_TRUE(result.found);
  EXPECT_FALSE(result.deleted);
  EXPECT_FALSE(result.logout_acknowledged);
}

TEST(Pop3Session, StlsNotOffered) {
  ScriptedServer server({step::send("+OK ready\r\n"), step::expect("CAPA"), step::send("+OK\r\nUSER\r\n.\r\n"),
                         step::expect("QUIT"), step::send("+OK\r\n")});
  const Deadline deadline(5s);
  const mailbox::Result result =
      pop3::run_pop3_check(mailbox_options_for(server, mailbox::Security::starttls), deadline);
  EXPECT_TRUE(server.wait_done());
  ASSERT_TRUE(result.failure);
  EXPECT_EQ(result.failure->phase, Phase::starttls);
  EXPECT_EQ(result.failure->kind, ErrorKind::unsupported);
  EXPECT_EQ(result.failure->summary, "STLS not offered by server");
}

TEST(Pop3Session, GreetingRefusedAndImapOnPop3Port) {
  {
    ScriptedServer server({step::send("-ERR [IN-USE] mailbox locked\r\n"), step::close()});
    const Deadline deadline(5s);
    const mailbox::Result result = pop3::run_pop3_check(mailbox_options_for(server), deadline);
    ASSERT_TRUE(result.failure);
    EXPECT_EQ(result.failure->phase, Phase::greeting);
    EXPECT_EQ(result.failure->response_code, "IN-USE");
  }
  {
    ScriptedServer server({step::send("* OK IMAP4rev1 ready\r\n"), step::silent()});
    const Deadline deadline(5s);
    const mailbox::Result result = pop3::run_pop3_check(mailbox_options_for(server), deadline);
    ASSERT_TRUE(result.failure);
    EXPECT_EQ(result.failure->kind, ErrorKind::protocol);
    EXPECT_EQ(result.failure->summary, "greeting: not a POP3 reply: '* OK IMAP4rev1 ready'");
  }
}

TEST(Pop3Session, ServerClosingMidReply) {
  ScriptedServer server(user_pass_steps() + std::vector<Step>{step::expect("STAT"), step::close()});
  const Deadline deadline(5s);
  const mailbox::Result result = pop3::run_pop3_check(mailbox_options_for(server), deadline);
  ASSERT_TRUE(result.failure);
  EXPECT_EQ(result.failure->phase, Phase::mailbox);
  EXPECT_EQ(result.failure->kind, ErrorKind::closed);
}

TEST(Pop3Session, AnyOfSeveralTokensAllFoundAndDeleted) {
  ScriptedServer server(user_pass_steps() +
                        std::vector<Step>{
                            step::expect("STAT"),
                            step::send("+OK 3 900\r\n"),
                            step::expect("TOP 3 0"),
                            step::send(top_reply("t2", "s")),
                            step::expect("UIDL 3"),
                            step::send("+OK 3 c\r\n"),
                            step::expect("TOP 2 0"),
                            step::send(top_reply("other", "s")),
                            step::expect("TOP 1 0"),
                            step::send(top_reply("t1", "s")),
                            step::expect("UIDL 1"),
                            step::send("+OK 1 a\r\n"),
                            step::expect("DELE 3"),
                            step::send("+OK\r\n"),
                            step::expect("DELE 1"),
                            step::send("+OK\r\n"),
                        } +
                        quit_steps());
  mailbox::Options options = mailbox_options_for(server);
  options.search.tokens = {"t1", "t2", "t9"};
  options.delete_found = true;
  const Deadline deadline(5s);
  const mailbox::Result result = pop3::run_pop3_check(options, deadline);
  ASSERT_TRUE(result.ok()) << result.failure->summary << "\n" << transcript_of(result);
  EXPECT_TRUE(server.failures().empty()) << server.failures().front();
  ASSERT_EQ(result.found_all.size(), 2u);
  EXPECT_EQ(result.found_all[0].id, "c");
  EXPECT_EQ(result.found_all[1].id, "a");
  EXPECT_TRUE(result.deleted);
}
