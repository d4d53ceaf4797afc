#pragma once
// Small string helpers shared by every layer.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace check_mail::util {

std::string_view trim(std::string_view text);
std::string trim_right(std::string_view text);
std::string to_lower(std::string_view text);
std::string to_upper(std::string_view text);
// Lower-case hex of the bytes: "00ff".
std::string to_hex(std::string_view bytes);
bool iequals(std::string_view a, std::string_view b);
std::vector<std::string> split(std::string_view text, char separator);
std::string join(const std::vector<std::string>& parts, std::string_view separator);
std::string replace_all(std::string text, std::string_view from, std::string_view to);

// Parses a whole string as a finite decimal number ("12", "-3.5", "1e3"); nothing else.
std::optional<double> parse_number(std::string_view text);
// Parses a whole string as an integer within [min, max].
std::optional<long long> parse_integer(std::string_view text, long long min, long long max);
// Parses a whole string of 1 to 19 ASCII digits (no sign, no blank), as IMAP and POP3 write
// their numbers; 19 digits always fit in 64 bits.
std::optional<std::uint64_t> parse_digits(std::string_view text);

// Renders a number the way Perl prints a scalar: integers without a decimal point,
// others with up to 15 significant digits.
std::string format_number(double value);

// printf-style formatting into a std::string (the counter templates are printf templates).
std::string format(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

// Replaces bytes that would break a one-line status (CR, LF, NUL and other controls) by spaces
// and cuts to max_length, so a server's text can be quoted in the status line safely.
std::string sanitize_line(std::string_view text, std::size_t max_length = 200);

}  // namespace check_mail::util
