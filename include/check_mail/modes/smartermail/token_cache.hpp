#pragma once
// The SmarterMail API token between runs, kept as Centreon's plugin keeps it: the bearer token
// and its expiry, plain JSON, nothing derived from the password. The file is the running
// user's own (mode 0600, written atomically, never through a symlink) in a private directory
// by default; one not owned by the running user is ignored.
#include <optional>
#include <string>
#include <string_view>

namespace check_mail::modes::smartermail {

// A bearer token fit for a request header: non-empty, bounded, printable ASCII without spaces.
bool usable_token(std::string_view token);

// The cache file's content for a token, and the token back from a content: nullopt when
// corrupt, truncated, of another shape, unfit for an HTTP header, or expired at `now`.
std::string token_cache_content(const std::string& token, long long expires_on);
std::optional<std::string> token_from_cache(std::string_view content, long long now);

class TokenCache {
public:
  // directory: --statefile-dir, or empty for the user's private cache directory (created 0700).
  // account: everything that designates one API account; the file name is its SHA-256, so no
  // user or host name shows in directory listings. suffix: --statefile-suffix.
  TokenCache(std::string directory, const std::string& account, const std::string& suffix);

  // The cached token if the file is ours, intact and unexpired; why not in *note (for --debug).
  std::optional<std::string> load(long long now, std::string* note) const;
  // Stores the token; an error message when it could not (the check goes on without a cache).
  std::optional<std::string> store(const std::string& token, long long expires_on) const;
  // Removes a token the server refused (only our own file: unlink in a sticky directory fails
  // for another user's).
  void forget() const;

  const std::string& path() const { return path_; }

private:
  std::string directory_;
  bool private_default_ = false;
  std::string path_;
};

}  // namespace check_mail::modes::smartermail
