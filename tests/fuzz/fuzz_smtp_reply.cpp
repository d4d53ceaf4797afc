// SMTP replies: smtp::parse_reply (whole text), ReplyParser fed line by line through a
// LineBuffer as the connection does, parse_reply_line, and the EHLO capabilities of a reply.
//   input: byte 0 bit 0 = the server advertised ENHANCEDSTATUSCODES; the rest is the reply.
// Invariants: only TransportError(protocol | too_long) may come out; a parsed reply has a code
// 200..559, an enhanced code of its own class, summary() one clean bounded line; both ways of
// feeding the parser agree.
#include <string>

#include "check_mail/net/error.hpp"
#include "check_mail/net/line_buffer.hpp"
#include "check_mail/smtp/smtp_capabilities.hpp"
#include "check_mail/smtp/smtp_reply.hpp"
#include "fuzz_support.hpp"

using namespace check_mail;
namespace smtp = transport::smtp;

namespace {

void check_reply(const smtp::Reply& reply) {
  FUZZ_CHECK(reply.code >= 200 && reply.code <= 559);
  FUZZ_CHECK(!reply.lines.empty());
  if (reply.enhanced) FUZZ_CHECK(reply.enhanced->klass == reply.klass());
  std::string summary = reply.summary();
  FUZZ_CHECK(summary.size() <= 200);
  FUZZ_CHECK(!fuzz::has_control_bytes(summary));
  FUZZ_CHECK(reply.summary(10).size() <= 10);
  (void)reply.text("\n");
  smtp::Capabilities caps = smtp::parse_ehlo(reply);
  for (const std::string& mechanism : caps.auth_mechanisms) FUZZ_CHECK(caps.offers_auth(mechanism));
  FUZZ_CHECK(caps.has("starttls") == caps.starttls);
}

bool expected_kind(const transport::TransportError& e) {
  return e.kind() == transport::ErrorKind::protocol || e.kind() == transport::ErrorKind::too_long;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = fuzz::as_text(data, size);
  const bool enhanced = (fuzz::take_byte(text) & 1) != 0;

  std::optional<smtp::Reply> whole;
  try {
    whole = smtp::parse_reply(text, enhanced);
    check_reply(*whole);
  } catch (const transport::TransportError& e) {
    FUZZ_CHECK(expected_kind(e));
  }

  // As the connection reads it: lines out of a LineBuffer into the incremental parser, until
  // the reply is complete (what follows would belong to the next reply).
  transport::LineBuffer buffer(512);
  auto space = buffer.prepare(text.size());
  std::copy(text.begin(), text.end(), space.begin());
  buffer.commit(text.size());
  smtp::ReplyParser parser(enhanced);
  try {
    while (auto line = buffer.take_line()) {
      (void)smtp::parse_reply_line(*line);
      if (parser.feed(*line)) break;
    }
    if (parser.complete()) {
      smtp::Reply reply = parser.take();
      check_reply(reply);
      // parse_reply accepts exactly the texts that are one complete reply.
      if (buffer.size() == 0 && text.size() < 512) {
        FUZZ_CHECK(whole.has_value());
        FUZZ_CHECK(whole->code == reply.code && whole->lines == reply.lines && whole->enhanced == reply.enhanced);
      }
    }
  } catch (const transport::TransportError& e) {
    FUZZ_CHECK(expected_kind(e));
  }
  return 0;
}
