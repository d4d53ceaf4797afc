#pragma once
// The receive buffer of a Connection: splits incoming bytes into lines while bounding memory.
// A peer that never sends a line end is detected as soon as max_line bytes are pending, so a
// 10 MB "line" costs at most max_line + one read chunk of memory. Pure (no I/O) for testing.
#include <cstddef>
#include <optional>
#include <span>
#include <string>

namespace check_mail::transport {

class LineBuffer {
public:
  // max_line: longest accepted line, excluding its CRLF.
  explicit LineBuffer(std::size_t max_line) : max_line_(max_line) {}

  // The next complete line without its terminator (CRLF, or a bare LF from sloppy peers), or
  // nullopt if none is complete yet. Throws TransportError(too_long) once the pending line is
  // longer than max_line, whether or not its end has arrived.
  [[nodiscard]] std::optional<std::string> take_line();
  // Removes and returns up to n buffered bytes (for length-prefixed data such as IMAP literals).
  [[nodiscard]] std::string take_bytes(std::size_t n);

  // Space for the next receive of up to `chunk` bytes; commit() what was actually received.
  [[nodiscard]] std::span<char> prepare(std::size_t chunk);
  void commit(std::size_t received);

  // Bytes received but not yet taken.
  [[nodiscard]] std::size_t size() const noexcept { return end_ - begin_; }
  // Largest amount of storage the buffer ever held (to verify the memory bound).
  [[nodiscard]] std::size_t high_water() const noexcept { return high_water_; }
  [[nodiscard]] std::size_t max_line() const noexcept { return max_line_; }
  // Changes the limit for lines taken from now on (protocols differ: SMTP replies vs literals).
  void set_max_line(std::size_t max_line) noexcept { max_line_ = max_line; }

private:
  void compact();

  std::size_t max_line_;
  std::string data_;          // storage; bytes [begin_, end_) are received and not yet taken
  std::size_t begin_ = 0;     // first unconsumed byte
  std::size_t end_ = 0;       // one past the last received byte
  std::size_t scanned_ = 0;   // bytes after begin_ already known to hold no '\n'
  std::size_t prepared_ = 0;  // room handed out by the last prepare()
  std::size_t high_water_ = 0;
};

}  // namespace check_mail::transport
