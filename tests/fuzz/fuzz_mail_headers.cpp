// Reading a delivered message back: mail::parse_header_block, the tracking token (header and
// body forms), RFC 5322 and Received dates, RFC 2047 decoding.
//   input: a header block (optionally followed by a body).
// Invariants: nothing throws; field names are non-empty without ':' or blanks; a parsed date is
// a whole number of seconds within years 1900..9999; decoding never grows the text.
#include <cmath>
#include <string>

#include "check_mail/mailbox/mail_headers.hpp"
#include "fuzz_support.hpp"

using namespace check_mail;
namespace mail = transport::mail;

namespace {

void check_date(const std::optional<double>& epoch) {
  if (!epoch) return;
  FUZZ_CHECK(std::isfinite(*epoch));
  FUZZ_CHECK(*epoch == std::floor(*epoch));
  FUZZ_CHECK(*epoch > -2300000000.0 && *epoch < 253402400000.0);  // 1897 .. 10000, zones included
}

void check_tracking(const std::optional<mail::Tracking>& tracking) {
  if (!tracking) return;
  FUZZ_CHECK(!tracking->token.empty());
  FUZZ_CHECK(!fuzz::has_control_bytes(tracking->token));
  if (tracking->sent_epoch) FUZZ_CHECK(std::isfinite(*tracking->sent_epoch) && *tracking->sent_epoch >= 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  const auto fields = mail::parse_header_block(text);
  for (const mail::HeaderField& field : fields) {
    FUZZ_CHECK(!field.name.empty());
    FUZZ_CHECK(field.name.find_first_of(": \t") == std::string::npos);
    FUZZ_CHECK(mail::header_value(fields, field.name).has_value());
    check_date(mail::parse_rfc5322_date(field.value));
    check_date(mail::received_date(field.value));
    check_tracking(mail::parse_tracking(field.value));
    const std::string decoded = mail::decode_header_text(field.value);
    FUZZ_CHECK(decoded.size() <= field.value.size());
    FUZZ_CHECK(mail::contains_ignoring_case(field.value, field.value));
  }
  check_tracking(mail::tracking_in_headers(fields));
  check_tracking(mail::tracking_in_body(text));
  check_date(mail::parse_rfc5322_date(text));
  FUZZ_CHECK(mail::decode_header_text(text).size() <= text.size());
  return 0;
}
