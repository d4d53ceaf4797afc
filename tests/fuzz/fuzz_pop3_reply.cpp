// POP3 replies: pop3::parse_reply (whole text), ReplyParser fed line by line through a
// LineBuffer as the connection does, and the data parsers (CAPA, STAT, LIST/UIDL).
//   input: byte 0 bit 0 = a multi-line reply is expected, bit 1 = a SASL continuation is
//   allowed; the rest is the reply.
// Invariants: only TransportError(protocol | too_long) may come out; a multi-line body never
// holds the terminating "." line; summaries are one clean bounded line; both ways agree.
#include <string>

#include "check_mail/mailbox/pop3_reply.hpp"
#include "check_mail/net/error.hpp"
#include "check_mail/net/line_buffer.hpp"
#include "fuzz_support.hpp"

using namespace check_mail;
namespace pop3 = transport::pop3;

namespace {

bool expected_kind(const transport::TransportError& e) {
  return e.kind() == transport::ErrorKind::protocol || e.kind() == transport::ErrorKind::too_long;
}

void check_reply(const pop3::Reply& reply, bool multi_line) {
  const std::string summary = reply.summary();
  FUZZ_CHECK(summary.size() <= 200);
  FUZZ_CHECK(!fuzz::has_control_bytes(summary));
  if (!multi_line || !reply.ok()) FUZZ_CHECK(reply.lines.empty());
  const pop3::Capabilities caps = pop3::parse_capabilities(reply.lines);
  for (const std::string& line : caps.lines) FUZZ_CHECK(caps.has(line.substr(0, line.find(' '))));
  (void)caps.sasl_mechanisms();
  try {
    (void)pop3::parse_stat(reply.status.text);
  } catch (const transport::TransportError& e) {
    FUZZ_CHECK(expected_kind(e));
  }
  try {
    for (const pop3::ListingEntry& entry : pop3::parse_listing(reply.lines)) {
      FUZZ_CHECK(entry.number > 0 && !entry.value.empty());
    }
  } catch (const transport::TransportError& e) {
    FUZZ_CHECK(expected_kind(e));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = fuzz::as_text(data, size);
  const std::uint8_t flags = fuzz::take_byte(text);
  const bool multi_line = (flags & 1) != 0;
  const bool continuation = (flags & 2) != 0;

  std::optional<pop3::Reply> whole;
  try {
    whole = pop3::parse_reply(text, multi_line);
    check_reply(*whole, multi_line);
  } catch (const transport::TransportError& e) {
    FUZZ_CHECK(expected_kind(e));
  }

  transport::LineBuffer buffer(1024);
  auto space = buffer.prepare(text.size());
  std::copy(text.begin(), text.end(), space.begin());
  buffer.commit(text.size());
  pop3::ReplyParser parser(multi_line, continuation);
  try {
    while (auto line = buffer.take_line()) {
      if (parser.feed(*line)) break;
    }
    if (parser.complete()) {
      const pop3::Reply reply = parser.take();
      if (!reply.continuation()) check_reply(reply, multi_line);
      if (buffer.size() == 0 && text.size() < 1024 && !reply.continuation()) {
        FUZZ_CHECK(whole.has_value());
        FUZZ_CHECK(whole->lines == reply.lines && whole->status.text == reply.status.text);
      }
    }
  } catch (const transport::TransportError& e) {
    FUZZ_CHECK(expected_kind(e));
  }
  return 0;
}
