#include "check_mail/util/digest.hpp"

#include <openssl/evp.h>

#include "check_mail/util/strings.hpp"

namespace check_mail::util {

std::string sha256_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr) != 1) length = 0;
  return to_hex(std::string_view(reinterpret_cast<const char*>(digest), length));
}

}  // namespace check_mail::util
