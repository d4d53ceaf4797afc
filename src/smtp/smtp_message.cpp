#include "check_mail/smtp/smtp_message.hpp"

#include <cstdint>
#include <cstdio>
#include <ctime>
#include <random>

#include "check_mail/util/base64.hpp"

namespace check_mail::transport::smtp {
namespace {

constexpr std::string_view kDefaultBody =
    "This is a test message sent by check_mail to measure the mail service.\r\n"
    "It can be deleted.\r\n";

// Header values come from the command line: no line breaks may pass into the header block.
std::string one_line(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c == '\r' || c == '\n' || c == '\0') c = ' ';
  }
  return out;
}

bool is_plain_ascii(std::string_view text) {
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u > 0x7E) return false;
  }
  return true;
}

bool is_seven_bit(std::string_view text) {
  for (const char c : text) {
    if (static_cast<unsigned char>(c) > 0x7F) return false;
  }
  return true;
}

std::string domain_of(std::string_view address) {
  const std::size_t at = address.rfind('@');
  if (at == std::string_view::npos) return {};
  std::string_view domain = address.substr(at + 1);
  const std::size_t end = domain.find_first_of("> \t");
  if (end != std::string_view::npos) domain = domain.substr(0, end);
  return std::string(domain);
}

// "To: a@x, b@y" folded before 78 columns.
std::string to_field(const std::vector<std::string>& recipients) {
  std::string field = "To: ";
  std::size_t column = field.size();
  for (std::size_t i = 0; i < recipients.size(); ++i) {
    const std::string entry = one_line(recipients[i]) + (i + 1 < recipients.size() ? "," : "");
    if (i > 0) {
      if (column + 1 + entry.size() > 78) {
        field += "\r\n ";
        column = 1;
      } else {
        field += ' ';
        ++column;
      }
    }
    field += entry;
    column += entry.size();
  }
  return field + "\r\n";
}

std::string epoch_with_ms(std::chrono::system_clock::time_point time) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%lld.%03lld", static_cast<long long>(ms / 1000),
                static_cast<long long>(ms % 1000));
  return buffer;
}

}  // namespace

std::string format_rfc5322_date(std::chrono::system_clock::time_point time) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[tm.tm_wday % 7], tm.tm_mday,
                kMonths[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buffer;
}

std::string new_token() {
  // getrandom()-backed on Linux; uniqueness is what matters, and it keeps OpenSSL's DRBG (and
  // its initialisation cost) out of checks that do not use TLS.
  std::random_device device;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string token;
  for (int i = 0; i < 4; ++i) {
    std::uint32_t word = device();
    for (int j = 0; j < 8; ++j, word >>= 4) token += kHex[word & 0x0F];
  }
  return token;
}

std::string encode_header_text(std::string_view text) {
  if (is_plain_ascii(text)) return std::string(text);
  return "=?UTF-8?B?" + util::base64_encode(text) + "?=";
}

Message build_message(const MessageOptions& options, std::chrono::system_clock::time_point sent) {
  Message message;
  message.token = options.token.empty() ? new_token() : one_line(options.token);
  message.tracking = message.token + "; sent=" + epoch_with_ms(sent);
  message.sent_epoch =
      static_cast<double>(std::chrono::duration_cast<std::chrono::milliseconds>(sent.time_since_epoch()).count()) /
      1000.0;
  std::string domain = options.message_id_domain.empty() ? domain_of(options.from) : options.message_id_domain;
  if (domain.empty()) domain = "check-mail.invalid";
  message.message_id = "<" + message.token + "." + epoch_with_ms(sent) + "@" + one_line(domain) + ">";

  const std::string token_line = std::string(tracking_header) + ": " + message.tracking + "\r\n";
  std::string& head = message.head;
  head += "Date: " + format_rfc5322_date(sent) + "\r\n";
  head += "Message-ID: " + message.message_id + "\r\n";
  head += "From: " + one_line(options.from) + "\r\n";
  if (!options.to.empty()) head += to_field(options.to);
  head += "Subject: " + encode_header_text(one_line(options.subject)) + "\r\n";
  head += "MIME-Version: 1.0\r\n";
  if (options.use_body) message.body = token_line;
  message.body += options.body.empty() ? std::string(kDefaultBody) : options.body;
  if (!message.body.empty() && message.body.back() != '\n' && message.body.back() != '\r') message.body += "\r\n";

  head += "Content-Type: text/plain; charset=UTF-8\r\n";
  head += std::string("Content-Transfer-Encoding: ") + (is_seven_bit(message.body) ? "7bit" : "8bit") + "\r\n";
  if (!options.use_body) head += token_line;
  head += "\r\n";

  const std::size_t unpadded = message.head.size() + message.body.size();
  if (options.pad_to_bytes > unpadded) message.padding = options.pad_to_bytes - unpadded;
  return message;
}

bool needs_8bit_transport(const MessageOptions& options) { return !is_seven_bit(options.body); }

void write_message(const Message& message, DataEncoder& encoder) {
  encoder.write(message.head);
  encoder.write(message.body);
  // Filler: lines of 74 characters + CRLF, the last one shorter; never starting with '.'.
  static constexpr std::string_view kLine =
      "check_mail padding 0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRS\r\n";
  std::size_t left = message.padding;
  while (left > 0) {
    if (left >= kLine.size()) {
      encoder.write(kLine);
      left -= kLine.size();
    } else if (left > 2) {
      encoder.write(kLine.substr(0, left - 2));
      encoder.write("\r\n");
      left = 0;
    } else {
      encoder.write("\r\n");  // 1 or 2 bytes left: an empty line (one byte over at worst)
      left = 0;
    }
  }
}

}  // namespace check_mail::transport::smtp
