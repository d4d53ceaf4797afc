// The token cache file reader: util::token_from_cache_content over a file's content (JSON with
// access_token and expires_on), as util::TokenCache::load reads it before its user logs in or
// asks for a token, with each user's token bound (SmarterMail's header, OAuth's SASL message).
//   input: the file content. The seed corpus holds valid, expired and damaged caches.
// Invariants: never throws; a token comes back only when the content holds one unexpired at
// `now`, within the bound and fit for an HTTP header; the same content read at the expiry it
// gave gives nothing; writing a token and reading it back returns it exactly when it is usable.
#include <algorithm>
#include <climits>
#include <string>

#include "check_mail/modes/smartermail/token_cache.hpp"
#include "check_mail/oauth/token_endpoint.hpp"
#include "check_mail/util/token_cache.hpp"
#include "fuzz_support.hpp"

using namespace check_mail;

namespace {
constexpr long long kNow = 1'700'000'000;  // 2023-11-14; the seeds expire in 2100

void check_with_bound(std::string_view content, std::size_t bound) {
  auto token = util::token_from_cache_content(content, kNow, bound);
  if (token) {
    const std::string& value = token->access_token;
    FUZZ_CHECK(util::usable_bearer_token(value, bound));
    FUZZ_CHECK(!value.empty() && value.size() <= bound);
    FUZZ_CHECK(!fuzz::has_control_bytes(value) && value.find(' ') == std::string::npos);
    FUZZ_CHECK(token->expires_on > kNow);
    // Expired from its own expires_on on (LLONG_MAX: a later time than a long long can say).
    if (token->expires_on < LLONG_MAX) FUZZ_CHECK(!util::token_from_cache_content(content, token->expires_on, bound));
    auto again = util::token_from_cache_content(content, kNow, bound);
    FUZZ_CHECK(again && again->access_token == value && again->expires_on == token->expires_on);
  }
  // The writer's side with the input as the token.
  std::string candidate(content.substr(0, 100));
  auto back = util::token_from_cache_content(util::token_cache_content({candidate, kNow + 60}), kNow, bound);
  const bool usable =
      !candidate.empty() && !fuzz::has_control_bytes(candidate) && candidate.find(' ') == std::string::npos &&
      std::all_of(candidate.begin(), candidate.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  FUZZ_CHECK(util::usable_bearer_token(candidate, bound) == usable);
  if (usable) {
    FUZZ_CHECK(back && back->access_token == candidate && back->expires_on == kNow + 60);
  } else {
    FUZZ_CHECK(!back.has_value());
  }
  FUZZ_CHECK(!util::token_from_cache_content(util::token_cache_content({candidate, kNow}), kNow, bound));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view content = fuzz::as_text(data, size);
  check_with_bound(content, modes::smartermail::kMaxTokenBytes);
  check_with_bound(content, oauth::kMaxAccessTokenBytes);
  return 0;
}
