#include "check_mail/protocol/line_protocol.hpp"

#include "check_mail/net/error.hpp"

namespace check_mail::transport {

ReadRequest ReplyReader::on_literal(std::string_view /*bytes*/) {
  throw TransportError(ErrorKind::protocol, "unexpected literal in server reply");
}

void LineProtocol::send_line(std::string_view line, std::string_view display) {
  if (line.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos) {
    throw TransportError(ErrorKind::config, "refusing to send a command containing a line break or NUL byte");
  }
  std::string wire;
  wire.reserve(line.size() + 2);
  wire.append(line).append("\r\n");
  if (transcript_ != nullptr) transcript_->client(display.empty() ? line : display);
  connection_.write_all(wire, *deadline_);
}

void LineProtocol::send_raw(std::string_view bytes, std::string_view display) {
  if (transcript_ != nullptr && !display.empty()) transcript_->client(display);
  connection_.write_all(bytes, *deadline_);
}

void LineProtocol::note(std::string_view text) {
  if (transcript_ != nullptr) transcript_->info(text);
}

void LineProtocol::read_reply(ReplyReader& reader) {
  std::size_t total = 0;
  ReadRequest request = ReadRequest::line();
  while (request.kind != ReadRequest::Kind::done) {
    if (request.kind == ReadRequest::Kind::line) {
      const std::string line = connection_.read_line(*deadline_, limits_.max_line);
      total += line.size() + 2;
      if (transcript_ != nullptr) transcript_->server(line);
      if (total > limits_.max_reply_bytes) {
        throw TransportError(ErrorKind::too_long,
                             "server reply longer than " + std::to_string(limits_.max_reply_bytes) + " bytes");
      }
      request = reader.on_line(line);
    } else {
      total += request.literal_size;
      if (total > limits_.max_reply_bytes) {
        throw TransportError(ErrorKind::too_long,
                             "server reply longer than " + std::to_string(limits_.max_reply_bytes) + " bytes");
      }
      const std::string bytes = connection_.read_exact(request.literal_size, *deadline_);
      if (transcript_ != nullptr) transcript_->server("<literal of " + std::to_string(bytes.size()) + " bytes>");
      request = reader.on_literal(bytes);
    }
  }
}

}  // namespace check_mail::transport
