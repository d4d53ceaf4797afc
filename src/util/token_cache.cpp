#include "check_mail/util/token_cache.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdint>
#include <nlohmann/json.hpp>

#include "check_mail/util/files.hpp"

namespace check_mail::util {
namespace {

// A token and its expiry take well under a kilobyte; a larger file is not a cache.
constexpr std::size_t kMaxContentBytes = 64 * 1024;

}  // namespace

bool usable_bearer_token(std::string_view token, std::size_t max_bytes) {
  return !token.empty() && token.size() <= max_bytes &&
         std::all_of(token.begin(), token.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

std::string token_cache_content(const CachedToken& token) {
  // Only usable tokens are stored; replace keeps the writer total for any other bytes.
  return nlohmann::json{{"access_token", token.access_token}, {"expires_on", token.expires_on}}.dump(
             -1, ' ', false, nlohmann::json::error_handler_t::replace) +
         "\n";
}

std::optional<CachedToken> token_from_cache_content(std::string_view content, long long now,
                                                    std::size_t max_token_bytes) {
  if (content.size() > kMaxContentBytes) return std::nullopt;
  const nlohmann::json state = nlohmann::json::parse(content.begin(), content.end(), nullptr, false);
  if (!state.is_object()) return std::nullopt;
  const auto token = state.find("access_token");
  const auto expires_on = state.find("expires_on");
  if (token == state.end() || !token->is_string() || expires_on == state.end() || !expires_on->is_number())
    return std::nullopt;
  // Compared as a number of any kind, as a double: what is unexpired now is so at any earlier time.
  const double expiry = expires_on->get<double>();
  if (!(expiry > static_cast<double>(now))) return std::nullopt;
  CachedToken cached{token->get<std::string>(), LLONG_MAX};
  if (!usable_bearer_token(cached.access_token, max_token_bytes)) return std::nullopt;
  if (expires_on->is_number_unsigned()) {
    cached.expires_on = static_cast<long long>(std::min<std::uint64_t>(expires_on->get<std::uint64_t>(), LLONG_MAX));
  } else if (expires_on->is_number_integer()) {
    cached.expires_on = expires_on->get<long long>();
  } else if (expiry < static_cast<double>(LLONG_MAX)) {  // a fraction: the next whole second, still after `now`
    cached.expires_on = static_cast<long long>(std::ceil(expiry));
  }
  return cached;
}

TokenCache::TokenCache(std::string directory, const std::string& file_name, CacheDirectory kind,
                       std::size_t max_token_bytes)
    : directory_(std::move(directory)),
      path_(directory_ + "/" + file_name),
      kind_(kind),
      max_token_bytes_(max_token_bytes) {}

std::optional<CachedToken> TokenCache::load(long long now, std::string* why_not) const {
  std::string problem;
  std::optional<std::string> content;
  if (kind_ == CacheDirectory::private_to_user) problem = private_directory_problem(directory_).value_or("");
  if (problem.empty()) content = read_file(path_, kMaxContentBytes, &problem, /*regular_only=*/true);
  // A token others could read may have been taken: it is not used, and is replaced after a login.
  if (content && readable_by_others(path_)) {
    content.reset();
    problem = "open to other users (mode wider than 0600)";
  }
  if (!content) {
    if (why_not) *why_not = "no usable token cache " + path_ + ": " + problem;
    return std::nullopt;
  }
  auto token = token_from_cache_content(*content, now, max_token_bytes_);
  if (!token && why_not) *why_not = "token cache " + path_ + " is expired or damaged";
  return token;
}

std::optional<std::string> TokenCache::store(const CachedToken& token) const {
  if (kind_ == CacheDirectory::private_to_user)
    if (auto error = make_private_directory(directory_)) return "cannot keep the token cache: " + *error;
  if (auto error = write_file_atomically(path_, token_cache_content(token)))
    return "cannot write the token cache " + path_ + ": " + *error;
  return std::nullopt;
}

void TokenCache::forget() const {
  struct stat st {};
  if (::lstat(path_.c_str(), &st) == 0 && st.st_uid == ::geteuid()) ::unlink(path_.c_str());
}

}  // namespace check_mail::util
