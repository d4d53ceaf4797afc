#pragma once
// Centreon's perfdata rewriting options, applied to the perfdata before they are printed:
//   --change-perfdata / --extend-perfdata = match,[new label],[method(args)],[unit],[min],[max],[warning],[critical]
//   --extend-perfdata-group = [match],new label,min|max|average|sum(label regex),...
//   --explode-perfdata-max[=match,new label]
// Methods: invert(), percent(), scale(unit) (byte and bit units only), math(expression[|1]),
// min(), max(), average(), sum(). eval() would run Perl and is refused.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "check_mail/output/perfdata.hpp"
#include "check_mail/output/regex.hpp"

namespace check_mail::output {

class PerfdataRewrite {
public:
  enum class Kind { Change = 1, Extend = 2, Group = 3 };

  // Adds one option value. Returns an error for what Centreon would reject or what check_mail
  // cannot do; notes (for --debug) what Centreon skips silently (an unknown method).
  std::optional<std::string> add(Kind kind, std::string_view value, std::vector<std::string>& notes);
  // --explode-perfdata-max: empty value = every perfdata with a max gets '<label>_max'.
  std::optional<std::string> add_explode(std::string_view value);

  [[nodiscard]] bool empty() const { return extends_.empty() && explode_ == 0; }
  void apply(std::vector<Perfdata>& perfdata) const;

private:
  struct Extend {
    Kind kind = Kind::Change;
    std::optional<Regex> match;
    std::string match_text;
    std::optional<std::string> substitute, unit, min, max, warning, critical;
    std::string method;            // "" or invert, percent, scale, math, min, max, average, sum
    std::string args;              // the method's argument, trimmed
    bool apply_threshold = false;  // math(...|1)
  };
  void apply_one(const Extend& extend, std::vector<Perfdata>& perfdata) const;

  std::vector<Extend> extends_;
  int explode_ = 0;  // 0 none, 1 by match, 2 every perfdata
  std::vector<std::pair<Regex, std::string>> explode_matches_;
};

// "current * 2 + 10" with current = value: + - * / parentheses and numbers, as math() allows.
std::optional<double> evaluate_math(std::string_view expression, double current);

}  // namespace check_mail::output
