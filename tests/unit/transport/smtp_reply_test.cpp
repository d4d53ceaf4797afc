#include "check_mail/smtp/smtp_reply.hpp"

#include <gtest/gtest.h>

#include "check_mail/net/error.hpp"
#include "support/error_kind.hpp"

using namespace check_mail::transport;
using check_mail::test::kind_of;
using namespace check_mail::transport::smtp;

TEST(SmtpReply, ParsesSingleLine) {
  const Reply reply = parse_reply("220 mail.example.com ESMTP ready\r\n", false);
  EXPECT_EQ(reply.code, 220);
  EXPECT_EQ(reply.klass(), 2);
  ASSERT_EQ(reply.lines.size(), 1u);
  EXPECT_EQ(reply.lines[0], "mail.example.com ESMTP ready");
  EXPECT_FALSE(reply.enhanced);
  EXPECT_TRUE(reply.is_positive());
}

TEST(SmtpReply, ParsesMultiLine) {
  const Reply reply = parse_reply("250-mail.example.com\r\n250-PIPELINING\r\n250 SIZE 1000\r\n", false);
  EXPECT_EQ(reply.code, 250);
  ASSERT_EQ(reply.lines.size(), 3u);
  EXPECT_EQ(reply.lines[1], "PIPELINING");
  EXPECT_EQ(reply.text("|"), "mail.example.com|PIPELINING|SIZE 1000");
}

TEST(SmtpReply, AcceptsBareCodeAndBareLf) {
  EXPECT_EQ(parse_reply("250\r\n", false).code, 250);
  EXPECT_EQ(parse_reply("250-a\n250 b\n", false).lines.size(), 2u);
  EXPECT_EQ(parse_reply("354 go ahead", false).code, 354);  // last terminator optional
}

TEST(SmtpReply, ParsesEnhancedStatusWhenEnabled) {
  const Reply reply = parse_reply("550 5.1.1 <x@y>: no such user\r\n", true);
  ASSERT_TRUE(reply.enhanced);
  EXPECT_EQ(reply.enhanced->to_string(), "5.1.1");
  EXPECT_EQ(reply.lines[0], "<x@y>: no such user");
  EXPECT_EQ(reply.summary(), "550 5.1.1 <x@y>: no such user");

  const Reply plain = parse_reply("550 5.1.1 no such user\r\n", false);
  EXPECT_FALSE(plain.enhanced);
  EXPECT_EQ(plain.lines[0], "5.1.1 no such user");
}

TEST(SmtpReply, EnhancedStatusOnEveryLineIsStripped) {
  const Reply reply = parse_reply("250-2.0.0 first\r\n250 2.0.0 second\r\n", true);
  EXPECT_EQ(reply.enhanced, (EnhancedStatus{2, 0, 0}));
  EXPECT_EQ(reply.text("|"), "first|second");
}

TEST(SmtpReply, EnhancedStatusMustMatchClassAndShape) {
  std::string_view text = "5.1.1 bad";
  EXPECT_FALSE(take_enhanced_status(text, 250));  // class differs from the reply code's
  text = "2.1234.1 x";
  EXPECT_FALSE(take_enhanced_status(text, 250));  // subject has at most three digits
  text = "2.1.1x";
  EXPECT_FALSE(take_enhanced_status(text, 250));  // must be followed by a space
  text = "4.7.0";
  const auto status = take_enhanced_status(text, 421);
  ASSERT_TRUE(status);
  EXPECT_EQ(status->to_string(), "4.7.0");
  EXPECT_TRUE(text.empty());
}

TEST(SmtpReply, RejectsMalformedLines) {
  for (const char* bad :
       {"", "25", "2500 x", "abc text", "650 out of range", "160 too low", "260 second digit", "250x", "250_text"}) {
    EXPECT_EQ(kind_of([&] { (void)parse_reply_line(bad); }), ErrorKind::protocol) << bad;
  }
}

TEST(SmtpReply, RejectsInconsistentOrIncompleteReplies) {
  EXPECT_EQ(kind_of([] { (void)parse_reply("250-a\r\n251 b\r\n", false); }), ErrorKind::protocol);
  EXPECT_EQ(kind_of([] { (void)parse_reply("250-a\r\n", false); }), ErrorKind::protocol);
  EXPECT_EQ(kind_of([] { (void)parse_reply("250 a\r\n250 b\r\n", false); }), ErrorKind::protocol);
  EXPECT_EQ(kind_of([] { (void)parse_reply("", false); }), ErrorKind::protocol);
}

TEST(SmtpReply, MalformedMessageQuotesTheLineSafely) {
  try {
    (void)parse_reply_line("HTTP/1.1 400 Bad Request\x01");
    FAIL();
  } catch (const TransportError& e) {
    EXPECT_STREQ(e.what(), "malformed SMTP reply 'HTTP/1.1 400 Bad Request?'");
  }
}

TEST(SmtpReply, BoundsTheNumberOfLines) {
  ReplyParser parser(false, 3);
  EXPECT_FALSE(parser.feed("250-a"));
  EXPECT_FALSE(parser.feed("250-b"));
  EXPECT_FALSE(parser.feed("250-c"));
  EXPECT_EQ(kind_of([&] { parser.feed("250 d"); }), ErrorKind::too_long);
}

TEST(SmtpReply, HugeReplyIsParsedWithoutTrouble) {
  std::string text;
  for (int i = 0; i < 999; ++i) text += "250-" + std::string(500, 'x') + "\r\n";
  text += "250 end\r\n";
  const Reply reply = parse_reply(text, false);
  EXPECT_EQ(reply.lines.size(), 1000u);
  EXPECT_LE(reply.summary().size(), 200u);
  EXPECT_EQ(reply.summary().substr(reply.summary().size() - 3), "...");
}

TEST(SmtpReply, SummaryReplacesControlCharacters) {
  Reply reply;
  reply.code = 554;
  reply.lines = {"bad\x1b[31m", "second"};
  EXPECT_EQ(reply.summary(), "554 bad [31m second");
}
