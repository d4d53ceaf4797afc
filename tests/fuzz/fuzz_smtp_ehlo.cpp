// EHLO capabilities: smtp::parse_ehlo over arbitrary reply lines (as a 250 reply's texts).
//   input: the lines, '\n'-separated; every byte value may appear in them.
// Invariants: never throws; keywords and AUTH mechanisms are upper-case, mechanisms unique;
// the boolean flags agree with has(); a SIZE limit is only set from digits.
#include <algorithm>
#include <cctype>
#include <string>

#include "check_mail/smtp/smtp_capabilities.hpp"
#include "fuzz_support.hpp"

using namespace check_mail;
namespace smtp = transport::smtp;

namespace {

bool is_upper(const std::string& text) {
  return std::none_of(text.begin(), text.end(), [](char c) { return std::islower(static_cast<unsigned char>(c)); });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  smtp::Reply reply;
  reply.code = 250;
  reply.lines = fuzz::lines_of(fuzz::as_text(data, size));
  smtp::Capabilities caps = smtp::parse_ehlo(reply);
  FUZZ_CHECK(caps.esmtp);
  for (const auto& [keyword, parameters] : caps.keywords) {
    FUZZ_CHECK(is_upper(keyword));
    FUZZ_CHECK(caps.has(keyword));
  }
  for (std::size_t i = 0; i < caps.auth_mechanisms.size(); ++i) {
    FUZZ_CHECK(is_upper(caps.auth_mechanisms[i]));
    FUZZ_CHECK(!caps.auth_mechanisms[i].empty());
    FUZZ_CHECK(caps.offers_auth(caps.auth_mechanisms[i]));
    FUZZ_CHECK(std::count(caps.auth_mechanisms.begin(), caps.auth_mechanisms.end(), caps.auth_mechanisms[i]) == 1);
  }
  if (!caps.auth_mechanisms.empty()) FUZZ_CHECK(caps.has("AUTH"));
  FUZZ_CHECK(caps.starttls == caps.has("STARTTLS"));
  FUZZ_CHECK(caps.pipelining == caps.has("pipelining"));
  FUZZ_CHECK(caps.enhanced_status_codes == caps.has("EnhancedStatusCodes"));
  FUZZ_CHECK(caps.smtputf8 == caps.has("SMTPUTF8"));
  if (caps.size) FUZZ_CHECK(caps.has("SIZE"));
  return 0;
}
