#pragma once
// Nagios threshold ranges ("10", "10:", "~:10", "10:20", "@10:20"), parsed and rendered the way
// Centreon's plugins do, so thresholds and perfdata stay identical for existing users.
#include <optional>
#include <string>
#include <string_view>

namespace check_mail::output {

struct Range {
  bool inside = false;          // '@': alert when the value is inside [start, end]
  bool start_infinite = false;  // '~'
  bool end_infinite = false;    // nothing after ':'
  double start = 0;
  double end = 0;
  std::string start_text = "0";  // as written (decimal comma turned into a point)
  std::string end_text;

  // True when the value is outside the range (inside it, for '@'). Decimal values and bounds
  // are compared at float_precision digits, as the original does.
  [[nodiscard]] bool alerts(double value, int float_precision = 8) const;
  // "[@]start:end" with '~' for -infinity and nothing for +infinity: "10" renders "0:10".
  [[nodiscard]] std::string to_perfdata() const;
};

// nullopt when the text is not a valid range. The empty string is not a range: callers treat
// it as "no threshold" before calling this.
std::optional<Range> parse_range(std::string_view text);

}  // namespace check_mail::output
