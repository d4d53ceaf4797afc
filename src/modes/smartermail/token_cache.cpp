#include "check_mail/modes/smartermail/token_cache.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "check_mail/util/digest.hpp"
#include "check_mail/util/files.hpp"

namespace check_mail::modes::smartermail {
namespace {

constexpr std::size_t kMaxCacheBytes = 64 * 1024;

}  // namespace

// Anything else could split the header or smuggle another one.
bool usable_token(std::string_view token) {
  if (token.empty() || token.size() > 8192) return false;
  return std::all_of(token.begin(), token.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

std::string token_cache_content(const std::string& token, long long expires_on) {
  // (Only usable tokens are stored; replace keeps the writer total for any other bytes.)
  return nlohmann::json{{"access_token", token}, {"expires_on", expires_on}}.dump(
             -1, ' ', false, nlohmann::json::error_handler_t::replace) +
         "\n";
}

std::optional<std::string> token_from_cache(std::string_view content, long long now) {
  using nlohmann::json;
  json state = json::parse(content.begin(), content.end(), nullptr, false);
  if (!state.is_object()) return std::nullopt;
  auto expires_on = state.find("expires_on");
  auto token = state.find("access_token");
  if (expires_on == state.end() || !expires_on->is_number() || token == state.end() || !token->is_string())
    return std::nullopt;
  if (!(expires_on->get<double>() > static_cast<double>(now))) return std::nullopt;
  std::string value = token->get<std::string>();
  if (!usable_token(value)) return std::nullopt;
  return value;
}

TokenCache::TokenCache(std::string directory, const std::string& account, const std::string& suffix)
    : directory_(std::move(directory)) {
  if (directory_.empty()) {
    directory_ = util::user_cache_directory();
    private_default_ = true;
  }
  path_ = directory_ + "/smartermail_" + util::sha256_hex(account).substr(0, 32) + suffix;
}

std::optional<std::string> TokenCache::load(long long now, std::string* note) const {
  std::string error;
  auto content = util::read_file(path_, kMaxCacheBytes, &error, /*regular_only=*/true);
  if (!content) {
    if (note) *note = "no usable token cache " + path_ + ": " + error;
    return std::nullopt;
  }
  auto token = token_from_cache(*content, now);
  if (!token && note) *note = "token cache " + path_ + " is expired or damaged";
  return token;
}

std::optional<std::string> TokenCache::store(const std::string& token, long long expires_on) const {
  if (private_default_)
    if (auto error = util::make_private_directory(directory_)) return "cannot keep the token cache: " + *error;
  if (auto error = util::write_file_atomically(path_, token_cache_content(token, expires_on)))
    return "cannot write the token cache " + path_ + ": " + *error;
  return std::nullopt;
}

void TokenCache::forget() const {
  struct stat st {};
  if (::lstat(path_.c_str(), &st) == 0 && st.st_uid == ::geteuid()) ::unlink(path_.c_str());
}

}  // namespace check_mail::modes::smartermail
