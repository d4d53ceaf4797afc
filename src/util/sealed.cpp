#include "check_mail/util/sealed.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <memory>
#include <vector>

#include "check_mail/util/strings.hpp"

namespace check_mail::util {
namespace {

constexpr std::size_t kSalt = 16, kNonce = 12, kTag = 16, kKey = 32;

bool from_hex(std::string_view hex, std::vector<unsigned char>& out) {
  if (hex.size() % 2) return false;
  out.clear();
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    auto nibble = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      return -1;
    };
    int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out.push_back(static_cast<unsigned char>(hi * 16 + lo));
  }
  return true;
}

// HMAC-SHA256(key_material, label || salt || context). A fast derivation is enough: the state
// file is 0600 and owned by the same user as the configuration that holds the password.
std::vector<unsigned char> derive_key(const std::string& key_material, const unsigned char* salt,
                                      const std::string& context) {
  std::string message = "check_mail token cache v1";
  message.append(reinterpret_cast<const char*>(salt), kSalt);
  message += context;
  std::vector<unsigned char> key(kKey);
  unsigned int length = kKey;
  HMAC(EVP_sha256(), key_material.data(), static_cast<int>(key_material.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), key.data(), &length);
  return key;
}

using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

}  // namespace

std::string to_hex(const unsigned char* data, std::size_t size) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out += digits[data[i] >> 4];
    out += digits[data[i] & 15];
  }
  return out;
}

std::string sha256_hex(const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  return to_hex(digest, length);
}

std::optional<std::string> seal(const std::string& secret, const std::string& key_material, const std::string& context) {
  unsigned char salt[kSalt], nonce[kNonce], tag[kTag];
  if (RAND_bytes(salt, kSalt) != 1 || RAND_bytes(nonce, kNonce) != 1) return std::nullopt;
  auto key = derive_key(key_material, salt, context);
  CipherContext ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  std::vector<unsigned char> cipher(secret.size() + kTag);
  int length = 0, final_length = 0;
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), nonce) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &length, reinterpret_cast<const unsigned char*>(context.data()),
                        static_cast<int>(context.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), cipher.data(), &length, reinterpret_cast<const unsigned char*>(secret.data()),
                        static_cast<int>(secret.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), cipher.data() + length, &final_length) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTag, tag) != 1)
    return std::nullopt;
  cipher.resize(static_cast<std::size_t>(length + final_length));
  cipher.insert(cipher.end(), tag, tag + kTag);
  return to_hex(salt, kSalt) + ":" + to_hex(nonce, kNonce) + ":" + to_hex(cipher.data(), cipher.size());
}

std::optional<std::string> unseal(const std::string& box, const std::string& key_material, const std::string& context) {
  auto parts = split(box, ':');
  std::vector<unsigned char> salt, nonce, cipher;
  if (parts.size() != 3 || !from_hex(parts[0], salt) || !from_hex(parts[1], nonce) || !from_hex(parts[2], cipher) ||
      salt.size() != kSalt || nonce.size() != kNonce || cipher.size() < kTag || cipher.size() > 65536)
    return std::nullopt;
  auto key = derive_key(key_material, salt.data(), context);
  std::size_t text_size = cipher.size() - kTag;
  std::string plain(text_size, '\0');
  CipherContext ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int length = 0, final_length = 0;
  if (!ctx || EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), nonce.data()) != 1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &length, reinterpret_cast<const unsigned char*>(context.data()),
                        static_cast<int>(context.size())) != 1 ||
      EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()), &length, cipher.data(),
                        static_cast<int>(text_size)) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTag, cipher.data() + text_size) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()) + length, &final_length) != 1)
    return std::nullopt;
  plain.resize(static_cast<std::size_t>(length + final_length));
  return plain;
}

}  // namespace check_mail::util
