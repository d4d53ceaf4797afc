#include "check_mail/smtp/smtp_capabilities.hpp"

#include <gtest/gtest.h>

using namespace check_mail::transport::smtp;

TEST(SmtpCapabilities, ParsesTypicalPostfixReply) {
  const Capabilities caps = parse_ehlo(
      parse_reply("250-mail.example.com\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-VRFY\r\n250-ETRN\r\n"
                  "250-STARTTLS\r\n250-AUTH PLAIN LOGIN CRAM-MD5\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n"
                  "250-DSN\r\n250-SMTPUTF8\r\n250 CHUNKING\r\n",
                  false));
  EXPECT_TRUE(caps.esmtp);
  EXPECT_EQ(caps.domain, "mail.example.com");
  EXPECT_TRUE(caps.pipelining);
  EXPECT_TRUE(caps.starttls);
  EXPECT_TRUE(caps.enhanced_status_codes);
  EXPECT_TRUE(caps.eight_bit_mime);
  EXPECT_TRUE(caps.dsn);
  EXPECT_TRUE(caps.smtputf8);
  EXPECT_TRUE(caps.chunking);
  EXPECT_EQ(caps.size, 10240000u);
  EXPECT_EQ(caps.auth_mechanisms, (std::vector<std::string>{"PLAIN", "LOGIN", "CRAM-MD5"}));
  EXPECT_TRUE(caps.has("vrfy"));
  EXPECT_TRUE(caps.has("Etrn"));
  EXPECT_FALSE(caps.has("XCLIENT"));
}

TEST(SmtpCapabilities, KeywordsAreCaseInsensitive) {
  const Capabilities caps =
      parse_ehlo(parse_reply("250-host says hi\r\n250-starttls\r\n250-Auth login cram-md5\r\n250 size\r\n", false));
  EXPECT_TRUE(caps.starttls);
  EXPECT_EQ(caps.auth_mechanisms, (std::vector<std::string>{"LOGIN", "CRAM-MD5"}));
  EXPECT_TRUE(caps.offers_auth("cram-md5"));
  EXPECT_FALSE(caps.offers_auth("PLAIN"));
  EXPECT_EQ(caps.size, 0u);  // SIZE without a number: no fixed limit
}

TEST(SmtpCapabilities, MergesOldStyleAuthEquals) {
  const Capabilities caps =
      parse_ehlo(parse_reply("250-host\r\n250-AUTH LOGIN PLAIN\r\n250 AUTH=LOGIN PLAIN XOAUTH2\r\n", false));
  EXPECT_EQ(caps.auth_mechanisms, (std::vector<std::string>{"LOGIN", "PLAIN", "XOAUTH2"}));
}

TEST(SmtpCapabilities, GreetingOnlyMeansNoExtensions) {
  const Capabilities caps = parse_ehlo(parse_reply("250 host\r\n", false));
  EXPECT_EQ(caps.domain, "host");
  EXPECT_FALSE(caps.starttls);
  EXPECT_TRUE(caps.auth_mechanisms.empty());
  EXPECT_FALSE(caps.size);
  EXPECT_TRUE(caps.keywords.empty());
}

TEST(SmtpCapabilities, OddLinesAreKeptNotRejected) {
  const Capabilities caps =
      parse_ehlo(parse_reply("250-host\r\n250-\r\n250-SIZE lots\r\n250 X-WEIRD  a  b \r\n", false));
  EXPECT_FALSE(caps.size);  // unparsable number ignored
  EXPECT_TRUE(caps.has("SIZE"));
  EXPECT_EQ(caps.keywords.at("X-WEIRD"), "a  b");
}
