#pragma once
// The access token cache between runs: one small JSON file per grant identity, {"access_token",
// "expires_on"}, mode 0600, written atomically (O_EXCL temporary file and rename, through
// util::write_file_atomically) in a directory only this user can write. A cache that is
// missing, corrupt, foreign, expired or not private is ignored, never trusted.
#include <optional>
#include <string>
#include <string_view>

namespace check_mail::oauth {

struct CachedToken {
  std::string access_token;
  long long expires_on = 0;  // epoch seconds after which the token is not used
};

// The file content for a token, and the token back from a content (nullopt when malformed, the
// token unfit for a SASL message, or expired at `now`).
[[nodiscard]] std::string token_cache_content(const CachedToken& token);
[[nodiscard]] std::optional<CachedToken> token_from_cache_content(std::string_view content, long long now);

// When a token issued now with this lifetime stops being used: a margin before the issuer's
// expiry (a tenth of the lifetime, at most a minute), so that it does not expire mid-check.
// nullopt when the lifetime is unknown or too short to cache.
[[nodiscard]] std::optional<long long> cache_until(long long now, long long expires_in);

// The default cache directory: $XDG_CACHE_HOME/check_mail, else $HOME/.cache/check_mail, else
// /tmp/check_mail-<uid>.
[[nodiscard]] std::string default_cache_directory();

class TokenCache {
public:
  // directory: where the files live (created 0700 when missing); identity: everything that
  // designates one grant (the file name is its hash, so nothing leaks into directory listings).
  TokenCache(std::string directory, const std::string& identity);

  // The unexpired token, or nullopt.
  [[nodiscard]] std::optional<CachedToken> load(long long now) const;
  // Stores a token; returns why it could not, or nullopt.
  std::optional<std::string> store(const CachedToken& token) const;
  // Removes the file (a token the server refused).
  void forget() const;

  [[nodiscard]] const std::string& path() const { return path_; }

private:
  // Why the directory cannot hold secrets (a symlink, not ours, writable by others), or nullopt;
  // creates it when missing.
  [[nodiscard]] std::optional<std::string> private_directory_problem(bool create) const;

  std::string directory_;
  std::string path_;
};

}  // namespace check_mail::oauth
