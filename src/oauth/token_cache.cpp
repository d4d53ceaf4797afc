#include "check_mail/oauth/token_cache.hpp"

#include <algorithm>

#include "check_mail/oauth/token_endpoint.hpp"
#include "check_mail/util/digest.hpp"

namespace check_mail::oauth {

std::optional<long long> cache_until(long long now, long long expires_in) {
  if (expires_in <= 1) return std::nullopt;
  const long long margin = std::min(60LL, std::max(1LL, expires_in / 10));
  return now + expires_in - margin;
}

util::TokenCache access_token_cache(const std::string& directory, const std::string& identity) {
  return {directory, "oauth_" + util::sha256_hex(identity).substr(0, 32) + ".json",
          util::CacheDirectory::private_to_user, kMaxAccessTokenBytes};
}

}  // namespace check_mail::oauth
