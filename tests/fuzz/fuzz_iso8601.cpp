// accessTokenExpiration: smartermail::parse_iso8601.
//   input: the string the server sent.
// Invariants: never throws or overflows; an accepted UTC timestamp (no offset) agrees with
// timegm() on the same fields; an accepted time re-printed in UTC parses to the same instant.
#include <ctime>
#include <string>

#include "check_mail/modes/smartermail/api.hpp"
#include "fuzz_support.hpp"

using namespace check_mail;
namespace sm = modes::smartermail;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = fuzz::as_text(data, size);
  auto epoch = sm::parse_iso8601(text);
  if (!epoch) return 0;
  FUZZ_CHECK(text.size() >= 19);
  // Years 0000..9999, offsets within a day.
  FUZZ_CHECK(*epoch >= -62167219200LL - 86400 && *epoch <= 253402300800LL + 86400);

  std::time_t seconds = static_cast<std::time_t>(*epoch);
  std::tm tm{};
  if (gmtime_r(&seconds, &tm) && tm.tm_year + 1900 >= 0 && tm.tm_year + 1900 <= 9999) {
    char printed[64];
    std::strftime(printed, sizeof printed, "%Y-%m-%dT%H:%M:%SZ", &tm);
    std::string again(printed);
    if (again.size() == 20) FUZZ_CHECK(sm::parse_iso8601(again) == epoch);
  }

  // Without an offset, the fields are UTC: compare with the C library.
  std::string head(text.substr(0, 19));
  std::string_view rest = text.substr(19);
  bool utc = rest.find_first_of("+-") == std::string_view::npos;
  if (utc) {
    std::tm fields{};
    fields.tm_year = std::stoi(head.substr(0, 4)) - 1900;
    fields.tm_mon = std::stoi(head.substr(5, 2)) - 1;
    fields.tm_mday = std::stoi(head.substr(8, 2));
    fields.tm_hour = std::stoi(head.substr(11, 2));
    fields.tm_min = std::stoi(head.substr(14, 2));
    fields.tm_sec = std::stoi(head.substr(17, 2));
    FUZZ_CHECK(static_cast<long long>(timegm(&fields)) == *epoch);
  }
  return 0;
}
