#include "check_mail/mailbox/mail_headers.hpp"

#include <gtest/gtest.h>

#include <chrono>

#include "check_mail/smtp/smtp_message.hpp"

using namespace check_mail::transport;
using namespace check_mail::transport::mail;

TEST(MailHeaders, ParsesAndUnfoldsFields) {
  const auto fields = parse_header_block(
      "Received: from a by b;\r\n\tTue, 05 Mar 2024 09:07:03 +0000\r\n"
      "Subject:  Hello\r\n"
      "X-Empty:\r\n"
      "not a field line\r\n"
      "Received : obsolete spacing\r\n"
      "\r\n"
      "Body: not a header\r\n");
  ASSERT_EQ(fields.size(), 4u);
  EXPECT_EQ(fields[0].name, "Received");
  EXPECT_EQ(fields[0].value, "from a by b;\tTue, 05 Mar 2024 09:07:03 +0000");
  EXPECT_EQ(fields[1].value, "Hello");
  EXPECT_EQ(fields[2].value, "");
  EXPECT_EQ(fields[3].name, "Received");
  EXPECT_EQ(header_value(fields, "SUBJECT"), "Hello");
  EXPECT_EQ(header_value(fields, "received"), fields[0].value);  // the first (topmost) one
  EXPECT_FALSE(header_value(fields, "Body"));
}

TEST(MailHeaders, StrayContinuationAndBareLineFeeds) {
  const auto fields = parse_header_block("  orphan continuation\nA: 1\n b\n");
  ASSERT_EQ(fields.size(), 1u);
  EXPECT_EQ(fields[0].value, "1 b");
}

TEST(MailHeaders, TrackingValue) {
  const auto tracking = parse_tracking(" 0123abcd; sent=1700000000.123 ");
  ASSERT_TRUE(tracking);
  EXPECT_EQ(tracking->token, "0123abcd");
  ASSERT_TRUE(tracking->sent_epoch);
  EXPECT_DOUBLE_EQ(*tracking->sent_epoch, 1700000000.123);

  EXPECT_FALSE(parse_tracking("0123abcd").value().sent_epoch);
  EXPECT_FALSE(parse_tracking("abc; sent=1e9").value().sent_epoch);
  EXPECT_FALSE(parse_tracking("abc; sent=-5").value().sent_epoch);
  EXPECT_FALSE(parse_tracking("abc; sent=1.2.3").value().sent_epoch);
  EXPECT_FALSE(parse_tracking(""));
  EXPECT_FALSE(parse_tracking("; sent=1"));
  EXPECT_FALSE(parse_tracking("two words; sent=1"));
}

TEST(MailHeaders, TrackingRoundTripsWithTheSmtpMessageBuilder) {
  smtp::MessageOptions options;
  options.from = "a@example.test";
  options.token = "feedface";
  const auto sent = std::chrono::system_clock::time_point(std::chrono::milliseconds(1700000000456LL));
  const smtp::Message in_header = smtp::build_message(options, sent);
  const auto from_header = tracking_in_headers(parse_header_block(in_header.head));
  ASSERT_TRUE(from_header);
  EXPECT_EQ(from_header->token, "feedface");
  EXPECT_DOUBLE_EQ(from_header->sent_epoch.value(), 1700000000.456);

  options.use_body = true;
  const smtp::Message in_body = smtp::build_message(options, sent);
  EXPECT_FALSE(tracking_in_headers(parse_header_block(in_body.head)));
  const auto from_body = tracking_in_body(in_body.body);
  ASSERT_TRUE(from_body);
  EXPECT_EQ(from_body->token, "feedface");
}

TEST(MailHeaders, Rfc5322Dates) {
  EXPECT_EQ(parse_rfc5322_date("Thu, 01 Jan 1970 00:00:00 +0000"), 0.0);
  EXPECT_EQ(parse_rfc5322_date("Tue, 14 Nov 2023 22:13:20 +0000"), 1700000000.0);
  EXPECT_EQ(parse_rfc5322_date("14 Nov 2023 23:13:20 +0100"), 1700000000.0);
  EXPECT_EQ(parse_rfc5322_date("Tue, 14 Nov 2023 17:13:20 EST"), 1700000000.0);
  EXPECT_EQ(parse_rfc5322_date("Tue, 14 Nov 2023 22:13:20 GMT (UTC)"), 1700000000.0);
  EXPECT_EQ(parse_rfc5322_date("Tue,14 Nov 2023 22:13 -0000"), 1700000000.0 - 20);
  EXPECT_EQ(parse_rfc5322_date("Tue, 14 Nov 23 22:13:20 +0000"), 1700000000.0);
  EXPECT_EQ(parse_rfc5322_date("29 Feb 2024 00:00:00 +0000"), 1709164800.0);
  EXPECT_FALSE(parse_rfc5322_date(""));
  EXPECT_FALSE(parse_rfc5322_date("Tue, 14 Nov 2023"));
  EXPECT_FALSE(parse_rfc5322_date("Tue, 14 Foo 2023 22:13:20 +0000"));
  EXPECT_FALSE(parse_rfc5322_date("Tue, 32 Nov 2023 22:13:20 +0000"));
  EXPECT_FALSE(parse_rfc5322_date("Tue, 14 Nov 2023 24:13:20 +0000"));
  EXPECT_FALSE(parse_rfc5322_date("Tue, 14 Nov 2023 22:13:20 +01"));
}

TEST(MailHeaders, ReceivedDateIsAfterTheLastSemicolon) {
  EXPECT_EQ(received_date("from mail.example.test ([127.0.0.1]) by host with LMTP id x; "
                          "Tue, 14 Nov 2023 22:13:20 +0000"),
            1700000000.0);
  EXPECT_FALSE(received_date("from a by b"));
}

TEST(MailHeaders, EncodedWords) {
  EXPECT_EQ(decode_header_text("=?UTF-8?B?RW50d8O8cmZl?="),
            "Entw\xC3\xBC"
            "rfe");
  EXPECT_EQ(decode_header_text("a =?utf-8?q?b_c=3D?= =?UTF-8?Q?d?= e"), "a b c=d e");
  EXPECT_EQ(decode_header_text("=?ISO-8859-1?Q?caf=E9?="), "=?ISO-8859-1?Q?caf=E9?=");
  EXPECT_EQ(decode_header_text("=?UTF-8?Q?bad=Z?="), "=?UTF-8?Q?bad=Z?=");
  EXPECT_EQ(decode_header_text("plain  text "), "plain  text ");
  EXPECT_TRUE(contains_ignoring_case("SMTP Monitor Test Message", "monitor test"));
  EXPECT_FALSE(contains_ignoring_case("SMTP", "smtps"));
}
