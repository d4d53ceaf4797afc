// The receive buffer: transport::LineBuffer, driven as Connection drives it (prepare a chunk,
// commit what a read returned, take every complete line), with IMAP-style literals: a line
// ending in "{N}" is followed by N raw bytes taken with take_bytes.
//   input: byte 0 = max line (1..256), byte 1 = read chunk (1..64); the rest is what the
//   peer sends.
// Invariants: lines come out in order, each exactly the next input bytes before an LF (and an
// optional CR), never longer than the limit; too_long is thrown only for a line that really is
// too long; memory stays bounded by the limit and the chunk, not by the input.
#include <algorithm>
#include <cstring>
#include <string>

#include "check_mail/net/error.hpp"
#include "check_mail/net/line_buffer.hpp"
#include "fuzz_support.hpp"

using namespace check_mail;

namespace {

// "{N}" at the end of a line: N (bounded), or 0.
std::size_t literal_size(const std::string& line) {
  if (line.size() < 3 || line.back() != '}') return 0;
  std::size_t open = line.rfind('{');
  if (open == std::string::npos || open + 2 > line.size() - 1) return 0;
  std::size_t n = 0;
  for (std::size_t i = open + 1; i + 1 < line.size(); ++i) {
    if (line[i] < '0' || line[i] > '9') return 0;
    n = std::min<std::size_t>(n * 10 + static_cast<std::size_t>(line[i] - '0'), 1000);
  }
  return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = fuzz::as_text(data, size);
  const std::size_t max_line = fuzz::take_byte(text) % 256 + 1;
  const std::size_t chunk = fuzz::take_byte(text) % 64 + 1;

  transport::LineBuffer buffer(max_line);
  std::size_t sent = 0;      // input bytes handed to the buffer
  std::size_t consumed = 0;  // input bytes taken out of it (lines with their ends, literals)
  std::size_t literal = 0;   // bytes of a literal still to take
  try {
    while (true) {
      if (literal > 0) {
        std::string bytes = buffer.take_bytes(literal);
        FUZZ_CHECK(text.substr(consumed, bytes.size()) == bytes);
        consumed += bytes.size();
        literal -= bytes.size();
      }
      while (literal == 0) {
        auto line = buffer.take_line();
        if (!line) break;
        FUZZ_CHECK(line->size() <= max_line);
        FUZZ_CHECK(line->find('\n') == std::string::npos);
        FUZZ_CHECK(text.substr(consumed, line->size()) == *line);
        consumed += line->size();
        if (text[consumed] == '\r') ++consumed;
        FUZZ_CHECK(text[consumed] == '\n');
        ++consumed;
        literal = literal_size(*line);
        if (literal > 0) {
          std::string bytes = buffer.take_bytes(literal);
          FUZZ_CHECK(text.substr(consumed, bytes.size()) == bytes);
          consumed += bytes.size();
          literal -= bytes.size();
        }
      }
      FUZZ_CHECK(buffer.size() == sent - consumed);
      if (sent == text.size()) break;
      // One read: up to chunk bytes, sometimes fewer than asked for.
      std::span<char> space = buffer.prepare(chunk);
      FUZZ_CHECK(space.size() == chunk);
      std::size_t n = std::min(chunk, text.size() - sent);
      if (n > 1 && text[sent] == 'x') n /= 2;
      std::memcpy(space.data(), text.data() + sent, n);
      buffer.commit(n);
      sent += n;
      // Bounded: what is pending (at most a line and a CR), the dead prefix kept below half of
      // the storage, one chunk, and std::string's growth.
      FUZZ_CHECK(buffer.high_water() <= 4 * (max_line + 2 + chunk) + 64);
    }
  } catch (const transport::TransportError& e) {
    FUZZ_CHECK(e.kind() == transport::ErrorKind::too_long);
    // The pending line (from `consumed`) really is longer than max_line.
    std::string_view pending = text.substr(consumed, sent - consumed);
    std::size_t newline = pending.find('\n');
    std::size_t length = newline == std::string_view::npos ? pending.size() : newline;
    if (newline != std::string_view::npos && length > 0 && pending[length - 1] == '\r') --length;
    FUZZ_CHECK(newline == std::string_view::npos ? length > max_line + 1 : length > max_line);
  }
  return 0;
}
