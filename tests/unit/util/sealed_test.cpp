// Sealing the cached API token: round trip, and refusal of anything tampered with or opened with
// another key or context.
#include "check_mail/util/sealed.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "check_mail/util/strings.hpp"

namespace check_mail::util {
namespace {

const std::string kToken = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJtb25pdG9yIn0.c2lnbmF0dXJl";
const std::string kPassword = "s3cret-pass";
const std::string kContext = "https://mail.example.com:443/api/v1|monitor";

std::string sealed(const std::string& secret = kToken) {
  auto box = seal(secret, kPassword, kContext);
  EXPECT_TRUE(box.has_value());
  return box.value_or("");
}

// Flips one bit of the hex digit at position i (keeping it a lowercase hex digit).
std::string flip_hex_digit(std::string box, std::size_t i) {
  const std::string digits = "0123456789abcdef";
  auto value = digits.find(box[i]);
  box[i] = digits[value ^ 1];
  return box;
}

TEST(Sealed, RoundTrip) {
  std::string box = sealed();
  EXPECT_EQ(box.find(kToken), std::string::npos) << "the token is not in the clear";
  EXPECT_EQ(unseal(box, kPassword, kContext), kToken);
}

TEST(Sealed, RoundTripOfUnusualSecrets) {
  for (const std::string& secret : {std::string(), std::string("x"), std::string("a:b:c"), std::string("\0\xff\n", 3),
                                    std::string(4096, 'k'), std::string("päss€")}) {
    auto box = seal(secret, kPassword, kContext);
    ASSERT_TRUE(box.has_value());
    EXPECT_EQ(unseal(*box, kPassword, kContext), secret);
  }
  auto empty_key = seal(kToken, "", "");
  ASSERT_TRUE(empty_key.has_value());
  EXPECT_EQ(unseal(*empty_key, "", ""), kToken);
}

TEST(Sealed, BoxIsOneLineOfHexFields) {
  std::string box = sealed();
  EXPECT_EQ(box.find_first_not_of("0123456789abcdef:"), std::string::npos) << box;
  auto parts = split(box, ':');
  EXPECT_GE(parts.size(), 2u);
  for (const auto& part : parts) EXPECT_FALSE(part.empty());
}

TEST(Sealed, EverySealIsFresh) {
  std::set<std::string> boxes;
  for (int i = 0; i < 20; ++i) boxes.insert(sealed());
  EXPECT_EQ(boxes.size(), 20u) << "a random nonce makes every box different";
}

TEST(Sealed, WrongKeyOrContextIsRefused) {
  std::string box = sealed();
  EXPECT_FALSE(unseal(box, "s3cret-pasS", kContext).has_value());
  EXPECT_FALSE(unseal(box, "", kContext).has_value());
  EXPECT_FALSE(unseal(box, kPassword + " ", kContext).has_value());
  EXPECT_FALSE(unseal(box, kPassword, "https://mail.example.com:8443/api/v1|monitor").has_value());
  EXPECT_FALSE(unseal(box, kPassword, "").has_value());
  EXPECT_FALSE(unseal(box, kContext, kPassword).has_value());
}

TEST(Sealed, AnyFlippedBitIsRefused) {
  std::string box = sealed();
  for (std::size_t i = 0; i < box.size(); ++i) {
    if (box[i] == ':') continue;
    EXPECT_FALSE(unseal(flip_hex_digit(box, i), kPassword, kContext).has_value()) << "digit " << i;
  }
}

TEST(Sealed, MalformedBoxesAreRefused) {
  std::string box = sealed();
  auto colon = box.rfind(':');
  const std::string cases[] = {
      "",
      ":",
      "::",
      "not hex at all",
      box.substr(0, box.size() - 2),                      // truncated tag
      box.substr(0, box.size() - 1),                      // odd length
      box + "00",                                         // appended byte
      box + ":00",                                        // extra field
      box.substr(colon + 1),                              // no nonce
      box.substr(0, colon),                               // no ciphertext
      box.substr(0, colon + 1),                           // empty ciphertext
      box.substr(0, colon) + ":" + std::string(10, '0'),  // ciphertext shorter than a tag
      "zz" + box.substr(2),                               // not hex
      box.substr(2),                                      // short nonce
      std::string(box.size(), '0'),
  };
  for (const std::string& bad : cases) EXPECT_FALSE(unseal(bad, kPassword, kContext).has_value()) << "'" << bad << "'";
}

TEST(Sealed, BoxesDoNotMixBetweenContexts) {
  std::string a = *seal("token-a", kPassword, "context-a");
  std::string b = *seal("token-b", kPassword, "context-b");
  EXPECT_EQ(unseal(a, kPassword, "context-a"), "token-a");
  EXPECT_EQ(unseal(b, kPassword, "context-b"), "token-b");
  EXPECT_FALSE(unseal(a, kPassword, "context-b").has_value());
  EXPECT_FALSE(unseal(b, kPassword, "context-a").has_value());
}

TEST(Sealed, HashHexIsBlake2b256) {
  EXPECT_EQ(hash_hex("abc"), "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
  EXPECT_EQ(hash_hex(""), "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
  EXPECT_NE(hash_hex("a"), hash_hex("b"));
}

TEST(Sealed, ToHex) {
  const unsigned char bytes[] = {0x00, 0x01, 0x7f, 0x80, 0xab, 0xff};
  EXPECT_EQ(check_mail::util::to_hex(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes)), "00017f80abff");
  EXPECT_EQ(check_mail::util::to_hex(std::string_view()), "");
}

}  // namespace
}  // namespace check_mail::util
