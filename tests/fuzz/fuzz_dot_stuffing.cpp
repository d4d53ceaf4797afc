// DATA transparency: smtp::DataEncoder / dot_stuff.
//   input: byte 0 = the encoder's chunk size (1..64), byte 1 = the size of the pieces the
//   message is written in (1..256); the rest is the message.
// Invariants: whatever the chunking, the output is the same; it is CRLF-only (no bare CR or
// LF), ends with "\r\n.\r\n", no line of it is a lone "." before the end, and undoing the
// stuffing gives the message with its line ends normalised to CRLF; bytes_out() counts it all.
#include <string>

#include "check_mail/smtp/smtp_data.hpp"
#include "fuzz_support.hpp"

using namespace check_mail;
namespace smtp = transport::smtp;

namespace {

// The message as the server will store it: CRLF, CR and LF each one line end, a final line end.
std::string normalised(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      out += "\r\n";
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else if (text[i] == '\n') {
      out += "\r\n";
    } else {
      out += text[i];
    }
  }
  if (!out.empty() && !out.ends_with("\r\n")) out += "\r\n";
  return out;
}

// The receiver's side (RFC 5321 4.5.2): lines up to the "." line, a leading dot removed.
std::string unstuffed(const std::string& wire) {
  std::string out;
  std::size_t pos = 0;
  while (true) {
    std::size_t end = wire.find("\r\n", pos);
    FUZZ_CHECK(end != std::string::npos);
    std::string_view line(wire.data() + pos, end - pos);
    pos = end + 2;
    if (line == ".") {
      FUZZ_CHECK(pos == wire.size());  // the terminator is the last line
      return out;
    }
    if (!line.empty() && line.front() == '.') line.remove_prefix(1);
    out.append(line);
    out += "\r\n";
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = fuzz::as_text(data, size);
  const std::size_t chunk = fuzz::take_byte(text) % 64 + 1;
  const std::size_t piece = fuzz::take_byte(text) % 256 + 1;

  const std::string reference = smtp::dot_stuff(text);
  std::string chunked;
  std::size_t calls = 0;
  smtp::DataEncoder encoder(
      [&](std::string_view bytes) {
        FUZZ_CHECK(!bytes.empty());
        chunked.append(bytes);
        ++calls;
      },
      chunk);
  for (std::size_t at = 0; at < text.size(); at += piece) encoder.write(text.substr(at, piece));
  encoder.finish();
  FUZZ_CHECK(chunked == reference);
  FUZZ_CHECK(encoder.bytes_out() == reference.size());

  FUZZ_CHECK(reference.ends_with("\r\n.\r\n") || reference == ".\r\n");
  for (std::size_t i = 0; i < reference.size(); ++i) {
    if (reference[i] == '\r') FUZZ_CHECK(i + 1 < reference.size() && reference[i + 1] == '\n');
    if (reference[i] == '\n') FUZZ_CHECK(i > 0 && reference[i - 1] == '\r');
  }
  FUZZ_CHECK(unstuffed(reference) == normalised(text));
  return 0;
}
