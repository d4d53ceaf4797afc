// IMAP responses: imap::parse_responses over a byte stream, the same stream fed through a
// LineBuffer into ImapReplyReader as the connection does, and every data parser on each
// response (status, CAPABILITY, SELECT/STATUS data, SEARCH, FETCH), plus the argument encoders.
//   input: the server's byte stream (CRLF or LF lines, "{n}" literals).
// Invariants: only TransportError(protocol | too_long) may come out; both ways of reading agree
// on the responses; status summaries are one clean bounded line; mailbox names are encoded to
// printable ASCII; a quoted string never carries CR, LF or NUL.
#include <string>

#include "check_mail/mailbox/imap_response.hpp"
#include "check_mail/net/error.hpp"
#include "check_mail/net/line_buffer.hpp"
#include "fuzz_support.hpp"

using namespace check_mail;
namespace imap = transport::imap;

namespace {

bool expected_kind(const transport::TransportError& e) {
  return e.kind() == transport::ErrorKind::protocol || e.kind() == transport::ErrorKind::too_long;
}

void check_response(const imap::Response& response) {
  if (response.kind == imap::Response::Kind::tagged) FUZZ_CHECK(!response.tag.empty());
  FUZZ_CHECK(response.literals.size() <= imap::ResponseAssembler::max_literals);
  if (const auto status = imap::parse_status(response.text)) {
    const std::string summary = status->summary();
    FUZZ_CHECK(summary.size() <= 200);
    FUZZ_CHECK(!fuzz::has_control_bytes(summary));
    for (const std::string& name : imap::parse_capabilities(status->code_arguments).names) FUZZ_CHECK(!name.empty());
  }
  const imap::Capabilities caps = imap::parse_capabilities(response.text);
  for (const std::string& mechanism : caps.auth_mechanisms()) FUZZ_CHECK(caps.has("AUTH=" + mechanism));
  try {
    imap::MailboxData data;
    imap::apply_mailbox_data(response, data);
  } catch (const transport::TransportError& e) {
    FUZZ_CHECK(expected_kind(e));
  }
  try {
    if (const auto numbers = imap::parse_search(response)) {
      for (const std::uint64_t number : *numbers) FUZZ_CHECK(number > 0);
    }
  } catch (const transport::TransportError& e) {
    FUZZ_CHECK(expected_kind(e));
  }
  try {
    if (const auto fetch = imap::parse_fetch(response)) {
      for (const auto& [name, bytes] : fetch->sections) FUZZ_CHECK(name.find("]<") == std::string::npos);
      if (fetch->internal_date) (void)imap::parse_internal_date(*fetch->internal_date);
    }
  } catch (const transport::TransportError& e) {
    FUZZ_CHECK(expected_kind(e));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text(data, size);

  std::optional<std::vector<imap::Response>> whole;
  try {
    whole = imap::parse_responses(text);
    for (const imap::Response& response : *whole) check_response(response);
  } catch (const transport::TransportError& e) {
    FUZZ_CHECK(expected_kind(e));
  }

  // As a session reads it: lines and literals out of a LineBuffer into the reply reader, which
  // stops at the first final response (tag "A1", a continuation, or BYE).
  transport::LineBuffer buffer(4096);
  auto space = buffer.prepare(text.size());
  std::copy(text.begin(), text.end(), space.begin());
  buffer.commit(text.size());
  imap::ImapReplyReader reader("A1", true);
  try {
    transport::ReadRequest request = transport::ReadRequest::line();
    bool done = false;
    while (!done) {
      if (request.kind == transport::ReadRequest::Kind::literal) {
        if (buffer.size() < request.literal_size) break;
        request = reader.on_literal(buffer.take_bytes(request.literal_size));
      } else {
        auto line = buffer.take_line();
        if (!line) break;
        request = reader.on_line(*line);
      }
      done = request.kind == transport::ReadRequest::Kind::done;
    }
    if (done) {
      for (const imap::Response& response : reader.untagged) check_response(response);
      check_response(reader.final);
      // The whole-stream parser saw the same first responses.
      if (whole && text.size() < 4096) {
        FUZZ_CHECK(whole->size() >= reader.untagged.size() + 1);
        FUZZ_CHECK((*whole)[reader.untagged.size()].text == reader.final.text);
        FUZZ_CHECK((*whole)[reader.untagged.size()].literals == reader.final.literals);
      }
    }
  } catch (const transport::TransportError& e) {
    FUZZ_CHECK(expected_kind(e));
  }

  const std::string encoded = imap::encode_mailbox_name(text.substr(0, 256));
  for (const char c : encoded) FUZZ_CHECK(c >= 0x20 && c <= 0x7E);
  if (const auto quoted = imap::quote(text)) {
    FUZZ_CHECK(quoted->find_first_of(std::string_view("\r\n\0", 3)) == std::string::npos);
    FUZZ_CHECK(quoted->size() >= 2 && quoted->front() == '"' && quoted->back() == '"');
  }
  return 0;
}
