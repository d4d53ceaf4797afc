#include "check_mail/output/range.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "check_mail/util/strings.hpp"

namespace check_mail::output {
namespace {

// One bound: [+-]digits[(.|,)digits][KMGTPE(B|b)]. Returns the consumed length or 0.
std::size_t scan_bound(std::string_view text, std::size_t pos) {
  std::size_t i = pos;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
  std::size_t digits = i;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
  if (i == digits) return 0;
  if (i + 1 < text.size() && (text[i] == '.' || text[i] == ',') &&
      std::isdigit(static_cast<unsigned char>(text[i + 1]))) {
    ++i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
  }
  if (i + 1 < text.size() && std::string_view("KMGTPE").find(text[i]) != std::string_view::npos &&
      (text[i + 1] == 'B' || text[i + 1] == 'b'))
    i += 2;
  return i - pos;
}

// The text Perl prints for a bound scaled by a unit. An integer bound times 1000**n or 1024**n
// (n <= 5: Perl's ** gives an integer there) is integer arithmetic, printed in full while it fits
// 64 bits ("1PB" -> 1125899906842624); anything else is a double printed with 15 digits.
std::string scaled_text(const std::string& mantissa, double base, std::size_t power, double value) {
  if (mantissa.find('.') == std::string::npos && !(base == 1024.0 && power == 6)) {
    errno = 0;
    char* end = nullptr;
    long long m = std::strtoll(mantissa.c_str(), &end, 10);
    if (errno == 0 && end == mantissa.c_str() + mantissa.size()) {
      long long p = 1;
      for (std::size_t i = 0; i < power; ++i) p *= static_cast<long long>(base);
      if (m >= 0) {
        unsigned long long product = 0;
        if (!__builtin_mul_overflow(static_cast<unsigned long long>(m), static_cast<unsigned long long>(p), &product))
          return std::to_string(product);
      } else {
        long long product = 0;
        if (!__builtin_mul_overflow(m, p, &product)) return std::to_string(product);
      }
    }
  }
  return util::format_number(value);
}

// Normalises a bound's text and value: "+5" -> "5", "1,5" -> "1.5", "2KB" -> 2048.
bool bound_value(std::string_view raw, std::string& text, double& value) {
  std::string s(raw);
  if (!s.empty() && s[0] == '+') s.erase(0, 1);
  for (char& c : s)
    if (c == ',') c = '.';
  double multiplier = 1, base = 1;
  std::size_t power = 0;
  if (s.size() >= 2 && (s.back() == 'B' || s.back() == 'b')) {
    base = s.back() == 'B' ? 1024.0 : 1000.0;
    power = std::string_view("KMGTPE").find(s[s.size() - 2]) + 1;
    multiplier = std::pow(base, static_cast<double>(power));
    s.resize(s.size() - 2);
  }
  auto number = util::parse_number(s);
  if (!number) return false;
  value = *number * multiplier;
  text = power == 0 ? s : scaled_text(s, base, power, value);
  return true;
}

double at_precision(double value, int precision) {
  if (value == std::floor(value)) return value;
  return std::strtod(util::format("%.*f", precision, value).c_str(), nullptr);
}

}  // namespace

std::optional<Range> parse_range(std::string_view input) {
  std::string_view text = util::trim(input);
  Range range;
  std::size_t pos = 0;
  if (pos < text.size() && text[pos] == '@') {
    range.inside = true;
    ++pos;
  }
  // Optional "start:" part.
  auto colon = text.find(':', pos);
  if (colon != std::string_view::npos) {
    std::string_view start = text.substr(pos, colon - pos);
    if (start == "~") {
      range.start_infinite = true;
      range.start_text.assign(1, '~');  // not = "~": GCC 12 -Wrestrict false positive under -fsanitize
    } else if (!start.empty()) {
      if (scan_bound(start, 0) != start.size()) return std::nullopt;
      if (!bound_value(start, range.start_text, range.start)) return std::nullopt;
    }
    pos = colon + 1;
  }
  std::string_view end = text.substr(pos);
  if (end.empty()) {
    range.end_infinite = true;
  } else {
    if (scan_bound(end, 0) != end.size()) return std::nullopt;
    if (!bound_value(end, range.end_text, range.end)) return std::nullopt;
  }
  return range;
}

bool Range::alerts(double value, int float_precision) const {
  double v = at_precision(value, float_precision);
  double lo = start_infinite ? -INFINITY : at_precision(start, float_precision);
  double hi = end_infinite ? INFINITY : at_precision(end, float_precision);
  if (inside) return v >= lo && v <= hi;
  return v < lo || v > hi;
}

std::string Range::to_perfdata() const {
  std::string out = inside ? "@" : "";
  out += start_infinite ? "~" : start_text;
  out += ':';
  if (!end_infinite) out += end_text;
  return out;
}

}  // namespace check_mail::output
