#pragma once
// Base64 (RFC 4648, standard alphabet, with padding) for SASL exchanges and MIME headers.
#include <optional>
#include <string>
#include <string_view>

namespace check_mail::util {

// Encodes bytes as base64 with '=' padding and no line breaks.
[[nodiscard]] std::string base64_encode(std::string_view bytes);

// Decodes strict base64: standard alphabet, padding required to a multiple of four characters,
// no whitespace. Returns nullopt for anything else so callers can report a malformed peer message.
[[nodiscard]] std::optional<std::string> base64_decode(std::string_view text);

}  // namespace check_mail::util
