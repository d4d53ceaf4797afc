#include <gtest/gtest.h>

#include <chrono>

#include "check_mail/smtp/smtp_data.hpp"
#include "check_mail/smtp/smtp_message.hpp"

using namespace check_mail::transport::smtp;

namespace {

// 2024-03-05 09:07:03.045 UTC
const auto kSent = std::chrono::system_clock::time_point(std::chrono::milliseconds(1709629623045));

MessageOptions basic_options() {
  MessageOptions options;
  options.from = "SMTP-Monitor <monitor@example.com>";
  options.to = {"probe@example.net"};
  options.token = "abc123";
  return options;
}

std::string full_text(const Message& message) {
  std::string out;
  DataEncoder encoder([&](std::string_view bytes) { out.append(bytes); });
  write_message(message, encoder);
  encoder.finish();
  return out;
}

}  // namespace

TEST(DotStuffing, DoublesLeadingDots) {
  EXPECT_EQ(dot_stuff(".hidden\r\nok\r\n..two\r\n"), "..hidden\r\nok\r\n...two\r\n.\r\n");
  EXPECT_EQ(dot_stuff("a.b\r\n.\r\n"), "a.b\r\n..\r\n.\r\n");  // a lone "." must not end the message
}

TEST(DotStuffing, NormalisesLineEnds) {
  EXPECT_EQ(dot_stuff("one\ntwo\rthree\r\n"), "one\r\ntwo\r\nthree\r\n.\r\n");
  EXPECT_EQ(dot_stuff("x\n.y"), "x\r\n..y\r\n.\r\n");  // bare LF still starts a line
  EXPECT_EQ(dot_stuff("\r\r\n"), "\r\n\r\n.\r\n");
}

TEST(DotStuffing, AddsFinalLineEndOnlyWhenMissing) {
  EXPECT_EQ(dot_stuff("no newline"), "no newline\r\n.\r\n");
  EXPECT_EQ(dot_stuff("has newline\r\n"), "has newline\r\n.\r\n");
  EXPECT_EQ(dot_stuff("ends in cr\r"), "ends in cr\r\n.\r\n");
  EXPECT_EQ(dot_stuff(""), ".\r\n");
}

TEST(DotStuffing, ChunkBoundariesDoNotMatter) {
  const std::string text = "a\r\n.b\r\n\r\n.\rc\n..d\r";
  const std::string whole = dot_stuff(text);
  for (std::size_t split = 0; split <= text.size(); ++split) {
    std::string out;
    DataEncoder encoder([&](std::string_view bytes) { out.append(bytes); }, 4);
    encoder.write(text.substr(0, split));
    encoder.write(text.substr(split));
    encoder.finish();
    EXPECT_EQ(out, whole) << "split at " << split;
    EXPECT_EQ(encoder.bytes_out(), whole.size());
  }
}

TEST(DotStuffing, SinkReceivesBoundedChunks) {
  std::size_t largest = 0;
  std::size_t total = 0;
  DataEncoder encoder(
      [&](std::string_view bytes) {
        largest = std::max(largest, bytes.size());
        total += bytes.size();
      },
      1024);
  const std::string line(100, 'x');
  for (int i = 0; i < 1000; ++i) encoder.write(line + "\n");
  encoder.finish();
  EXPECT_EQ(total, 1000u * 102u + 3u);
  EXPECT_LT(largest, 1024u + 200u);
}

TEST(MessageBuilder, HasRequiredHeadersAndTrackingHeader) {
  const Message message = build_message(basic_options(), kSent);
  EXPECT_EQ(message.tracking, "abc123; sent=1709629623.045");
  EXPECT_DOUBLE_EQ(message.sent_epoch, 1709629623.045);
  EXPECT_EQ(message.message_id, "<abc123.1709629623.045@example.com>");
  const std::string& head = message.head;
  EXPECT_NE(head.find("Date: Tue, 05 Mar 2024 09:07:03 +0000\r\n"), std::string::npos) << head;
  EXPECT_NE(head.find("Message-ID: <abc123.1709629623.045@example.com>\r\n"), std::string::npos);
  EXPECT_NE(head.find("From: SMTP-Monitor <monitor@example.com>\r\n"), std::string::npos);
  EXPECT_NE(head.find("To: probe@example.net\r\n"), std::string::npos);
  EXPECT_NE(head.find("Subject: SMTP Monitor Test Message\r\n"), std::string::npos);
  EXPECT_NE(head.find("MIME-Version: 1.0\r\n"), std::string::npos);
  EXPECT_NE(head.find("Content-Type: text/plain; charset=UTF-8\r\n"), std::string::npos);
  EXPECT_NE(head.find("Content-Transfer-Encoding: 7bit\r\n"), std::string::npos);
  EXPECT_NE(head.find("X-Check-Mail-Token: abc123; sent=1709629623.045\r\n"), std::string::npos);
  EXPECT_EQ(head.substr(head.size() - 4), "\r\n\r\n");
  EXPECT_EQ(message.body.find("X-Check-Mail-Token"), std::string::npos);
}

TEST(MessageBuilder, UseBodyPutsTokenLineFirstInBody) {
  MessageOptions options = basic_options();
  options.use_body = true;
  options.body = "custom text";
  const Message message = build_message(options, kSent);
  EXPECT_EQ(message.head.find("X-Check-Mail-Token"), std::string::npos);
  EXPECT_EQ(message.body, "X-Check-Mail-Token: abc123; sent=1709629623.045\r\ncustom text\r\n");
}

TEST(MessageBuilder, HeaderValuesCannotInjectLines) {
  MessageOptions options = basic_options();
  options.subject = "hi\r\nBcc: victim@example.org";
  options.from = "a@b\nX-Evil: 1";
  const Message message = build_message(options, kSent);
  EXPECT_EQ(message.head.find("\r\nBcc:"), std::string::npos);
  EXPECT_EQ(message.head.find("\nX-Evil"), std::string::npos);
  EXPECT_NE(message.head.find("Subject: hi  Bcc: victim@example.org\r\n"), std::string::npos);
}

TEST(MessageBuilder, NonAsciiSubjectIsEncoded) {
  MessageOptions options = basic_options();
  options.subject = "Prüfung";
  options.body = "Grüße";
  const Message message = build_message(options, kSent);
  EXPECT_NE(message.head.find("Subject: =?UTF-8?B?UHLDvGZ1bmc=?=\r\n"), std::string::npos) << message.head;
  EXPECT_NE(message.head.find("Content-Transfer-Encoding: 8bit\r\n"), std::string::npos);
}

TEST(MessageBuilder, ManyRecipientsAreFolded) {
  MessageOptions options = basic_options();
  options.to.clear();
  for (int i = 0; i < 10; ++i) options.to.push_back("recipient" + std::to_string(i) + "@example.net");
  const Message message = build_message(options, kSent);
  const std::size_t to = message.head.find("To: ");
  const std::size_t end = message.head.find("\r\nSubject:");
  const std::string field = message.head.substr(to, end - to);
  std::size_t start = 0;
  while (start < field.size()) {
    std::size_t eol = field.find("\r\n", start);
    if (eol == std::string::npos) eol = field.size();
    EXPECT_LE(eol - start, 78u);
    start = eol + 2;
  }
  EXPECT_NE(field.find("\r\n "), std::string::npos);
}

TEST(MessageBuilder, PadsToTargetSize) {
  MessageOptions options = basic_options();
  options.pad_to_bytes = 100000;
  const Message message = build_message(options, kSent);
  EXPECT_EQ(message.size(), 100000u);
  const std::string wire = full_text(message);
  // Filler never starts with '.', so stuffing adds nothing: size (+1) + ".\r\n".
  EXPECT_GE(wire.size(), 100000u + 3u);
  EXPECT_LE(wire.size(), 100000u + 4u);
  EXPECT_EQ(wire.find("\r\n.\r\n"), wire.size() - 5);
}

TEST(MessageBuilder, RandomTokenWhenNoneGiven) {
  MessageOptions options = basic_options();
  options.token.clear();
  const Message a = build_message(options, kSent);
  const Message b = build_message(options, kSent);
  EXPECT_EQ(a.token.size(), 32u);
  EXPECT_NE(a.token, b.token);
}

TEST(MessageBuilder, WireFormEndsWithTerminatorAndStuffsUserBody) {
  MessageOptions options = basic_options();
  options.body = "line one\n.line two\n";
  const std::string wire = full_text(build_message(options, kSent));
  EXPECT_NE(wire.find("\r\n\r\nline one\r\n..line two\r\n.\r\n"), std::string::npos) << wire;
}

TEST(MessageBuilder, FormatsDates) {
  EXPECT_EQ(format_rfc5322_date(std::chrono::system_clock::time_point{}), "Thu, 01 Jan 1970 00:00:00 +0000");
}
