// Base64 (util::base64_decode/encode) and what SMTP AUTH does with a decoded server challenge
// (CRAM-MD5 response, base64 again).
//   input: the base64 text a server sent.
// Invariants: decode(encode(x)) == x; a successful decode re-encodes to the same length and
// decodes back to the same bytes; the decoder never accepts a length that is not a multiple of 4.
#include <string>

#include "check_mail/sasl/sasl.hpp"
#include "check_mail/util/base64.hpp"
#include "fuzz_support.hpp"

using namespace check_mail;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = fuzz::as_text(data, size);
  // Any bytes survive the round trip.
  std::string encoded = util::base64_encode(text);
  FUZZ_CHECK(encoded.size() % 4 == 0);
  auto round_trip = util::base64_decode(encoded);
  FUZZ_CHECK(round_trip && *round_trip == text);

  auto decoded = util::base64_decode(text);
  if (!decoded) return 0;
  FUZZ_CHECK(text.size() % 4 == 0);
  std::string again = util::base64_encode(*decoded);
  FUZZ_CHECK(again.size() == text.size());
  FUZZ_CHECK(util::base64_decode(again) == decoded);

  // The decoded challenge of a CRAM-MD5 exchange.
  std::string response = transport::sasl::cram_md5_response("monitor", "secret", *decoded);
  FUZZ_CHECK(response.size() == 7 + 1 + 32);
  FUZZ_CHECK(!util::base64_encode(response).empty());
  return 0;
}
