#pragma once
// The DATA transparency procedure (RFC 5321 4.5.2) as a stream encoder: CRLF line ends (bare LF
// and bare CR become CRLF), a '.' starting a line is doubled, and finish() appends the final
// CRLF if missing plus the ".\r\n" terminator. Output goes to a sink in bounded chunks, so a
// large message is never copied whole.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace check_mail::transport::smtp {

class DataEncoder {
public:
  using Sink = std::function<void(std::string_view)>;
  static constexpr std::size_t default_chunk = 64 * 1024;

  explicit DataEncoder(Sink sink, std::size_t chunk = default_chunk) : sink_(std::move(sink)), chunk_(chunk) {}

  // Encodes more message text; may call the sink.
  void write(std::string_view text);
  // Ends the message (final CRLF if needed, then ".\r\n") and flushes. Call once.
  void finish();
  // Bytes handed to the sink so far (after finish(): the whole encoded size).
  [[nodiscard]] std::uint64_t bytes_out() const noexcept { return bytes_out_; }

private:
  void emit(std::string_view bytes);
  void flush();

  Sink sink_;
  std::size_t chunk_;
  std::string pending_;
  bool at_line_start_ = true;
  bool pending_cr_ = false;
  std::uint64_t bytes_out_ = 0;
};

// Convenience for tests and fuzzing: the wire form of `text`, terminator included.
[[nodiscard]] std::string dot_stuff(std::string_view text);

}  // namespace check_mail::transport::smtp
