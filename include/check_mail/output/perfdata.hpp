#pragma once
// One performance-data item, rendered as Nagios expects: 'label'=value[unit];warn;crit;min;max
#include <string>

namespace check_mail::output {

struct Perfdata {
  std::string label;
  std::string value;  // already formatted by the counter's template
  std::string unit;
  std::string warning;  // a rendered range ("0:10"), or empty
  std::string critical;
  std::string min;
  std::string max;
  std::string nlabel;    // the metric name without its instance (JSON output)
  std::string instance;  // the instance it belongs to, if any (JSON output)

  // Single quotes around the label always (as Centreon does), quotes inside doubled.
  [[nodiscard]] std::string render() const;
};

}  // namespace check_mail::output
