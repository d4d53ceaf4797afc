#include "check_mail/oauth/client_assertion.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include <nlohmann/json.hpp>

#include <memory>
#include <stdexcept>

#include "check_mail/util/base64.hpp"
#include "check_mail/util/strings.hpp"

namespace check_mail::oauth {
namespace {

template <typename T, void (*Free)(T*)>
struct FreeWith {
  void operator()(T* p) const noexcept { Free(p); }
};
// One deleter type per (T, Free): a lambda in decltype would be a new type at every use.
template <typename T, void (*Free)(T*)>
using Owned = std::unique_ptr<T, FreeWith<T, Free>>;

Owned<BIO, BIO_free_all> open_file(const std::string& path) {
  Owned<BIO, BIO_free_all> bio(BIO_new_file(path.c_str(), "r"));
  if (!bio) throw std::runtime_error("Cannot read the OAuth client certificate file '" + path + "'");
  return bio;
}

// No pass phrase is asked for: an encrypted key fails here rather than prompting.
int no_passphrase(char*, int, int, void*) { return -1; }

}  // namespace

std::string base64url(std::string_view bytes) {
  std::string text = util::base64_encode(bytes);
  while (!text.empty() && text.back() == '=') text.pop_back();
  for (char& c : text) {
    if (c == '+')
      c = '-';
    else if (c == '/')
      c = '_';
  }
  return text;
}

std::string client_assertion_jwt(const std::string& certificate_file, const std::string& key_file,
                                 std::string_view client_id, std::string_view token_url, long long now) {
  auto cert_bio = open_file(certificate_file);
  Owned<X509, X509_free> certificate(PEM_read_bio_X509(cert_bio.get(), nullptr, no_passphrase, nullptr));
  if (!certificate)
    throw std::runtime_error("No PEM certificate in the OAuth client certificate file '" + certificate_file + "'");
  const std::string& key_path = key_file.empty() ? certificate_file : key_file;
  auto key_bio = open_file(key_path);
  Owned<EVP_PKEY, EVP_PKEY_free> key(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, no_passphrase, nullptr));
  if (!key) throw std::runtime_error("No unencrypted PEM private key in '" + key_path + "'");
  if (EVP_PKEY_base_id(key.get()) != EVP_PKEY_RSA)
    throw std::runtime_error("The OAuth client key in '" + key_path + "' is not an RSA key (RS256 needs one)");
  if (X509_check_private_key(certificate.get(), key.get()) != 1)
    throw std::runtime_error("The OAuth client key in '" + key_path + "' does not match the certificate");

  unsigned char thumbprint[EVP_MAX_MD_SIZE];
  unsigned int thumbprint_size = 0;
  X509_digest(certificate.get(), EVP_sha256(), thumbprint, &thumbprint_size);
  unsigned char nonce[16];
  if (RAND_bytes(nonce, sizeof nonce) != 1) throw std::runtime_error("No random bytes for the OAuth client assertion");

  const nlohmann::json header = {{"alg", "RS256"},
                                 {"typ", "JWT"},
                                 {"x5t#S256", base64url({reinterpret_cast<const char*>(thumbprint), thumbprint_size})}};
  const nlohmann::json claims = {
      {"aud", token_url}, {"iss", client_id},
      {"sub", client_id}, {"jti", util::to_hex({reinterpret_cast<const char*>(nonce), sizeof nonce})},
      {"nbf", now},       {"iat", now},
      {"exp", now + 300}};
  const std::string signing_input = base64url(header.dump()) + "." + base64url(claims.dump());

  Owned<EVP_MD_CTX, EVP_MD_CTX_free> context(EVP_MD_CTX_new());
  std::size_t signature_size = 0;
  const auto* input = reinterpret_cast<const unsigned char*>(signing_input.data());
  if (!context || EVP_DigestSignInit(context.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1 ||
      EVP_DigestSign(context.get(), nullptr, &signature_size, input, signing_input.size()) != 1)
    throw std::runtime_error("Cannot sign the OAuth client assertion with the key in '" + key_path + "'");
  std::string signature(signature_size, '\0');
  if (EVP_DigestSign(context.get(), reinterpret_cast<unsigned char*>(signature.data()), &signature_size, input,
                     signing_input.size()) != 1)
    throw std::runtime_error("Cannot sign the OAuth client assertion with the key in '" + key_path + "'");
  signature.resize(signature_size);
  return signing_input + "." + base64url(signature);
}

}  // namespace check_mail::oauth
