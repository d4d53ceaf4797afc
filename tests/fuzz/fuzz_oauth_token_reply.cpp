// The OAuth token endpoint's reply: oauth::parse_token_reply over a status and a body, as the
// token provider reads it after the client credentials or refresh token grant.
//   input: first byte picks the HTTP status (200, 400, 401, 500, ...), the rest is the body.
// Invariants: never throws; a reply is either an error (error set, no token) or a token fit
// for a SASL message (printable ASCII without spaces, at most 16 KiB) with expires_in >= 0,
// and a token only comes with a 2xx status.
#include <algorithm>
#include <string>

#include "check_mail/oauth/token_endpoint.hpp"
#include "fuzz_support.hpp"

using namespace check_mail;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = fuzz::as_text(data, size);
  static constexpr long kStatuses[] = {200, 201, 400, 401, 403, 404, 500, 503};
  const long status = kStatuses[fuzz::take_byte(text) % 8];
  const auto reply = oauth::parse_token_reply(status, text);
  if (!reply) return 0;
  if (!reply->error.empty()) {
    FUZZ_CHECK(reply->access_token.empty());
    return 0;
  }
  FUZZ_CHECK(status >= 200 && status < 300);
  FUZZ_CHECK(!reply->access_token.empty() && reply->access_token.size() <= 16384);
  FUZZ_CHECK(
      std::all_of(reply->access_token.begin(), reply->access_token.end(), [](char c) { return c > 0x20 && c < 0x7f; }));
  FUZZ_CHECK(reply->expires_in >= 0);
  return 0;
}
