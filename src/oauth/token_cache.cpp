#include "check_mail/oauth/token_cache.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "check_mail/util/digest.hpp"
#include "check_mail/util/files.hpp"

namespace check_mail::oauth {
namespace {

bool usable_token(std::string_view token) {
  return !token.empty() && token.size() <= 16384 &&
         std::all_of(token.begin(), token.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

// Owned by this user and not writable by anyone else: nobody else can plant or swap a file.
std::optional<std::string> not_private(const struct stat& st, bool directory) {
  if (directory ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode))
    return std::string(directory ? "not a directory" : "not a regular file");
  if (st.st_uid != ::geteuid()) return std::string("owned by another user");
  if ((st.st_mode & (directory ? 022 : 077)) != 0)
    return std::string(directory ? "writable by other users" : "readable by other users");
  return std::nullopt;
}

}  // namespace

std::string token_cache_content(const CachedToken& token) {
  return nlohmann::json{{"access_token", token.access_token}, {"expires_on", token.expires_on}}.dump() + "\n";
}

std::optional<CachedToken> token_from_cache_content(std::string_view content, long long now) {
  if (content.size() > 64 * 1024) return std::nullopt;
  const nlohmann::json value = nlohmann::json::parse(content, nullptr, false);
  if (value.is_discarded() || !value.is_object()) return std::nullopt;
  const auto token = value.find("access_token");
  const auto expires = value.find("expires_on");
  if (token == value.end() || !token->is_string() || expires == value.end() || !expires->is_number_integer())
    return std::nullopt;
  CachedToken cached{token->get<std::string>(), expires->get<long long>()};
  if (!usable_token(cached.access_token) || cached.expires_on <= now) return std::nullopt;
  return cached;
}

std::optional<long long> cache_until(long long now, long long expires_in) {
  if (expires_in <= 1) return std::nullopt;
  const long long margin = std::min(60LL, std::max(1LL, expires_in / 10));
  return now + expires_in - margin;
}

std::string default_cache_directory() {
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && xdg[0] == '/')
    return std::string(xdg) + "/check_mail";
  if (const char* home = std::getenv("HOME"); home != nullptr && home[0] == '/' && std::string_view(home) != "/")
    return std::string(home) + "/.cache/check_mail";
  return "/tmp/check_mail-" + std::to_string(::geteuid());
}

TokenCache::TokenCache(std::string directory, const std::string& identity)
    : directory_(std::move(directory)),
      path_(directory_ + "/oauth_" + util::sha256_hex(identity).substr(0, 32) + ".json") {}

std::optional<std::string> TokenCache::private_directory_problem(bool create) const {
  struct stat st {};
  if (::lstat(directory_.c_str(), &st) != 0) {
    if (errno != ENOENT || !create) return std::string(std::strerror(errno));
    // The parent (~/.cache) may be missing too; it is made with the usual private mode.
    const auto slash = directory_.rfind('/');
    if (slash != std::string::npos && slash > 0) ::mkdir(directory_.substr(0, slash).c_str(), 0700);
    if (::mkdir(directory_.c_str(), 0700) != 0 && errno != EEXIST) return std::string(std::strerror(errno));
    if (::lstat(directory_.c_str(), &st) != 0) return std::string(std::strerror(errno));
  }
  if (S_ISLNK(st.st_mode)) return std::string("a symbolic link");
  return not_private(st, true);
}

std::optional<CachedToken> TokenCache::load(long long now) const {
  if (private_directory_problem(false)) return std::nullopt;
  struct stat st {};
  if (::lstat(path_.c_str(), &st) != 0 || not_private(st, false)) return std::nullopt;
  std::string error;
  const auto content = util::read_file(path_, 64 * 1024, &error, true);
  if (!content) return std::nullopt;
  return token_from_cache_content(*content, now);
}

std::optional<std::string> TokenCache::store(const CachedToken& token) const {
  if (auto problem = private_directory_problem(true)) return "cache directory " + directory_ + ": " + *problem;
  if (auto error = util::write_file_atomically(path_, token_cache_content(token))) return path_ + ": " + *error;
  return std::nullopt;
}

void TokenCache::forget() const { ::unlink(path_.c_str()); }

}  // namespace check_mail::oauth
