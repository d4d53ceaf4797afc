#pragma once
// The RFC 5322 test message: headers (Date, Message-ID, From, To, Subject, MIME-Version,
// Content-Type text/plain UTF-8) plus a tracking token "X-Check-Mail-Token: <id>; sent=<unix
// epoch with ms>" in a header, or as the first body line when use_body is set, so a reader on
// the IMAP/POP3 side can find the message and compute the delivery time.
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "check_mail/smtp/smtp_data.hpp"

namespace check_mail::transport::smtp {

inline constexpr std::string_view tracking_header = "X-Check-Mail-Token";

struct MessageOptions {
  std::string from;                                   // From header, e.g. "SMTP-Monitor <monitor@example.com>"
  std::vector<std::string> to;                        // To header entries
  std::string subject = "SMTP Monitor Test Message";  // non-ASCII is RFC 2047-encoded
  std::string body;                                   // text (any line ends); empty: a built-in text
  std::string token;                                  // tracking id; empty: a random one
  bool use_body = false;                              // token line in the body instead of the header
  std::size_t pad_to_bytes = 0;   // append filler lines until the message is this size (+1 byte at worst)
  std::string message_id_domain;  // empty: the domain of `from`, else "check-mail.invalid"
};

struct Message {
  std::string head;         // header fields and the empty line, CRLF line ends
  std::string body;         // body text, ending with a line end
  std::size_t padding = 0;  // filler bytes streamed after the body
  std::string token;        // the tracking id
  std::string tracking;     // "<id>; sent=1700000000.123"
  std::string message_id;   // "<...@domain>"
  double sent_epoch = 0;    // Unix time with milliseconds written into the token

  // Size before dot-stuffing: head + body + padding.
  [[nodiscard]] std::size_t size() const noexcept { return head.size() + body.size() + padding; }
};

// Builds the message for the given send time (pure apart from a random token when none is set).
// Header values are sanitised: CR/LF become spaces so options cannot inject header lines.
[[nodiscard]] Message build_message(const MessageOptions& options, std::chrono::system_clock::time_point sent);

// True if the body has 8-bit bytes, so MAIL FROM should say BODY=8BITMIME (RFC 6152).
[[nodiscard]] bool needs_8bit_transport(const MessageOptions& options);

// Streams head, body and filler through the encoder (the caller calls finish()).
void write_message(const Message& message, DataEncoder& encoder);

// RFC 5322 date in UTC: "Tue, 05 Mar 2024 09:07:03 +0000".
[[nodiscard]] std::string format_rfc5322_date(std::chrono::system_clock::time_point time);
// 32 random hex digits (std::random_device: getrandom() on Linux).
[[nodiscard]] std::string new_token();
// Header text as is if printable ASCII, else one RFC 2047 "=?UTF-8?B?...?=" encoded-word.
[[nodiscard]] std::string encode_header_text(std::string_view text);

}  // namespace check_mail::transport::smtp
