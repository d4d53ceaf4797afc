// Nagios ranges: output::parse_range, Range::to_perfdata and Range::alerts.
//   input: line 1 the range text; line 2 (optional) a value to test; line 3 a float precision.
// Invariants: a parsed range renders perfdata that parses back to the same range (unless the
// rendering uses Perl's exponent form, which perfdata consumers read but ranges do not accept),
// rendering is idempotent, and '@' exactly inverts the alert for any non-NaN value.
#include <cmath>
#include <limits>
#include <string>

#include "check_mail/output/perfdata.hpp"
#include "check_mail/output/range.hpp"
#include "fuzz_support.hpp"

using namespace check_mail;

namespace {

bool same_bound(double a, double b) {
  if (a == b) return true;
  return std::fabs(a - b) <= 1e-12 * std::max(std::fabs(a), std::fabs(b));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = fuzz::as_text(data, size);
  std::string_view range_text = fuzz::take_line(text);
  std::string value_text(fuzz::take_line(text));
  std::string precision_text(fuzz::take_line(text));

  auto range = output::parse_range(range_text);
  if (!range) return 0;
  const std::string perf = range->to_perfdata();
  FUZZ_CHECK(!perf.empty());
  FUZZ_CHECK(!fuzz::has_control_bytes(perf));
  if (perf.find_first_of("eEIN") == std::string::npos) {  // no 1.5e+15, Inf or NaN
    auto again = output::parse_range(perf);
    FUZZ_CHECK(again.has_value());
    FUZZ_CHECK(again->inside == range->inside);
    FUZZ_CHECK(again->start_infinite == range->start_infinite);
    FUZZ_CHECK(again->end_infinite == range->end_infinite);
    if (!range->start_infinite) FUZZ_CHECK(same_bound(again->start, range->start));
    if (!range->end_infinite) FUZZ_CHECK(same_bound(again->end, range->end));
    FUZZ_CHECK(again->to_perfdata() == perf);
  }
  output::Perfdata perfdata{"label'x", "1", "B", perf, perf, "0", "", "n", "i"};
  FUZZ_CHECK(!perfdata.render().empty());

  std::vector<double> values = {-INFINITY,
                                -1e300,
                                -1,
                                -0.5,
                                -0.0,
                                0,
                                0.5,
                                1,
                                9.999999999,
                                10,
                                1e15,
                                1e300,
                                INFINITY,
                                std::numeric_limits<double>::quiet_NaN(),
                                range->start,
                                range->end,
                                std::nextafter(range->start, -INFINITY),
                                std::nextafter(range->end, INFINITY)};
  if (!value_text.empty()) values.push_back(std::strtod(value_text.c_str(), nullptr));
  std::vector<int> precisions = {0, 2, 8, 20};
  if (!precision_text.empty())
    precisions.push_back(static_cast<int>(std::strtol(precision_text.c_str(), nullptr, 10) % 21));
  output::Range inverse = *range;
  inverse.inside = !range->inside;
  for (double value : values) {
    for (int precision : precisions) {
      if (precision < 0) precision = -precision;
      bool alerts = range->alerts(value, precision);
      if (!std::isnan(value)) FUZZ_CHECK(alerts != inverse.alerts(value, precision));
    }
  }
  return 0;
}
