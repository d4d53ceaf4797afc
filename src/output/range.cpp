#include "check_mail/output/range.hpp"

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
  if (i + 1 < text.size() && (text[i] == '.' || text[i] == ',') && std::isdigit(static_cast<unsigned char>(text[i + 1]))) {
    ++i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
  }
  if (i + 1 < text.size() && std::string_view("KMGTPE").find(text[i]) != std::string_view::npos &&
      (text[i + 1] == 'B' || text[i + 1] == 'b'))
    i += 2;
  return i - pos;
}

// Normalises a bound's text and value: "+5" -> "5", "1,5" -> "1.5", "2KB" -> 2048.
bool bound_value(std::string_view raw, std::string& text, double& value) {
  std::string s(raw);
  if (!s.empty() && s[0] == '+') s.erase(0, 1);
  for (char& c : s)
    if (c == ',') c = '.';
  double multiplier = 1;
  if (s.size() >= 2 && (s.back() == 'B' || s.back() == 'b')) {
    double base = s.back() == 'B' ? 1024.0 : 1000.0;
    auto power = std::string_view("KMGTPE").find(s[s.size() - 2]) + 1;
    multiplier = std::pow(base, static_cast<double>(power));
    s.resize(s.size() - 2);
  }
  auto number = util::parse_number(s);
  if (!number) return false;
  value = *number * multiplier;
  text = multiplier == 1 ? s : util::format_number(value);
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
      range.start_text = "~";
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
