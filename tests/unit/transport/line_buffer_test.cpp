#include "check_mail/net/line_buffer.hpp"

#include <gtest/gtest.h>

#include <cstring>

#include "check_mail/net/error.hpp"

using namespace check_mail::transport;

namespace {

void feed(LineBuffer& buffer, std::string_view bytes) {
  const auto space = buffer.prepare(bytes.size());
  std::memcpy(space.data(), bytes.data(), bytes.size());
  buffer.commit(bytes.size());
}

}  // namespace

TEST(LineBuffer, SplitsLinesAcrossReads) {
  LineBuffer buffer(100);
  feed(buffer, "220 hel");
  EXPECT_FALSE(buffer.take_line());
  feed(buffer, "lo\r\n250-a\n250 b\r");
  EXPECT_EQ(buffer.take_line(), "220 hello");
  EXPECT_EQ(buffer.take_line(), "250-a");
  EXPECT_FALSE(buffer.take_line());
  feed(buffer, "\n");
  EXPECT_EQ(buffer.take_line(), "250 b");
  EXPECT_EQ(buffer.size(), 0u);
}

TEST(LineBuffer, PartialPrepareIsCommittedExactly) {
  LineBuffer buffer(100);
  const auto space = buffer.prepare(50);
  std::memcpy(space.data(), "ok\r\n", 4);
  buffer.commit(4);
  EXPECT_EQ(buffer.size(), 4u);
  EXPECT_EQ(buffer.take_line(), "ok");
}

TEST(LineBuffer, LongLineFailsBeforeItsEnd) {
  LineBuffer buffer(10);
  feed(buffer, "0123456789");
  EXPECT_FALSE(buffer.take_line());  // exactly the limit, CR may follow
  feed(buffer, "ab");
  try {
    (void)buffer.take_line();
    FAIL();
  } catch (const TransportError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::too_long);
    EXPECT_STREQ(e.what(), "server sent a line longer than 10 bytes");
  }
}

TEST(LineBuffer, LineAtLimitWithTerminatorIsAccepted) {
  LineBuffer buffer(10);
  feed(buffer, "0123456789\r\n");
  EXPECT_EQ(buffer.take_line(), "0123456789");
}

TEST(LineBuffer, CompleteButTooLongLineFails) {
  LineBuffer buffer(4);
  feed(buffer, "123456\r\n");
  EXPECT_THROW((void)buffer.take_line(), TransportError);
}

TEST(LineBuffer, TakeBytesForLiterals) {
  LineBuffer buffer(100);
  feed(buffer, "{5}\r\nhelloREST\r\n");
  EXPECT_EQ(buffer.take_line(), "{5}");
  EXPECT_EQ(buffer.take_bytes(5), "hello");
  EXPECT_EQ(buffer.take_line(), "REST");
}

TEST(LineBuffer, ManySmallLinesKeepMemoryBounded) {
  LineBuffer buffer(1000);
  for (int i = 0; i < 10000; ++i) {
    feed(buffer, "250-some capability line\r\n");
    EXPECT_EQ(buffer.take_line(), "250-some capability line");
  }
  EXPECT_LT(buffer.high_water(), 4096u);
}
