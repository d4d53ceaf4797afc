#pragma once
// The access token cache between runs (util::TokenCache): one small JSON file per grant
// identity, {"access_token", "expires_on"}, mode 0600, written atomically, in a directory only
// this user can write. What is OAuth's own: the file name (one per grant), the directory (always
// private), how long a token is kept and the token's bound. A cache that is missing, corrupt,
// foreign, expired or not private is ignored, never trusted.
#include <optional>
#include <string>

#include "check_mail/util/token_cache.hpp"

namespace check_mail::oauth {

// When a token issued now with this lifetime stops being used: a margin before the issuer's
// expiry (a tenth of the lifetime, at most a minute), so that it does not expire mid-check.
// nullopt when the lifetime is unknown or too short to cache.
[[nodiscard]] std::optional<long long> cache_until(long long now, long long expires_in);

// The cache of one grant's token. directory: where the files live (created 0700 when missing,
// refused when not private); identity: everything that designates one grant (the file name is
// its hash, so nothing leaks into directory listings).
[[nodiscard]] util::TokenCache access_token_cache(const std::string& directory, const std::string& identity);

}  // namespace check_mail::oauth
