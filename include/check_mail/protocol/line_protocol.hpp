#pragma once
// The engine shared by line-oriented mail protocols (like curl's "pingpong"): send one command
// line, then read a reply whose shape only the protocol knows, via a ReplyReader it supplies.
// SMTP's reader collects "250-"/"250 " lines; POP3's stops at "+OK"/"-ERR" or the "." of a
// multi-line answer; IMAP's asks for literal bytes ("{123}") and stops at its tag. The engine
// bounds every reply, stamps the transcript and honours the Deadline.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <string_view>

#include "check_mail/net/deadline.hpp"
#include "check_mail/protocol/connection.hpp"
#include "check_mail/protocol/transcript.hpp"

namespace check_mail::transport {

// What a ReplyReader wants after consuming a line or literal.
struct ReadRequest {
  enum class Kind { done, line, literal };
  Kind kind = Kind::done;
  std::size_t literal_size = 0;  // for Kind::literal: exact byte count wanted next

  static ReadRequest done() { return {Kind::done, 0}; }
  static ReadRequest line() { return {Kind::line, 0}; }
  static ReadRequest literal(std::size_t size) { return {Kind::literal, size}; }
};

// Protocol-specific reply assembly. Implementations throw TransportError(protocol) for
// malformed input.
class ReplyReader {
public:
  virtual ~ReplyReader() = default;
  // Called with each received line (terminator removed).
  virtual ReadRequest on_line(std::string_view line) = 0;
  // Called with the bytes of a literal requested by on_line(). Default: protocol error.
  virtual ReadRequest on_literal(std::string_view bytes);
};

struct LineProtocolLimits {
  std::size_t max_line = Connection::default_max_line;  // one line, without CRLF
  std::size_t max_reply_bytes = 1024 * 1024;            // all lines and literals of one reply
};

class LineProtocol {
public:
  // Non-owning: connection, deadline and transcript (may be null) must outlive this object.
  LineProtocol(Connection& connection, const Deadline& deadline, Transcript* transcript, LineProtocolLimits limits = {})
      : connection_(connection), deadline_(&deadline), transcript_(transcript), limits_(limits) {}

  // Sends `line` + CRLF in one write. `display` (if not empty) is what the transcript shows
  // instead, e.g. "AUTH PLAIN <redacted>". Throws TransportError(config) if the line contains
  // CR, LF or NUL: such a value (an address from the command line) would inject a command.
  void send_line(std::string_view line, std::string_view display = {});
  // Sends raw bytes (message content) and records only `display` in the transcript.
  void send_raw(std::string_view bytes, std::string_view display);
  // Feeds reply lines (and literals) to `reader` until it is done.
  void read_reply(ReplyReader& reader);

  // Records an event line ("*") in the transcript, if any.
  void note(std::string_view text);

  [[nodiscard]] Connection& connection() noexcept { return connection_; }
  [[nodiscard]] const Deadline& deadline() const noexcept { return *deadline_; }
  [[nodiscard]] Transcript* transcript() noexcept { return transcript_; }

private:
  friend class GoodbyeBound;
  Connection& connection_;
  const Deadline* deadline_;
  Transcript* transcript_;
  LineProtocolLimits limits_;
};

// The goodbye (SMTP QUIT, IMAP LOGOUT, POP3 QUIT) under a short bound of its own while this
// object lives: the check's result is known by then, and a server that never answers the
// goodbye must not use up the check's time (nor its total-time thresholds, nor a retest).
// Never past the check's deadline.
class GoodbyeBound {
public:
  static constexpr std::chrono::milliseconds default_bound{1000};

  explicit GoodbyeBound(LineProtocol& protocol, std::chrono::milliseconds bound = default_bound)
      : protocol_(protocol),
        bounded_(std::min(bound, std::chrono::milliseconds(protocol.deadline().remaining_ms()))),
        previous_(protocol.deadline_) {
    protocol_.deadline_ = &bounded_;
  }
  ~GoodbyeBound() { protocol_.deadline_ = previous_; }
  GoodbyeBound(const GoodbyeBound&) = delete;
  GoodbyeBound& operator=(const GoodbyeBound&) = delete;

private:
  LineProtocol& protocol_;
  Deadline bounded_;
  const Deadline* previous_;
};

}  // namespace check_mail::transport
