// The JSON error challenge of XOAUTH2 and OAUTHBEARER (RFC 7628 section 3.2.2), decoded from
// the server's base64: sasl::parse_oauth_error_challenge, then the phrase the status line shows.
//   input: the decoded challenge.
// Invariants: never throws; the description is one line without control bytes, bounded; the
// "bad token" verdict is consistent with the status it read.
#include <string>

#include "check_mail/sasl/oauth_mechanisms.hpp"
#include "fuzz_support.hpp"

using namespace check_mail;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto challenge = transport::sasl::parse_oauth_error_challenge(fuzz::as_text(data, size));
  if (!challenge) return 0;
  const std::string text = transport::sasl::describe_oauth_error(*challenge);
  FUZZ_CHECK(!text.empty() && text.size() < 400);
  FUZZ_CHECK(!fuzz::has_control_bytes(text));
  if (challenge->status.empty()) FUZZ_CHECK(transport::sasl::oauth_error_means_bad_token(*challenge));
  if (challenge->status == "403") FUZZ_CHECK(!transport::sasl::oauth_error_means_bad_token(*challenge));
  return 0;
}
