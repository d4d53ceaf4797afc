#include "check_mail/net/line_buffer.hpp"

#include <algorithm>
#include <cstring>

#include "check_mail/net/error.hpp"

namespace check_mail::transport {
namespace {

[[noreturn]] void too_long(std::size_t max_line) {
  throw TransportError(ErrorKind::too_long, "server sent a line longer than " + std::to_string(max_line) + " bytes");
}

}  // namespace

std::optional<std::string> LineBuffer::take_line() {
  const char* start = data_.data() + begin_;
  const std::size_t pending = size();
  const void* found = scanned_ < pending ? std::memchr(start + scanned_, '\n', pending - scanned_) : nullptr;
  if (found == nullptr) {
    scanned_ = pending;
    // Without a line end, at most max_line bytes plus a CR may be pending.
    if (pending > max_line_ + 1) too_long(max_line_);
    return std::nullopt;
  }
  const std::size_t newline = static_cast<std::size_t>(static_cast<const char*>(found) - start);
  std::size_t length = newline;
  if (length > 0 && start[length - 1] == '\r') --length;
  if (length > max_line_) too_long(max_line_);
  std::string line(start, length);
  begin_ += newline + 1;
  scanned_ = 0;
  compact();
  return line;
}

std::string LineBuffer::take_bytes(std::size_t n) {
  const std::size_t count = std::min(n, size());
  std::string bytes(data_.data() + begin_, count);
  begin_ += count;
  scanned_ = scanned_ > count ? scanned_ - count : 0;
  compact();
  return bytes;
}

std::span<char> LineBuffer::prepare(std::size_t chunk) {
  compact();
  // data_ only ever grows: its bytes past end_ are scratch, so a receive does not pay for
  // zero-filling a fresh chunk each time.
  if (data_.size() < end_ + chunk) data_.resize(end_ + chunk);
  high_water_ = std::max(high_water_, data_.capacity());
  prepared_ = chunk;
  return {data_.data() + end_, chunk};
}

void LineBuffer::commit(std::size_t received) {
  end_ += std::min(received, prepared_);
  prepared_ = 0;
}

void LineBuffer::compact() {
  if (begin_ == 0) return;
  if (begin_ == end_) {
    begin_ = end_ = 0;
    return;
  }
  // Move the tail down only when the dead prefix dominates, keeping this amortised O(1).
  if (begin_ >= end_ / 2) {
    std::memmove(data_.data(), data_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
}

}  // namespace check_mail::transport
