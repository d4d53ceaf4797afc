// The token cache file reader: smartermail::token_from_cache over a file's content (JSON with
// access_token and expires_on), as TokenCache::load reads it before deciding to log in.
//   input: the file content. The seed corpus holds valid, expired and damaged caches.
// Invariants: never throws; a token comes back only when the content holds one unexpired at
// `now`, fit for an HTTP header; the same content later than its expiry gives nothing; writing
// a token and reading it back returns it exactly when it is fit for a header.
#include <algorithm>
#include <string>

#include "check_mail/modes/smartermail/token_cache.hpp"
#include "fuzz_support.hpp"

using namespace check_mail;
namespace sm = modes::smartermail;

namespace {
constexpr long long kNow = 1'700'000'000;  // 2023-11-14; the seeds expire in 2100
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view content = fuzz::as_text(data, size);
  auto token = sm::token_from_cache(content, kNow);
  if (token) {
    FUZZ_CHECK(sm::usable_token(*token));
    FUZZ_CHECK(!token->empty() && token->size() <= 8192);
    FUZZ_CHECK(!fuzz::has_control_bytes(*token) && token->find(' ') == std::string::npos);
    FUZZ_CHECK(!sm::token_from_cache(content, 1LL << 62));
    FUZZ_CHECK(sm::token_from_cache(content, kNow) == token);
  }
  // The writer's side with the input as the token.
  std::string candidate(content.substr(0, 100));
  auto back = sm::token_from_cache(sm::token_cache_content(candidate, kNow + 60), kNow);
  const bool usable =
      !candidate.empty() && !fuzz::has_control_bytes(candidate) && candidate.find(' ') == std::string::npos &&
      std::all_of(candidate.begin(), candidate.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  FUZZ_CHECK(sm::usable_token(candidate) == usable);
  if (usable) {
    FUZZ_CHECK(back == candidate);
  } else {
    FUZZ_CHECK(!back.has_value());
  }
  FUZZ_CHECK(!sm::token_from_cache(sm::token_cache_content(candidate, kNow), kNow));
  return 0;
}
