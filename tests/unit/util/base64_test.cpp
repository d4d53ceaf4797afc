// Base64 for SASL exchanges: RFC 4648 test vectors and strict decoding.
#include "check_mail/util/base64.hpp"

#include <gtest/gtest.h>

#include <string>

namespace check_mail::util {
namespace {

TEST(Base64, Rfc4648Vectors) {
  const std::pair<const char*, const char*> vectors[] = {{"", ""},
                                                         {"f", "Zg=="},
                                                         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},
                                                         {"foob", "Zm9vYg=="},
                                                         {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(base64_encode(plain), encoded);
    EXPECT_EQ(base64_decode(encoded), plain);
  }
}

TEST(Base64, BinaryRoundTrip) {
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  for (std::size_t n = 0; n <= all.size(); n += 37)
    EXPECT_EQ(base64_decode(base64_encode(all.substr(0, n))), all.substr(0, n));
  EXPECT_EQ(base64_encode(std::string("\0user\0pass", 10)), "AHVzZXIAcGFzcw==");  // SASL PLAIN
  EXPECT_EQ(base64_encode("\xfb\xff"), "+/8=");
}

TEST(Base64, StrictDecoding) {
  for (const char* bad :
       {"Zg", "Zg=", "Z===", "====", "Zg==Zg==", "Zm9v\n", " Zm9v", "Zm9v YmFy", "Zm-v", "Zm_v", "Zg=a", "=Zm9"})
    EXPECT_FALSE(base64_decode(bad).has_value()) << "'" << bad << "'";
}

}  // namespace
}  // namespace check_mail::util
