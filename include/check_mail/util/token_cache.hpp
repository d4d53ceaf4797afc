#pragma once
// A short-lived bearer token kept between runs, as Centreon's plugins keep theirs: the token and
// its expiry in one small JSON file, {"access_token":"...","expires_on":<epoch seconds>}, nothing
// derived from a password. The file is written atomically with mode 0600 (write_file_atomically:
// an O_EXCL temporary file, then rename, never through a symlink) and read only when the path
// itself is a regular file of the running user that nobody else can read. A cache that is
// missing, damaged, expired or not trusted is ignored; one that cannot be written costs a new
// token on the next run, not the check. Its users name the file and bound the token: the
// SmarterMail API token (modes/smartermail/token_cache.hpp) and the OAuth access tokens
// (oauth/token_cache.hpp).
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace check_mail::util {

struct CachedToken {
  std::string access_token;
  long long expires_on = 0;  // epoch seconds from which the token is not used
};

// A bearer token fit to be sent: non-empty, at most max_bytes, printable ASCII without spaces
// (anything else could split an HTTP header or a SASL message, or smuggle another line in).
[[nodiscard]] bool usable_bearer_token(std::string_view token, std::size_t max_bytes);

// The file content for a token, and the token back from a content: nullopt when corrupt,
// truncated, of another shape, the token not usable (max_token_bytes), or expired at `now`.
// expires_on may be any JSON number (written by another program, a fraction); it is written whole.
[[nodiscard]] std::string token_cache_content(const CachedToken& token);
[[nodiscard]] std::optional<CachedToken> token_from_cache_content(std::string_view content, long long now,
                                                                  std::size_t max_token_bytes);

// The directory a cache keeps its file in.
enum class CacheDirectory {
  // As given, perhaps shared (SmarterMail's --statefile-dir: /tmp, Centreon's centplugins):
  // neither created nor checked; the file's own checks protect the token.
  as_given,
  // The user's own: created 0700 (with missing parents) before a write; a symbolic link,
  // another user's directory or one others can write is neither written nor read.
  private_to_user,
};

class TokenCache {
public:
  // file_name: the user's key for one token (a hash, so no user or host name shows in directory
  // listings); max_token_bytes: the longest token the user may send.
  TokenCache(std::string directory, const std::string& file_name, CacheDirectory kind, std::size_t max_token_bytes);

  // The cached token when the file is trusted, intact and unexpired at `now`; why not in *why_not.
  [[nodiscard]] std::optional<CachedToken> load(long long now, std::string* why_not = nullptr) const;
  // Stores a token; why it could not, or nullopt (the check goes on without a cache).
  std::optional<std::string> store(const CachedToken& token) const;
  // Removes a token the server refused; only the user's own file (unlink in a sticky directory
  // fails for another user's anyway).
  void forget() const;

  [[nodiscard]] const std::string& path() const { return path_; }

private:
  std::string directory_;
  std::string path_;
  CacheDirectory kind_;
  std::size_t max_token_bytes_;
};

}  // namespace check_mail::util
