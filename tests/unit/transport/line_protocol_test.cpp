// The shared engine: command sending, transcript, limits, and readers of other shapes than SMTP's
// (a POP3-style dot-terminated list, an IMAP-style literal), proving the interface carries them.
#include "check_mail/protocol/line_protocol.hpp"

#include <gtest/gtest.h>

#include "check_mail/smtp/smtp_reply.hpp"
#include "net_test_helpers.hpp"
#include "support/scripted_server.hpp"

using namespace check_mail::transport;
using namespace check_mail::transport::testing;
using namespace check_mail::test_support;

namespace {

// POP3: "+OK ..." then, for multi-line answers, lines up to a lone ".".
class Pop3ListReader final : public ReplyReader {
public:
  ReadRequest on_line(std::string_view line) override {
    if (!status_seen_) {
      status_seen_ = true;
      status = std::string(line);
      return line.starts_with("+OK") ? ReadRequest::line() : ReadRequest::done();
    }
    if (line == ".") return ReadRequest::done();
    items.emplace_back(line.starts_with("..") ? line.substr(1) : line);
    return ReadRequest::line();
  }
  std::string status;
  std::vector<std::string> items;

private:
  bool status_seen_ = false;
};

// IMAP: untagged lines, "{n}" literals, done at the tagged status line.
class ImapReader final : public ReplyReader {
public:
  ReadRequest on_line(std::string_view line) override {
    lines.emplace_back(line);
    if (line.starts_with("A1 ")) return ReadRequest::done();
    if (line.ends_with("}")) {
      const auto open = line.rfind('{');
      return ReadRequest::literal(std::stoul(std::string(line.substr(open + 1, line.size() - open - 2))));
    }
    return ReadRequest::line();
  }
  ReadRequest on_literal(std::string_view bytes) override {
    literals.emplace_back(bytes);
    return ReadRequest::line();
  }
  std::vector<std::string> lines;
  std::vector<std::string> literals;
};

}  // namespace

TEST(LineProtocol, Pop3StyleMultiLineReply) {
  ScriptedServer server({step::expect("LIST"), step::send("+OK 2 messages\r\n1 120\r\n..2 300\r\n.\r\n")});
  const Deadline deadline(2s);
  Connection connection = connect_plain(server.port(), deadline);
  Transcript transcript(deadline.start());
  LineProtocol protocol(connection, deadline, &transcript);
  protocol.send_line("LIST");
  Pop3ListReader reader;
  protocol.read_reply(reader);
  EXPECT_EQ(reader.status, "+OK 2 messages");
  EXPECT_EQ(reader.items, (std::vector<std::string>{"1 120", ".2 300"}));
  EXPECT_EQ(transcript.entries().size(), 5u);
}

TEST(LineProtocol, ImapStyleLiteral) {
  ScriptedServer server(
      {step::expect("A1 FETCH 1 BODY[]"), step::send("* 1 FETCH (BODY[] {6}\r\nab\r\ncd)\r\nA1 OK done\r\n")});
  const Deadline deadline(2s);
  Connection connection = connect_plain(server.port(), deadline);
  Transcript transcript(deadline.start());
  LineProtocol protocol(connection, deadline, &transcript);
  protocol.send_line("A1 FETCH 1 BODY[]");
  ImapReader reader;
  protocol.read_reply(reader);
  EXPECT_EQ(reader.literals, (std::vector<std::string>{"ab\r\ncd"}));
  EXPECT_EQ(reader.lines, (std::vector<std::string>{"* 1 FETCH (BODY[] {6}", ")", "A1 OK done"}));
  EXPECT_EQ(reader.lines.back(), "A1 OK done");
  EXPECT_EQ(transcript.entries()[2].text, "<literal of 6 bytes>");
}

TEST(LineProtocol, LiteralsAreBoundedByTheReplyLimit) {
  ScriptedServer server({step::send("* {999999999}\r\n"), step::silent()});
  const Deadline deadline(2s);
  Connection connection = connect_plain(server.port(), deadline);
  LineProtocol protocol(connection, deadline, nullptr);
  ImapReader reader;
  const TransportError error = expect_error([&] { protocol.read_reply(reader); });
  EXPECT_EQ(error.kind(), ErrorKind::too_long);
}

TEST(LineProtocol, ReplyByteLimitStopsEndlessMultiLineReplies) {
  std::string flood;
  for (int i = 0; i < 200; ++i) flood += "250-" + std::string(100, 'c') + "\r\n";
  ScriptedServer server({step::send(flood), step::silent()});
  const Deadline deadline(2s);
  Connection connection = connect_plain(server.port(), deadline);
  LineProtocol protocol(connection, deadline, nullptr, LineProtocolLimits{1024, 4096});
  smtp::SmtpReplyReader reader(false);
  const TransportError error = expect_error([&] { protocol.read_reply(reader); });
  EXPECT_EQ(error.kind(), ErrorKind::too_long);
  EXPECT_STREQ(error.what(), "server reply longer than 4096 bytes");
}

TEST(LineProtocol, DisplayFormHidesCredentials) {
  ScriptedServer server({step::expect("AUTH PLAIN c2VjcmV0"), step::send("235 ok\r\n")});
  const Deadline deadline(2s);
  Connection connection = connect_plain(server.port(), deadline);
  Transcript transcript(deadline.start());
  LineProtocol protocol(connection, deadline, &transcript);
  protocol.send_line("AUTH PLAIN c2VjcmV0", "AUTH PLAIN <redacted>");
  smtp::SmtpReplyReader reader(false);
  protocol.read_reply(reader);
  EXPECT_EQ(reader.take().code, 235);
  EXPECT_EQ(transcript.entries()[0].text, "AUTH PLAIN <redacted>");
  EXPECT_EQ(transcript.to_string().find("c2VjcmV0"), std::string::npos);
  EXPECT_TRUE(server.failures().empty());
}

TEST(LineProtocol, CommandsCannotCarryLineBreaks) {
  ScriptedServer server({step::silent()});
  const Deadline deadline(2s);
  Connection connection = connect_plain(server.port(), deadline);
  LineProtocol protocol(connection, deadline, nullptr);
  for (const std::string& bad : {std::string("RCPT TO:<a@b>\r\nDATA"), std::string("X\0Y", 3), std::string("a\rb")}) {
    EXPECT_EQ(expect_error([&] { protocol.send_line(bad); }).kind(), ErrorKind::config);
  }
  EXPECT_EQ(connection.bytes_sent(), 0u);
}
