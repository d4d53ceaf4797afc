#include "check_mail/util/base64.hpp"

#include <gtest/gtest.h>

using check_mail::util::base64_decode;
using check_mail::util::base64_encode;

TEST(Base64, EncodesRfc4648Vectors) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
  EXPECT_EQ(base64_encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
}

TEST(Base64, DecodesRfc4648Vectors) {
  EXPECT_EQ(base64_decode(""), "");
  EXPECT_EQ(base64_decode("Zg=="), "f");
  EXPECT_EQ(base64_decode("Zm8="), "fo");
  EXPECT_EQ(base64_decode("Zm9vYmFy"), "foobar");
}

TEST(Base64, RoundTripsAllByteValues) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  for (std::size_t n = 0; n <= bytes.size(); n += 37) {
    const std::string part = bytes.substr(0, n);
    EXPECT_EQ(base64_decode(base64_encode(part)), part);
  }
}

TEST(Base64, RejectsMalformedInput) {
  EXPECT_FALSE(base64_decode("Zg="));        // not a multiple of four
  EXPECT_FALSE(base64_decode("Z==="));       // padding too early
  EXPECT_FALSE(base64_decode("Zg==Zg=="));   // padding before the end
  EXPECT_FALSE(base64_decode("Zm9v YmFy"));  // whitespace
  EXPECT_FALSE(base64_decode("Zm9*"));       // outside the alphabet
  EXPECT_FALSE(base64_decode("Zg=a"));       // data after padding
}
