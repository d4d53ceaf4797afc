// The lazy OpenSSL stubs (cmake/openssl-lazy-stubs.sh, src/transport/openssl_lazy/): nothing of
// OpenSSL is mapped before the first call, and a function's first call (the one that goes
// through the binding trampoline) reaches it with every argument intact: integer registers,
// arguments on the stack, and the vector registers and %al of a variadic call. Each test runs
// in its own process (gtest_discover_tests), so each sees a fresh, unbound set of stubs.
#include <gtest/gtest.h>
#include <link.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <string>
#include <string_view>

#include "check_mail/transport/tls.hpp"

namespace check_mail {
namespace {

bool is_mapped(std::string_view library) {
  struct Search {
    std::string_view library;
    bool found = false;
  } search{library};
  dl_iterate_phdr(
      [](dl_phdr_info* info, std::size_t, void* data) {
        auto* s = static_cast<Search*>(data);
        if (info->dlpi_name != nullptr && std::string_view(info->dlpi_name).find(s->library) != std::string_view::npos)
          s->found = true;
        return 0;
      },
      &search);
  return search.found;
}

std::string hex(const unsigned char* data, std::size_t size) {
  static const char digits[] = "0123456789abcdef";
  std::string text;
  for (std::size_t i = 0; i < size; ++i) {
    text += digits[data[i] >> 4];
    text += digits[data[i] & 15];
  }
  return text;
}

TEST(LazyOpenSsl, NothingIsMappedBeforeTheFirstCall) {
  EXPECT_FALSE(is_mapped("libcrypto.so"));
  EXPECT_FALSE(is_mapped("libssl.so"));
  EXPECT_NE(OpenSSL_version_num(), 0UL);
  EXPECT_TRUE(is_mapped("libcrypto.so"));
  EXPECT_TRUE(is_mapped("libssl.so"));  // both are bound together
}

TEST(LazyOpenSsl, SessionsLoadTheLibraryBeforeTheirClockStarts) {
  // What the SMTP, IMAP and POP3 sessions call when they will speak TLS: afterwards the
  // handshake's first OpenSSL call no longer includes mapping the libraries.
  ASSERT_FALSE(is_mapped("libssl.so"));
  transport::load_tls_library();
  EXPECT_TRUE(is_mapped("libssl.so"));
  EXPECT_TRUE(is_mapped("libcrypto.so"));
}

TEST(LazyOpenSsl, StackArgumentsSurviveTheFirstCall) {
  // Eight arguments: the last two are on the stack. RFC 6070, test vector 2.
  unsigned char key[20];
  const unsigned char salt[] = {'s', 'a', 'l', 't'};
  ASSERT_EQ(PKCS5_PBKDF2_HMAC("password", 8, salt, sizeof salt, 2, EVP_sha1(), sizeof key, key), 1);
  EXPECT_EQ(hex(key, sizeof key), "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957");
}

TEST(LazyOpenSsl, VariadicFirstCallKeepsVectorRegisters) {
  // Doubles of a variadic call travel in %xmm0.. with their count in %al.
  char text[64];
  ASSERT_GT(BIO_snprintf(text, sizeof text, "%s|%d|%.3f|%.1f|%ld", "abc", 42, 3.25, -1.5, 1L << 40), 0);
  EXPECT_STREQ(text, "abc|42|3.250|-1.5|1099511627776");
}

TEST(LazyOpenSsl, LaterCallsGiveTheSameResults) {
  for (int round = 0; round < 3; ++round) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    ASSERT_EQ(EVP_Digest("abc", 3, digest, &length, EVP_sha256(), nullptr), 1) << round;
    EXPECT_EQ(hex(digest, length), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad") << round;
  }
}

}  // namespace
}  // namespace check_mail
