#pragma once
// SHA-256 in hex, for cache file names derived from an identity (no name or host appears in a
// directory listing).
#include <string>
#include <string_view>

namespace check_mail::util {

std::string sha256_hex(std::string_view data);

}  // namespace check_mail::util
