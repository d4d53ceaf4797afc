#include "check_mail/protocol/transcript.hpp"

#include <cstdio>

namespace check_mail::transport {
namespace {

// Printable ASCII and UTF-8 bytes pass; other control bytes become \xNN.
std::string sanitise(std::string_view text, std::size_t limit) {
  std::string out;
  const std::size_t shown = text.size() > limit ? limit : text.size();
  out.reserve(shown + 32);
  for (std::size_t i = 0; i < shown; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7F) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02X", c);
      out += escaped;
    } else {
      out += static_cast<char>(c);
    }
  }
  if (shown < text.size()) out += "... (" + std::to_string(text.size()) + " bytes)";
  return out;
}

}  // namespace

void Transcript::add(Direction direction, std::string_view text) {
  if (entries_.size() >= max_entries) {
    ++dropped_;
    return;
  }
  const double seconds = std::chrono::duration<double>(Deadline::Clock::now() - origin_).count();
  entries_.push_back(Entry{seconds, direction, sanitise(text, max_text)});
}

std::string Transcript::format(const Entry& entry) {
  const char* tag = entry.direction == Direction::client ? "C:" : entry.direction == Direction::server ? "S:" : "*";
  char stamp[32];
  std::snprintf(stamp, sizeof stamp, "[%8.3f] ", entry.seconds);
  return stamp + std::string(tag) + " " + entry.text;
}

std::string Transcript::to_string() const {
  std::string out;
  for (const Entry& entry : entries_) {
    out += format(entry);
    out += '\n';
  }
  if (dropped_ > 0) out += "(" + std::to_string(dropped_) + " more transcript lines dropped)\n";
  return out;
}

}  // namespace check_mail::transport
