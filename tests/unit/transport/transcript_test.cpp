#include "check_mail/protocol/transcript.hpp"

#include <gtest/gtest.h>

using namespace check_mail::transport;

TEST(Transcript, FormatsDirectionsAndTimestamps) {
  Transcript transcript(Deadline::Clock::now());
  transcript.client("EHLO me");
  transcript.server("250 ok");
  transcript.info("TLS established");
  ASSERT_EQ(transcript.entries().size(), 3u);
  const std::string text = transcript.to_string();
  EXPECT_NE(text.find("] C: EHLO me\n"), std::string::npos) << text;
  EXPECT_NE(text.find("] S: 250 ok\n"), std::string::npos);
  EXPECT_NE(text.find("] * TLS established\n"), std::string::npos);
  EXPECT_EQ(text.rfind("[   0.00", 0), 0u);
  EXPECT_GE(transcript.entries()[1].seconds, transcript.entries()[0].seconds);
}

TEST(Transcript, EscapesControlBytesAndCutsLongLines) {
  Transcript transcript(Deadline::Clock::now());
  transcript.server(std::string("bad\x1b[2Jline\0", 12));
  transcript.server(std::string(10000, 'x'));
  EXPECT_EQ(transcript.entries()[0].text, "bad\\x1B[2Jline\\x00");
  EXPECT_LT(transcript.entries()[1].text.size(), Transcript::max_text + 40);
  EXPECT_NE(transcript.entries()[1].text.find("... (10000 bytes)"), std::string::npos);
}

TEST(Transcript, BoundsTheNumberOfEntries) {
  Transcript transcript(Deadline::Clock::now());
  for (std::size_t i = 0; i < Transcript::max_entries + 10; ++i) transcript.server("250-x");
  EXPECT_EQ(transcript.entries().size(), Transcript::max_entries);
  EXPECT_EQ(transcript.dropped(), 10u);
  EXPECT_NE(transcript.to_string().find("(10 more transcript lines dropped)"), std::string::npos);
}
