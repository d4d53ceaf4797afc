#pragma once
// The SmarterMail API token between runs, kept as Centreon's plugin keeps it (util::TokenCache):
// the bearer token and its expiry, plain JSON, nothing derived from the password. What is
// SmarterMail's own: the file name (one per API account), the directory (--statefile-dir as
// given, like Centreon's, else the user's private cache directory) and the token's bound.
#include <cstddef>
#include <string>
#include <string_view>

#include "check_mail/util/token_cache.hpp"

namespace check_mail::modes::smartermail {

// The longest API token sent in an Authorization header.
inline constexpr std::size_t kMaxTokenBytes = 8192;

// A bearer token fit for a request header: non-empty, bounded, printable ASCII without spaces.
[[nodiscard]] inline bool usable_token(std::string_view token) {
  return util::usable_bearer_token(token, kMaxTokenBytes);
}

// The cache of one API account's token. directory: --statefile-dir, used as given, or empty for
// the user's private cache directory (util::user_cache_directory(), created 0700). account:
// everything that designates one API account; the file name is its SHA-256, so no user or host
// name shows in directory listings. suffix: --statefile-suffix.
[[nodiscard]] util::TokenCache api_token_cache(const std::string& directory, const std::string& account,
                                               const std::string& suffix);

}  // namespace check_mail::modes::smartermail
