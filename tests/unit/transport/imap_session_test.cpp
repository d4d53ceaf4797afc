// Whole IMAP dialogues against the scripted server: logins of every kind, the mailbox figures,
// search, fetch and delete, refusals and transport faults, each within its deadline.
#include "check_mail/mailbox/imap_session.hpp"

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

const std::string kGreeting = "* OK [CAPABILITY IMAP4rev1 SASL-IR STARTTLS AUTH=PLAIN AUTH=CRAM-MD5] ready\r\n";
const std::string kLoggedIn = "A0001 OK [CAPABILITY IMAP4rev1 UIDPLUS STATUS=SIZE] Logged in\r\n";
const std::string kHeaders =
    "Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"
    "Received: from mx by store with LMTP; Tue, 14 Nov 2023 22:13:22 +0000\r\n"
    "Received: from client by mx with ESMTP; Tue, 14 Nov 2023 22:13:21 +0000\r\n"
    "Subject: =?UTF-8?B?VGVzdCDinJM=?=\r\n"
    "X-Check-Mail-Token: cafe01; sent=1700000000.250\r\n\r\n";

std::vector<Step> logout_steps(const std::string& tag) {
  return {step::expect(tag + " LOGOUT"), step::send("* BYE Logging out\r\n" + tag + " OK Logout completed.\r\n"),
          step::close()};
}

std::vector<Step> login_steps() {
  return {step::send(kGreeting), step::expect("A0001 LOGIN \"monitor@example.test\" \"s3cret\""),
          step::send(kLoggedIn)};
}

}  // namespace

TEST(ImapSession, LoginSearchFetchAndDelete) {
  ScriptedServer server(
      login_steps() +
      std::vector<Step>{
          step::expect("A0002 STATUS \"INBOX\" (MESSAGES SIZE)"),
          step::send("* STATUS INBOX (MESSAGES 2 SIZE 2048)\r\nA0002 OK done\r\n"),
          step::expect("A0003 SELECT \"INBOX\""),
          step::send("* FLAGS (\\Deleted)\r\n* 2 EXISTS\r\n* 0 RECENT\r\n* OK [UIDVALIDITY 42] ok\r\n"
                     "A0003 OK [READ-WRITE] selected\r\n"),
          step::expect("A0004 UID SEARCH HEADER X-Check-Mail-Token \"cafe01\""),
          step::send("* SEARCH 7 9\r\nA0004 OK found\r\n"),
          step::expect_prefix(
              "A0005 UID FETCH 9,7 (UID RFC822.SIZE INTERNALDATE BODY.PEEK[HEADER.FIELDS (DATE RECEIVED"),
          // UID 7 matched the substring search only: its token is another one.
          step::send("* 1 FETCH (UID 7 BODY[HEADER.FIELDS (X-CHECK-MAIL-TOKEN)] \"X-Check-Mail-Token: cafe0123\")\r\n"
                     "* 2 FETCH (UID 9 RFC822.SIZE 1024 INTERNALDATE \"14-Nov-2023 22:13:23 +0000\" "
                     "BODY[HEADER.FIELDS (DATE RECEIVED SUBJECT X-CHECK-MAIL-TOKEN)] {" +
                     std::to_string(kHeaders.size()) + "}\r\n" + kHeaders + ")\r\nA0005 OK fetched\r\n"),
          step::expect("A0006 UID STORE 9 +FLAGS.SILENT (\\Deleted)"),
          step::send("A0006 OK stored\r\n"),
          step::expect("A0007 UID EXPUNGE 9"),
          step::send("* 2 EXPUNGE\r\nA0007 OK expunged\r\n"),
      } +
      logout_steps("A0008"));
  mailbox::Options options = mailbox_options_for(server);
  options.search.tokens = {"cafe01"};
  options.delete_found = true;
  const Deadline deadline(5s);
  const mailbox::Result result = imap::run_imap_check(options, deadline);

  ASSERT_TRUE(result.ok()) << result.failure->summary << "\n" << transcript_of(result);
  EXPECT_TRUE(server.wait_done());
  EXPECT_TRUE(server.failures().empty()) << server.failures().front();
  EXPECT_EQ(result.message_count, 2u);
  EXPECT_EQ(result.mailbox_bytes, 2048u);
  EXPECT_EQ(result.uid_validity, 42u);
  EXPECT_TRUE(result.logged_in);
  EXPECT_FALSE(result.auth_mechanism);
  ASSERT_TRUE(result.found);
  const mailbox::FoundMessage& found = *result.found;
  EXPECT_EQ(found.id, "9");
  EXPECT_EQ(found.matches, 2u);
  EXPECT_EQ(found.size, 1024u);
  EXPECT_EQ(found.token, "cafe01");
  EXPECT_DOUBLE_EQ(found.sent_epoch.value(), 1700000000.25);
  EXPECT_EQ(found.date_epoch, 1700000000.0);
  EXPECT_EQ(found.received_epoch, 1700000002.0);  // the topmost Received: the final delivery
  EXPECT_EQ(found.internal_epoch, 1700000003.0);
  EXPECT_EQ(found.subject, "Test \xE2\x9C\x93");
  EXPECT_EQ(result.found_all.size(), 1u);
  EXPECT_TRUE(result.deleted);
  EXPECT_TRUE(result.logout_acknowledged);
  for (const auto& [name, value] : {std::pair{"connect", result.timings.connect},
                                    {"greeting", result.timings.greeting},
                                    {"login", result.timings.login},
                                    {"mailbox", result.timings.mailbox},
                                    {"search", result.timings.search},
                                    {"fetch", result.timings.fetch},
                                    {"remove", result.timings.remove},
                                    {"total", result.timings.total}}) {
    ASSERT_TRUE(value) << name;
    EXPECT_LT(*value, 5.0) << name;
  }
  const std::string transcript = transcript_of(result);
  EXPECT_EQ(transcript.find("s3cret"), std::string::npos) << transcript;
  EXPECT_NE(transcript.find("A0001 LOGIN \"monitor@example.test\" <redacted>"), std::string::npos) << transcript;
}

TEST(ImapSession, StartTlsThenSaslPlainWithInitialResponse) {
  const std::string plain = base64_encode(std::string("\0monitor@example.test\0s3cret", 28));
  ScriptedServer server({
      step::send("* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready\r\n"),
      step::expect("A0001 STARTTLS"),
      step::send("A0001 OK Begin TLS negotiation now.\r\n"),
      step::start_tls(pki().get(CertKind::valid)),
      step::expect("A0002 CAPABILITY"),
      step::send("* CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN\r\nA0002 OK done\r\n"),
      step::expect("A0003 AUTHENTICATE PLAIN " + plain),
      step::send("A0003 OK Logged in\r\n"),
      step::expect("A0004 CAPABILITY"),
      step::send("* CAPABILITY IMAP4rev1\r\nA0004 OK done\r\n"),
      step::expect("A0005 EXAMINE \"INBOX\""),
      step::send("* 0 EXISTS\r\nA0005 OK [READ-ONLY] examined\r\n"),
      step::expect("A0006 LOGOUT"),
      step::send("* BYE bye\r\nA0006 OK done\r\n"),
  });
  mailbox::Options options = mailbox_options_for(server, mailbox::Security::starttls);
  options.auth = sasl::AuthType::automatic();
  const Deadline deadline(5s);
  const mailbox::Result result = imap::run_imap_check(options, deadline);
  ASSERT_TRUE(result.ok()) << result.failure->summary << "\n" << transcript_of(result);
  EXPECT_TRUE(server.failures().empty()) << server.failures().front();
  ASSERT_TRUE(result.tls);
  EXPECT_TRUE(result.tls->verified);
  EXPECT_TRUE(result.timings.starttls);
  EXPECT_EQ(result.auth_mechanism, sasl::Mechanism::plain);
  EXPECT_EQ(result.message_count, 0u);
  EXPECT_EQ(result.mailbox_bytes, 0u);
  EXPECT_EQ(transcript_of(result).find(plain), std::string::npos);
}

TEST(ImapSession, CramMd5AndSizeSummedWithoutStatusSize) {
  const std::string challenge = "<1896.697170952@postoffice.example.net>";
  const std::string response = base64_encode(sasl::cram_md5_response("monitor@example.test", "s3cret", challenge));
  ScriptedServer server(
      std::vector<Step>{
          step::send("* OK ready\r\n"),
          step::expect("A0001 CAPABILITY"),
          step::send("* CAPABILITY IMAP4rev1 AUTH=CRAM-MD5\r\nA0001 OK done\r\n"),
          step::expect("A0002 AUTHENTICATE CRAM-MD5"),
          step::send("+ " + base64_encode(challenge) + "\r\n"),
          step::expect(response),
          step::send("A0002 OK [CAPABILITY IMAP4rev1] welcome\r\n"),
          step::expect("A0003 EXAMINE \"Entw&APw-rfe\""),
          step::send("* 2 EXISTS\r\nA0003 OK done\r\n"),
          step::expect("A0004 FETCH 1:* (RFC822.SIZE)"),
          step::send("* 1 FETCH (RFC822.SIZE 100)\r\n* 2 FETCH (RFC822.SIZE 23)\r\nA0004 OK done\r\n"),
      } +
      logout_steps("A0005"));
  mailbox::Options options = mailbox_options_for(server);
  options.auth = sasl::AuthType::of(sasl::Mechanism::cram_md5);
  options.mailbox =
      "Entw\xC3\xBC"
      "rfe";
  const Deadline deadline(5s);
  const mailbox::Result result = imap::run_imap_check(options, deadline);
  ASSERT_TRUE(result.ok()) << result.failure->summary << "\n" << transcript_of(result);
  EXPECT_TRUE(server.failures().empty()) << server.failures().front();
  EXPECT_EQ(result.auth_mechanism, sasl::Mechanism::cram_md5);
  EXPECT_EQ(result.mailbox_bytes, 123u);
  EXPECT_EQ(transcript_of(result).find(response), std::string::npos);
}

TEST(ImapSession, EightBitPasswordGoesAsALiteral) {
  ScriptedServer server(std::vector<Step>{
                            step::send(kGreeting),
                            step::expect("A0001 LOGIN \"monitor@example.test\" {9}"),
                            step::send("+ OK\r\n"),
                            step::expect("p\xC3\xA4ssword"),
                            step::send(kLoggedIn),
                            step::expect("A0002 STATUS \"INBOX\" (MESSAGES SIZE)"),
                            step::send("A0002 NO [NONEXISTENT] Mailbox doesn't exist: INBOX\r\n"),
                        } +
                        logout_steps("A0003"));
  mailbox::Options options = mailbox_options_for(server);
  options.password = "p\xC3\xA4ssword";
  const Deadline deadline(5s);
  const mailbox::Result result = imap::run_imap_check(options, deadline);
  EXPECT_TRUE(server.wait_done());
  EXPECT_TRUE(server.failures().empty()) << server.failures().front();
  ASSERT_TRUE(result.failure);
  EXPECT_EQ(result.failure->phase, Phase::mailbox);
  EXPECT_EQ(result.failure->kind, ErrorKind::rejected);
  EXPECT_EQ(result.failure->response_code, "NONEXISTENT");
  EXPECT_EQ(result.failure->summary, "STATUS \"INBOX\" refused: NO [NONEXISTENT] Mailbox doesn't exist: INBOX");
  EXPECT_TRUE(result.logout_acknowledged);
  EXPECT_EQ(transcript_of(result).find("p\\xC3"), std::string::npos);
}

TEST(ImapSession, WrongPasswordIsRefusedAndLogsOut) {
  ScriptedServer server(std::vector<Step>{
                            step::send(kGreeting),
                            step::expect_prefix("A0001 LOGIN "),
                            step::send("A0001 NO [AUTHENTICATIONFAILED] Authentication failed.\r\n"),
                        } +
                        logout_steps("A0002"));
  const Deadline deadline(5s);
  const mailbox::Result result = imap::run_imap_check(mailbox_options_for(server), deadline);
  EXPECT_TRUE(server.wait_done());
  ASSERT_TRUE(result.failure);
  EXPECT_EQ(result.failure->phase, Phase::login);
  EXPECT_EQ(result.failure->kind, ErrorKind::rejected);
  EXPECT_EQ(result.failure->summary, "LOGIN refused: NO [AUTHENTICATIONFAILED] Authentication failed.");
  EXPECT_EQ(result.failure->response_code, "AUTHENTICATIONFAILED");
  EXPECT_FALSE(result.logged_in);
  EXPECT_TRUE(result.logout_acknowledged);
}

TEST(ImapSession, SearchWithoutMatch) {
  ScriptedServer server(login_steps() +
                        std::vector<Step>{
                            step::expect("A0002 STATUS \"INBOX\" (MESSAGES SIZE)"),
                            step::send("* STATUS \"INBOX\" (MESSAGES 0 SIZE 0)\r\nA0002 OK\r\n"),
                            step::expect("A0003 EXAMINE \"INBOX\""),
                            step::send("* 0 EXISTS\r\nA0003 OK\r\n"),
                            step::expect("A0004 UID SEARCH CHARSET UTF-8 BODY \"tok\" SUBJECT {5}"),
                            step::send("+ go\r\n"),
                            step::expect("caf\xC3\xA9"),
                            step::send("* SEARCH\r\nA0004 OK\r\n"),
                        } +
                        logout_steps("A0005"));
  mailbox::Options options = mailbox_options_for(server);
  options.search.tokens = {"tok"};
  options.search.in_body = true;
  options.search.subject = "caf\xC3\xA9";
  const Deadline deadline(5s);
  const mailbox::Result result = imap::run_imap_check(options, deadline);
  ASSERT_TRUE(result.ok()) << result.failure->summary << "\n" << transcript_of(result);
  EXPECT_TRUE(server.failures().empty()) << server.failures().front();
  EXPECT_TRUE(result.searched);
  EXPECT_FALSE(result.found);
  EXPECT_TRUE(result.timings.search);
  EXPECT_FALSE(result.timings.fetch);
}

TEST(ImapSession, StartTlsNotOfferedFailsAndLogsOut) {
  ScriptedServer server(std::vector<Step>{step::send("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n")} +
                        logout_steps("A0001"));
  const Deadline deadline(5s);
  const mailbox::Result result =
      imap::run_imap_check(mailbox_options_for(server, mailbox::Security::starttls), deadline);
  EXPECT_TRUE(server.wait_done());
  ASSERT_TRUE(result.failure);
  EXPECT_EQ(result.failure->phase, Phase::starttls);
  EXPECT_EQ(result.failure->kind, ErrorKind::unsupported);
  EXPECT_EQ(result.failure->summary, "STARTTLS not offered by server");
  EXPECT_FALSE(result.logged_in);
}

TEST(ImapSession, StartTlsInjectionIsRefused) {
  ScriptedServer server({step::send(kGreeting), step::expect("A0001 STARTTLS"),
                         step::send("A0001 OK go\r\n* OK injected\r\n"), step::silent()});
  const Deadline deadline(5s);
  const mailbox::Result result =
      imap::run_imap_check(mailbox_options_for(server, mailbox::Security::starttls), deadline);
  ASSERT_TRUE(result.failure);
  EXPECT_EQ(result.failure->phase, Phase::tls_handshake);
  EXPECT_EQ(result.failure->kind, ErrorKind::protocol);
  EXPECT_NE(result.failure->summary.find("before the TLS handshake"), std::string::npos) << result.failure->summary;
}

TEST(ImapSession, ImplicitTlsWithAnUntrustedCertificate) {
  ScriptedServer::Options tls;
  tls.implicit_tls = pki().get(CertKind::self_signed);
  ScriptedServer server({step::silent()}, tls);
  const Deadline deadline(5s);
  const mailbox::Result result =
      imap::run_imap_check(mailbox_options_for(server, mailbox::Security::implicit_tls), deadline);
  ASSERT_TRUE(result.failure);
  EXPECT_EQ(result.failure->phase, Phase::tls_handshake);
  EXPECT_EQ(result.failure->kind, ErrorKind::tls_verify);
}

TEST(ImapSession, ImplicitTlsPreauthenticated) {
  ScriptedServer::Options tls;
  tls.implicit_tls = pki().get(CertKind::valid);
  ScriptedServer server(
      std::vector<Step>{step::send("* PREAUTH [CAPABILITY IMAP4rev1] welcome back\r\n"),
                        step::expect("A0001 EXAMINE \"INBOX\""), step::send("* 5 EXISTS\r\nA0001 OK\r\n"),
                        step::expect("A0002 FETCH 1:* (RFC822.SIZE)"), step::send("A0002 OK nothing\r\n")} +
          logout_steps("A0003"),
      tls);
  const Deadline deadline(5s);
  const mailbox::Result result =
      imap::run_imap_check(mailbox_options_for(server, mailbox::Security::implicit_tls), deadline);
  ASSERT_TRUE(result.ok()) << result.failure->summary << "\n" << transcript_of(result);
  EXPECT_TRUE(result.logged_in);
  EXPECT_FALSE(result.timings.login);
  EXPECT_EQ(result.message_count, 5u);
  EXPECT_EQ(result.greeting, "welcome back");
}

TEST(ImapSession, CredentialsOverPlainTextAreRefusedBeforeConnecting) {
  ScriptedServer server({step::silent()});
  mailbox::Options options = mailbox_options_for(server);
  options.allow_plaintext_auth = false;
  const Deadline deadline(5s);
  const mailbox::Result result = imap::run_imap_check(options, deadline);
  ASSERT_TRUE(result.failure);
  EXPECT_EQ(result.failure->kind, ErrorKind::config);
  EXPECT_FALSE(result.timings.connect);
}

TEST(ImapSession, ByeGreetingAndGarbage) {
  {
    ScriptedServer server({step::send("* BYE too many connections\r\n"), step::close()});
    const Deadline deadline(5s);
    const mailbox::Result result = imap::run_imap_check(mailbox_options_for(server), deadline);
    ASSERT_TRUE(result.failure);
    EXPECT_EQ(result.failure->phase, Phase::greeting);
    EXPECT_EQ(result.failure->kind, ErrorKind::rejected);
    EXPECT_EQ(result.failure->summary, "server refused the connection: BYE too many connections");
  }
  {
    ScriptedServer server({step::send("220 smtp.example.com ESMTP\r\n"), step::silent()});
    const Deadline deadline(5s);
    const mailbox::Result result = imap::run_imap_check(mailbox_options_for(server), deadline);
    ASSERT_TRUE(result.failure);
    EXPECT_EQ(result.failure->kind, ErrorKind::protocol);
  }
}

TEST(ImapSession, SilentServerTimesOutWithinTheDeadline) {
  ScriptedServer server({step::silent()});
  const auto start = Clock::now();
  const Deadline deadline(500ms);
  const mailbox::Result result = imap::run_imap_check(mailbox_options_for(server), deadline);
  EXPECT_LT(seconds_since(start), 0.5 + 0.3);
  ASSERT_TRUE(result.failure);
  EXPECT_EQ(result.failure->kind, ErrorKind::timeout);
  EXPECT_EQ(result.failure->phase, Phase::greeting);
  EXPECT_EQ(result.failure->summary.rfind("greeting: ", 0), 0u) << result.failure->summary;
}

TEST(ImapSession, AnyOfSeveralTokensAllFoundAndDeleted) {
  ScriptedServer server(
      login_steps() +
      std::vector<Step>{
          step::expect("A0002 STATUS \"INBOX\" (MESSAGES SIZE)"),
          step::send("* STATUS INBOX (MESSAGES 3 SIZE 300)\r\nA0002 OK\r\n"),
          step::expect("A0003 SELECT \"INBOX\""),
          step::send("* 3 EXISTS\r\nA0003 OK\r\n"),
          step::expect("A0004 UID SEARCH OR HEADER X-Check-Mail-Token \"t1\" OR HEADER X-Check-Mail-Token \"t2\" "
                       "HEADER X-Check-Mail-Token \"t3\""),
          step::send("* SEARCH 4 6\r\nA0004 OK\r\n"),
          step::expect_prefix("A0005 UID FETCH 6,4 (UID "),
          step::send(
              "* 1 FETCH (UID 4 BODY[HEADER.FIELDS (X-CHECK-MAIL-TOKEN)] \"X-Check-Mail-Token: t3; sent=100\")\r\n"
              "* 3 FETCH (UID 6 BODY[HEADER.FIELDS (X-CHECK-MAIL-TOKEN)] \"X-Check-Mail-Token: t1; sent=200\")\r\n"
              "A0005 OK\r\n"),
          step::expect("A0006 UID STORE 6,4 +FLAGS.SILENT (\\Deleted)"),
          step::send("A0006 OK\r\n"),
          step::expect("A0007 UID EXPUNGE 6,4"),
          step::send("A0007 OK\r\n"),
      } +
      logout_steps("A0008"));
  mailbox::Options options = mailbox_options_for(server);
  options.search.tokens = {"t1", "t2", "t3"};
  options.delete_found = true;
  const Deadline deadline(5s);
  const mailbox::Result result = imap::run_imap_check(options, deadline);
  ASSERT_TRUE(result.ok()) << result.failure->summary << "\n" << transcript_of(result);
  EXPECT_TRUE(server.failures().empty()) << server.failures().front();
  ASSERT_EQ(result.found_all.size(), 2u);
  EXPECT_EQ(result.found_all[0].token, "t1");
  EXPECT_EQ(result.found_all[1].token, "t3");
  EXPECT_EQ(result.found->token, "t1");
  EXPECT_EQ(result.found_all[1].sent_epoch, 100.0);
  EXPECT_TRUE(result.deleted);
}
