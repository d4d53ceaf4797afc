#include "check_mail/util/sealed.hpp"

#include <sodium.h>

#include <vector>

#include "check_mail/util/strings.hpp"

namespace check_mail::util {
namespace {

constexpr std::size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr std::size_t kTag = crypto_aead_xchacha20poly1305_ietf_ABYTES;
constexpr std::size_t kKey = crypto_aead_xchacha20poly1305_ietf_KEYBYTES;
constexpr std::string_view kLabel = "check_mail token cache v1";

bool ready() {
  static const bool initialised = sodium_init() >= 0;
  return initialised;
}

bool from_hex(std::string_view hex, std::vector<unsigned char>& out) {
  out.assign(hex.size() / 2, 0);
  if (out.empty()) return hex.empty();  // sodium_hex2bin must not get a null buffer
  std::size_t length = 0;
  return hex.size() % 2 == 0 &&
         sodium_hex2bin(out.data(), out.size(), hex.data(), hex.size(), nullptr, &length, nullptr) == 0 &&
         length == out.size();
}

// Keyed BLAKE2b: key = H(password), message = label || context. A fast derivation is enough:
// the state file is 0600 and owned by the user whose configuration holds the password.
std::vector<unsigned char> derive_key(const std::string& key_material, const std::string& context) {
  unsigned char password_hash[crypto_generichash_KEYBYTES];
  crypto_generichash(password_hash, sizeof password_hash, reinterpret_cast<const unsigned char*>(key_material.data()),
                     key_material.size(), nullptr, 0);
  std::string message = std::string(kLabel) + '\0' + context;
  std::vector<unsigned char> key(kKey);
  crypto_generichash(key.data(), key.size(), reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                     password_hash, sizeof password_hash);
  sodium_memzero(password_hash, sizeof password_hash);
  return key;
}

}  // namespace

std::string hash_hex(const std::string& data) {
  ready();
  unsigned char digest[32];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(data.data()), data.size(), nullptr, 0);
  return to_hex(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

std::optional<std::string> seal(const std::string& secret, const std::string& key_material, const std::string& context) {
  if (!ready()) return std::nullopt;
  unsigned char nonce[kNonce];
  randombytes_buf(nonce, sizeof nonce);
  auto key = derive_key(key_material, context);
  std::vector<unsigned char> cipher(secret.size() + kTag);
  unsigned long long length = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      cipher.data(), &length, reinterpret_cast<const unsigned char*>(secret.data()), secret.size(),
      reinterpret_cast<const unsigned char*>(context.data()), context.size(), nullptr, nonce, key.data());
  sodium_memzero(key.data(), key.size());
  return to_hex(std::string_view(reinterpret_cast<const char*>(nonce), sizeof nonce)) + ":" +
         to_hex(std::string_view(reinterpret_cast<const char*>(cipher.data()), static_cast<std::size_t>(length)));
}

std::optional<std::string> unseal(const std::string& box, const std::string& key_material, const std::string& context) {
  if (!ready()) return std::nullopt;
  auto parts = split(box, ':');
  std::vector<unsigned char> nonce, cipher;
  if (parts.size() != 2 || !from_hex(parts[0], nonce) || !from_hex(parts[1], cipher) || nonce.size() != kNonce ||
      cipher.size() < kTag || cipher.size() > 65536)
    return std::nullopt;
  auto key = derive_key(key_material, context);
  std::string plain(cipher.size() - kTag, '\0');
  unsigned long long length = 0;
  int rc = crypto_aead_xchacha20poly1305_ietf_decrypt(
      reinterpret_cast<unsigned char*>(plain.data()), &length, nullptr, cipher.data(), cipher.size(),
      reinterpret_cast<const unsigned char*>(context.data()), context.size(), nonce.data(), key.data());
  sodium_memzero(key.data(), key.size());
  if (rc != 0) return std::nullopt;
  plain.resize(static_cast<std::size_t>(length));
  return plain;
}

}  // namespace check_mail::util
