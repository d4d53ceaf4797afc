#include "check_mail/mailbox/pop3_reply.hpp"

#include <gtest/gtest.h>

#include "check_mail/net/error.hpp"
#include "support/error_kind.hpp"

using namespace check_mail::transport;
using check_mail::test::kind_of;
using namespace check_mail::transport::pop3;

TEST(Pop3Reply, StatusLines) {
  StatusLine ok = parse_status_line("+OK Dovecot ready.");
  EXPECT_EQ(ok.kind, StatusLine::Kind::ok);
  EXPECT_EQ(ok.text, "Dovecot ready.");
  StatusLine err = parse_status_line("-ERR [auth] Authentication failed.");
  EXPECT_EQ(err.kind, StatusLine::Kind::err);
  EXPECT_EQ(err.code, "AUTH");
  EXPECT_EQ(err.text, "Authentication failed.");
  EXPECT_EQ(parse_status_line("+ok").kind, StatusLine::Kind::ok);
  EXPECT_EQ(parse_status_line("-ERR").text, "");
  EXPECT_EQ(parse_status_line("+ PDEyMzQ+", true).kind, StatusLine::Kind::continuation);
  EXPECT_EQ(parse_status_line("+", true).text, "");
  EXPECT_EQ(kind_of([] { (void)parse_status_line("+ PDEyMzQ+"); }), ErrorKind::protocol);
  EXPECT_EQ(kind_of([] { (void)parse_status_line("+OKAY"); }), ErrorKind::protocol);
  EXPECT_EQ(kind_of([] { (void)parse_status_line("* OK IMAP here"); }), ErrorKind::protocol);
  EXPECT_EQ(kind_of([] { (void)parse_status_line(""); }), ErrorKind::protocol);
}

TEST(Pop3Reply, MultiLineWithDotUnstuffing) {
  const Reply reply = parse_reply("+OK 3 lines\r\nfirst\r\n..dotted\r\n.\r\n", true);
  EXPECT_TRUE(reply.ok());
  EXPECT_EQ(reply.lines, (std::vector<std::string>{"first", ".dotted"}));
  // An -ERR to a multi-line command is one line only.
  const Reply refused = parse_reply("-ERR [SYS/TEMP] later\n", true);
  EXPECT_FALSE(refused.ok());
  EXPECT_EQ(refused.summary(), "-ERR [SYS/TEMP] later");
  EXPECT_EQ(kind_of([] { (void)parse_reply("+OK\r\nline\r\n", true); }), ErrorKind::protocol);
  EXPECT_EQ(kind_of([] { (void)parse_reply("+OK\r\n.\r\nextra\r\n", true); }), ErrorKind::protocol);
  EXPECT_EQ(kind_of([] { (void)parse_reply("+OK\r\nmore\r\n", false); }), ErrorKind::protocol);
}

TEST(Pop3Reply, LineLimit) {
  ReplyParser parser(true, false, 2);
  EXPECT_FALSE(parser.feed("+OK"));
  EXPECT_FALSE(parser.feed("a"));
  EXPECT_FALSE(parser.feed("b"));
  EXPECT_EQ(kind_of([&] { (void)parser.feed("c"); }), ErrorKind::too_long);
}

TEST(Pop3Reply, Capabilities) {
  const Capabilities caps =
      parse_capabilities({"CAPA", "top", "UIDL", "RESP-CODES", "STLS", "USER", "SASL PLAIN login cram-md5", ""});
  EXPECT_TRUE(caps.has("TOP"));
  EXPECT_TRUE(caps.has("stls"));
  EXPECT_FALSE(caps.has("PIPELINING"));
  EXPECT_EQ(caps.sasl_mechanisms(), (std::vector<std::string>{"PLAIN", "LOGIN", "CRAM-MD5"}));
  EXPECT_TRUE(parse_capabilities({}).sasl_mechanisms().empty());
}

TEST(Pop3Reply, StatAndListings) {
  const MaildropSize size = parse_stat("2 320");
  EXPECT_EQ(size.messages, 2u);
  EXPECT_EQ(size.octets, 320u);
  EXPECT_EQ(parse_stat("0 0 extra").messages, 0u);
  EXPECT_EQ(kind_of([] { (void)parse_stat("2"); }), ErrorKind::protocol);
  EXPECT_EQ(kind_of([] { (void)parse_stat("two 320"); }), ErrorKind::protocol);
  EXPECT_EQ(kind_of([] { (void)parse_stat("99999999999999999999 1"); }), ErrorKind::protocol);

  const auto entries = parse_listing({"1 whqtswO00WBw418f9t5JxYwZ", "2 00000002633a1e11"});
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[1].number, 2u);
  EXPECT_EQ(entries[1].value, "00000002633a1e11");
  EXPECT_EQ(parse_listing_line("3 1200 extra").value, "1200");
  EXPECT_EQ(kind_of([] { (void)parse_listing_line("0 x"); }), ErrorKind::protocol);
  EXPECT_EQ(kind_of([] { (void)parse_listing_line("4"); }), ErrorKind::protocol);
}
