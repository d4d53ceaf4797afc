// How arguments are written on the wire (RFC 3501): mailbox names in modified UTF-7, strings
// quoted when they can be.
#include <algorithm>
#include <cstdint>

#include "check_mail/mailbox/imap_response.hpp"
#include "check_mail/util/base64.hpp"

namespace check_mail::transport::imap {
namespace {

// Appends the UTF-16 code units of code_point, big-endian.
void append_utf16be(std::string& out, std::uint32_t code_point) {
  auto unit = [&out](std::uint32_t u) {
    out += static_cast<char>((u >> 8) & 0xFF);
    out += static_cast<char>(u & 0xFF);
  };
  if (code_point >= 0x10000) {
    code_point -= 0x10000;
    unit(0xD800 + (code_point >> 10));
    unit(0xDC00 + (code_point & 0x3FF));
  } else {
    unit(code_point);
  }
}

// Next code point of UTF-8 text at i (advancing i); U+FFFD for invalid sequences.
std::uint32_t next_code_point(std::string_view text, std::size_t& i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  std::size_t length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 0;
  if (length == 0 || i + length > text.size()) {
    ++i;
    return 0xFFFD;
  }
  std::uint32_t code_point = length == 1 ? lead : lead & (0x7F >> length);
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) {
      ++i;
      return 0xFFFD;
    }
    code_point = (code_point << 6) | (byte(i + k) & 0x3F);
  }
  i += length;
  static constexpr std::uint32_t kMinimum[] = {0, 0, 0x80, 0x800, 0x10000};
  if (code_point < kMinimum[length] || code_point > 0x10FFFF || (code_point >= 0xD800 && code_point <= 0xDFFF)) {
    return 0xFFFD;
  }
  return code_point;
}

}  // namespace

std::string encode_mailbox_name(std::string_view utf8) {
  std::string out;
  std::size_t i = 0;
  while (i < utf8.size()) {
    const auto c = static_cast<unsigned char>(utf8[i]);
    if (c >= 0x20 && c <= 0x7E) {
      out += c == '&' ? "&-" : std::string(1, static_cast<char>(c));
      ++i;
      continue;
    }
    // A run of other characters: UTF-16BE in base64 with ',' for '/', no padding.
    std::string utf16;
    while (i < utf8.size()) {
      const auto d = static_cast<unsigned char>(utf8[i]);
      if (d >= 0x20 && d <= 0x7E) break;
      append_utf16be(utf16, next_code_point(utf8, i));
    }
    std::string encoded = util::base64_encode(utf16);
    while (!encoded.empty() && encoded.back() == '=') encoded.pop_back();
    std::replace(encoded.begin(), encoded.end(), '/', ',');
    out += "&" + encoded + "-";
  }
  return out;
}

std::optional<std::string> quote(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u == 0 || u == '\r' || u == '\n' || u >= 0x80) return std::nullopt;
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace check_mail::transport::imap
