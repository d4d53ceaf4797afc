#pragma once
// A record of a protocol dialogue for --verbose: each line stamped with the seconds since the
// check started. Lines are sanitised (control bytes escaped) and bounded (long lines cut, at most
// max_entries kept) so a hostile server cannot flood the plugin's output.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "check_mail/net/deadline.hpp"

namespace check_mail::transport {

class Transcript {
public:
  enum class Direction { client, server, info };
  struct Entry {
    double seconds = 0;  // since the origin (the check's start)
    Direction direction = Direction::info;
    std::string text;
  };

  static constexpr std::size_t max_entries = 2000;
  static constexpr std::size_t max_text = 512;

  explicit Transcript(Deadline::Clock::time_point origin) : origin_(origin) {}

  // What the client sent; pass the display form (credentials already replaced by "<redacted>").
  void client(std::string_view text) { add(Direction::client, text); }
  void server(std::string_view text) { add(Direction::server, text); }
  // An event that is not a protocol line ("TLS handshake done: TLSv1.3 ...").
  void info(std::string_view text) { add(Direction::info, text); }

  [[nodiscard]] const std::vector<Entry>& entries() const noexcept { return entries_; }
  [[nodiscard]] std::size_t dropped() const noexcept { return dropped_; }
  // "[  0.012] C: EHLO host" (S: server, *: info), one entry per line.
  [[nodiscard]] static std::string format(const Entry& entry);
  // All entries, newline-separated, plus a note when entries were dropped.
  [[nodiscard]] std::string to_string() const;

private:
  void add(Direction direction, std::string_view text);

  Deadline::Clock::time_point origin_;
  std::vector<Entry> entries_;
  std::size_t dropped_ = 0;
};

}  // namespace check_mail::transport
