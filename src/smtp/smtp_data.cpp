#include "check_mail/smtp/smtp_data.hpp"

#include <algorithm>

namespace check_mail::transport::smtp {

void DataEncoder::emit(std::string_view bytes) {
  pending_.append(bytes);
  if (pending_.size() >= chunk_) flush();
}

void DataEncoder::flush() {
  if (pending_.empty()) return;
  bytes_out_ += pending_.size();
  sink_(pending_);
  pending_.clear();
}

void DataEncoder::write(std::string_view text) {
  while (!text.empty()) {
    if (pending_cr_) {
      // A CR was the last byte seen: CRLF or a bare CR, both end the line.
      pending_cr_ = false;
      emit("\r\n");
      at_line_start_ = true;
      if (text.front() == '\n') {
        text.remove_prefix(1);
        continue;
      }
    }
    const char c = text.front();
    if (c == '\r') {
      pending_cr_ = true;
      text.remove_prefix(1);
      continue;
    }
    if (c == '\n') {
      emit("\r\n");
      at_line_start_ = true;
      text.remove_prefix(1);
      continue;
    }
    if (at_line_start_ && c == '.') emit(".");
    // Copy the run of ordinary bytes up to the next line end in one go.
    const std::size_t run = std::min(text.find_first_of("\r\n"), text.size());
    emit(text.substr(0, run));
    at_line_start_ = false;
    text.remove_prefix(run);
  }
}

void DataEncoder::finish() {
  if (pending_cr_) {
    pending_cr_ = false;
    emit("\r\n");
    at_line_start_ = true;
  }
  if (!at_line_start_) emit("\r\n");
  emit(".\r\n");
  at_line_start_ = true;
  flush();
}

std::string dot_stuff(std::string_view text) {
  std::string out;
  DataEncoder encoder([&out](std::string_view bytes) { out.append(bytes); });
  encoder.write(text);
  encoder.finish();
  return out;
}

}  // namespace check_mail::transport::smtp
