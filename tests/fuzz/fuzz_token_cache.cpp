// The token cache file reader: smartermail::token_from_cache over a file's content (JSON with
// expires_on and a sealed token), as Api reads --statefile-dir before deciding to log in.
//   input: the file content. The seed corpus holds valid caches for kPassword/kContext.
// Invariants: never throws; a token comes back only when the content holds a box sealed under
// this password and context, unexpired at `now`, and it is fit for an HTTP header; the same
// content under another password or context or later than expires_on gives nothing; writing a
// token and reading it back returns it.
#include <algorithm>
#include <string>

#include "check_mail/modes/smartermail/api.hpp"
#include "check_mail/util/sealed.hpp"
#include "fuzz_support.hpp"

using namespace check_mail;
namespace sm = modes::smartermail;

namespace {
const std::string kPassword = "fuzz-password";
const std::string kContext = "127.0.0.1\n443\n/api/v1\nmonitor";
constexpr long long kNow = 1'700'000'000;  // 2023-11-14; the seeds expire in 2100
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view content = fuzz::as_text(data, size);
  auto token = sm::token_from_cache(content, kPassword, kContext, kNow);
  if (token) {
    FUZZ_CHECK(!token->empty() && token->size() <= 8192);
    FUZZ_CHECK(!fuzz::has_control_bytes(*token) && token->find(' ') == std::string::npos);
    FUZZ_CHECK(!sm::token_from_cache(content, kPassword + "x", kContext, kNow));
    FUZZ_CHECK(!sm::token_from_cache(content, kPassword, kContext + "x", kNow));
    FUZZ_CHECK(!sm::token_from_cache(content, kPassword, kContext, 1LL << 62));
    FUZZ_CHECK(sm::token_from_cache(content, kPassword, kContext, kNow) == token);
  }
  // The writer's side with the input as the token, when it is one.
  std::string candidate(content.substr(0, 100));
  auto sealed = util::seal(candidate, kPassword, kContext);
  FUZZ_CHECK(sealed.has_value());
  auto back = sm::token_from_cache(sm::token_cache_content(*sealed, kNow + 60), kPassword, kContext, kNow);
  const bool usable = !candidate.empty() && !fuzz::has_control_bytes(candidate) &&
                      candidate.find(' ') == std::string::npos &&
                      std::all_of(candidate.begin(), candidate.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  FUZZ_CHECK(back.has_value() == usable);
  if (usable) FUZZ_CHECK(*back == candidate);
  return 0;
}
