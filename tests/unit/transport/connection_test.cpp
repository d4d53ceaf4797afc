// Connection: connect, bounded line reading, writing, counters and faults, against the
// scripted server.
#include "check_mail/protocol/connection.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net_test_helpers.hpp"
#include "support/scripted_server.hpp"

using namespace check_mail::transport;
using namespace check_mail::transport::testing;
using namespace check_mail::test_support;

namespace {

// A port on which nothing listens: bind one, note it, close it.
std::uint16_t unused_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

}  // namespace

TEST(Connection, ReadsLinesWritesAndCountsBytes) {
  ScriptedServer server({step::send("220 hello\r\n"), step::expect("EHLO x"), step::send("250 ok\r\n")});
  const Deadline deadline(2s);
  ConnectTimings timings;
  Connection connection = Connection::open(Endpoint{"localhost", server.port()}, deadline, timings);
  EXPECT_TRUE(timings.dns);
  EXPECT_TRUE(timings.connect);
  EXPECT_FALSE(timings.tls_handshake);
  EXPECT_EQ(connection.peer_address(), "127.0.0.1");
  EXPECT_EQ(connection.read_line(deadline), "220 hello");
  connection.write_all("EHLO x\r\n", deadline);
  EXPECT_EQ(connection.read_line(deadline), "250 ok");
  EXPECT_EQ(connection.bytes_sent(), 8u);
  EXPECT_EQ(connection.bytes_received(), 19u);
  EXPECT_FALSE(connection.is_tls());
  EXPECT_TRUE(server.wait_done());
  EXPECT_TRUE(server.failures().empty());
}

TEST(Connection, ReadExactForLiterals) {
  ScriptedServer server({step::send("* {5}\r\nhello)\r\n")});
  const Deadline deadline(2s);
  Connection connection = connect_plain(server.port(), deadline);
  EXPECT_EQ(connection.read_line(deadline), "* {5}");
  EXPECT_EQ(connection.read_exact(5, deadline), "hello");
  EXPECT_EQ(connection.read_line(deadline), ")");
}

TEST(Connection, RefusedConnectionIsReported) {
  const std::uint16_t port = unused_port();
  const Deadline deadline(2s);
  const TransportError error = expect_error([&] { (void)connect_plain(port, deadline); });
  EXPECT_EQ(error.kind(), ErrorKind::connect_refused);
  EXPECT_EQ(std::string(error.what()), "connection refused by 127.0.0.1 port " + std::to_string(port));
}

TEST(Connection, SilentServerTimesOutAtTheDeadline) {
  ScriptedServer server({step::silent()});
  const auto start = Clock::now();
  const Deadline deadline(400ms);
  Connection connection = connect_plain(server.port(), deadline);
  const TransportError error = expect_error([&] { (void)connection.read_line(deadline); });
  EXPECT_EQ(error.kind(), ErrorKind::timeout);
  EXPECT_NE(std::string(error.what()).find("timeout after 0."), std::string::npos) << error.what();
  EXPECT_NE(std::string(error.what()).find("waiting for data from server"), std::string::npos);
  EXPECT_GE(seconds_since(start), 0.39);
  EXPECT_LT(Clock::now() - start, 400ms + kMargin);
}

TEST(Connection, TricklingServerCannotExtendTheDeadline) {
  // One byte every 50 ms keeps arriving, but the line never completes in time.
  ScriptedServer server({step::send_slowly("220 " + std::string(100, 'x') + "\r\n", 50ms)});
  const auto start = Clock::now();
  const Deadline deadline(500ms);
  Connection connection = connect_plain(server.port(), deadline);
  const TransportError error = expect_error([&] { (void)connection.read_line(deadline); });
  EXPECT_EQ(error.kind(), ErrorKind::timeout);
  EXPECT_LT(Clock::now() - start, 500ms + kMargin);
  EXPECT_GT(connection.bytes_received(), 0u);
}

TEST(Connection, EndlessLineFailsFastWithBoundedMemory) {
  ScriptedServer server({step::flood(10 * 1024 * 1024)});
  const auto start = Clock::now();
  const Deadline deadline(5s);
  Connection connection = connect_plain(server.port(), deadline);
  const TransportError error = expect_error([&] { (void)connection.read_line(deadline); });
  EXPECT_EQ(error.kind(), ErrorKind::too_long);
  EXPECT_STREQ(error.what(), "server sent a line longer than 65536 bytes");
  EXPECT_LT(Clock::now() - start, 1s);
  EXPECT_LE(connection.bytes_received(), 65536u + 2u * 16384u);
  EXPECT_LE(connection.read_buffer_high_water(), 2u * (65536u + 16384u));
}

TEST(Connection, SmallerLineLimitApplies) {
  ScriptedServer server({step::send(std::string(600, 'y') + "\r\n")});
  const Deadline deadline(2s);
  Connection connection = connect_plain(server.port(), deadline);
  EXPECT_EQ(expect_error([&] { (void)connection.read_line(deadline, 512); }).kind(), ErrorKind::too_long);
}

TEST(Connection, CloseInTheMiddleOfAReply) {
  ScriptedServer server({step::send("250-first\r\n250 trunc"), step::close()});
  const Deadline deadline(2s);
  Connection connection = connect_plain(server.port(), deadline);
  EXPECT_EQ(connection.read_line(deadline), "250-first");
  const TransportError error = expect_error([&] { (void)connection.read_line(deadline); });
  EXPECT_EQ(error.kind(), ErrorKind::closed);
  EXPECT_STREQ(error.what(), "connection closed by server in the middle of a line");
}

TEST(Connection, OrderlyCloseBeforeAnyData) {
  ScriptedServer server({step::close()});
  const Deadline deadline(2s);
  Connection connection = connect_plain(server.port(), deadline);
  const TransportError error = expect_error([&] { (void)connection.read_line(deadline); });
  EXPECT_EQ(error.kind(), ErrorKind::closed);
  EXPECT_STREQ(error.what(), "connection closed by server");
}

TEST(Connection, ResetIsReportedAsClosed) {
  ScriptedServer server({step::read_any(), step::reset()});
  const Deadline deadline(2s);
  Connection connection = connect_plain(server.port(), deadline);
  connection.write_all("hello\r\n", deadline);
  const TransportError error = expect_error([&] { (void)connection.read_line(deadline); });
  EXPECT_EQ(error.kind(), ErrorKind::closed);
  EXPECT_STREQ(error.what(), "connection reset by server");
}

TEST(Connection, WritingToAVanishedPeerIsAnErrorNotSigpipe) {
  ScriptedServer server({step::read_any(), step::reset()});
  const Deadline deadline(2s);
  Connection connection = connect_plain(server.port(), deadline);
  connection.write_all("hello\r\n", deadline);
  ASSERT_TRUE(server.wait_done());
  const std::string block(64 * 1024, 'z');
  const TransportError error = expect_error([&] {
    for (int i = 0; i < 100; ++i) connection.write_all(block, deadline);
  });
  EXPECT_EQ(error.kind(), ErrorKind::closed);
}

TEST(Connection, StartTlsRefusesBytesAlreadyBuffered) {
  // CVE-2011-0411: the "injected" reply arrives with the STARTTLS reply, in plain text.
  ScriptedServer server({step::send("220 ready\r\n250 injected\r\n"), step::silent()});
  const Deadline deadline(2s);
  Connection connection = connect_plain(server.port(), deadline);
  EXPECT_EQ(connection.read_line(deadline), "220 ready");
  EXPECT_EQ(connection.buffered(), 14u);
  TlsOptions options;
  options.insecure = true;
  const TransportError error = expect_error([&] { connection.start_tls(options, deadline); });
  EXPECT_EQ(error.kind(), ErrorKind::protocol);
  EXPECT_STREQ(error.what(),
               "server sent 14 unexpected bytes before the TLS handshake (possible STARTTLS command injection)");
  EXPECT_FALSE(connection.is_tls());
}

TEST(Connection, OperationsAfterCloseFailCleanly) {
  ScriptedServer server({step::send("220 hi\r\n")});
  const Deadline deadline(2s);
  Connection connection = connect_plain(server.port(), deadline);
  connection.close();
  EXPECT_EQ(expect_error([&] { (void)connection.read_line(deadline); }).kind(), ErrorKind::closed);
  EXPECT_EQ(expect_error([&] { connection.write_all("x", deadline); }).kind(), ErrorKind::closed);
}
