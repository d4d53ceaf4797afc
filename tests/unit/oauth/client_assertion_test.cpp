#include "check_mail/oauth/client_assertion.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <string>

#include "check_mail/util/base64.hpp"

using namespace check_mail;

namespace {

std::string base64url_decode(std::string text) {
  for (char& c : text) {
    if (c == '-')
      c = '+';
    else if (c == '_')
      c = '/';
  }
  while (text.size() % 4 != 0) text += '=';
  return util::base64_decode(text).value_or("<bad base64>");
}

std::vector<std::string> split_jwt(const std::string& jwt) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t dot; (dot = jwt.find('.', start)) != std::string::npos; start = dot + 1)
    parts.push_back(jwt.substr(start, dot - start));
  parts.push_back(jwt.substr(start));
  return parts;
}

// A self-signed RSA certificate and its key in one PEM file.
struct RsaCredential {
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  std::string path;
  RsaCredential() {
    key = EVP_RSA_gen(2048);
    cert = X509_new();
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), 0);
    X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
    X509_set_pubkey(cert, key);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(cert), "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("check_mail test app"), -1, -1, 0);
    X509_set_issuer_name(cert, X509_get_subject_name(cert));
    X509_sign(cert, key, EVP_sha256());
    char pattern[] = "/tmp/cm-assertion.XXXXXX";
    int fd = ::mkstemp(pattern);
    path = pattern;
    FILE* file = ::fdopen(fd, "w");
    PEM_write_X509(file, cert);
    PEM_write_PrivateKey(file, key, nullptr, nullptr, 0, nullptr, nullptr);
    std::fclose(file);
  }
  ~RsaCredential() {
    ::unlink(path.c_str());
    X509_free(cert);
    EVP_PKEY_free(key);
  }
};

}  // namespace

TEST(ClientAssertion, Base64UrlHasNoPadding) {
  EXPECT_EQ(oauth::base64url("\xfb\xff"), "-_8");
  EXPECT_EQ(oauth::base64url("ab"), "YWI");
}

TEST(ClientAssertion, SignedRs256JwtWithThumbprintAndClaims) {
  RsaCredential credential;
  const std::string jwt =
      oauth::client_assertion_jwt(credential.path, "", "client-1", "https://idp/token", 1'700'000'000);
  const auto parts = split_jwt(jwt);
  ASSERT_EQ(parts.size(), 3u);

  const auto header = nlohmann::json::parse(base64url_decode(parts[0]));
  EXPECT_EQ(header["alg"], "RS256");
  EXPECT_EQ(header["typ"], "JWT");
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  X509_digest(credential.cert, EVP_sha256(), digest, &size);
  EXPECT_EQ(header["x5t#S256"], oauth::base64url({reinterpret_cast<const char*>(digest), size}));

  const auto claims = nlohmann::json::parse(base64url_decode(parts[1]));
  EXPECT_EQ(claims["aud"], "https://idp/token");
  EXPECT_EQ(claims["iss"], "client-1");
  EXPECT_EQ(claims["sub"], "client-1");
  EXPECT_EQ(claims["nbf"], 1'700'000'000);
  EXPECT_EQ(claims["exp"], 1'700'000'300);
  EXPECT_EQ(claims["jti"].get<std::string>().size(), 32u);

  const std::string input = parts[0] + "." + parts[1];
  const std::string signature = base64url_decode(parts[2]);
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  ASSERT_EQ(EVP_DigestVerifyInit(context, nullptr, EVP_sha256(), nullptr, credential.key), 1);
  EXPECT_EQ(EVP_DigestVerify(context, reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                             reinterpret_cast<const unsigned char*>(input.data()), input.size()),
            1);
  EVP_MD_CTX_free(context);

  // Each assertion is unique (jti).
  EXPECT_NE(oauth::client_assertion_jwt(credential.path, "", "client-1", "https://idp/token", 1'700'000'000), jwt);
}

TEST(ClientAssertion, MissingOrUnusableFilesNameTheFile) {
  try {
    (void)oauth::client_assertion_jwt("/nonexistent/cert.pem", "", "c", "u", 0);
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/cert.pem"), std::string::npos);
  }
}
