#include "check_mail/output/counters.hpp"

#include <cmath>

#include "check_mail/util/strings.hpp"

namespace check_mail::output {

Value Value::of(double n) { return {std::nullopt, n}; }

std::string Value::as_text() const {
  if (text) return *text;
  if (number) return util::format_number(*number);
  return {};
}

ThresholdNames threshold_names(const CounterGroup& group, const Counter& counter) {
  if (counter.nlabel.empty()) return {counter.label, std::nullopt};
  std::string thlabel = group.threshold_prefix + util::replace_all(counter.nlabel, ".", "-");
  if (thlabel == counter.label) return {thlabel, std::nullopt};
  return {thlabel, counter.label};
}

namespace {

// printf of one number with a Centreon template ("%d", "%.2f", "%s"): %d truncates like Perl's
// int(), and values beyond 64 bits print in full instead of overflowing.
std::string format_value(const std::string& tmpl, double value) {
  auto pos = tmpl.find('%');
  if (pos == std::string::npos) return tmpl;
  auto spec_end = tmpl.find_first_of("dsfgeiu", pos + 1);
  if (spec_end == std::string::npos) return tmpl;
  std::string before = tmpl.substr(0, pos), after = tmpl.substr(spec_end + 1);
  std::string spec = tmpl.substr(pos, spec_end - pos + 1);
  char conversion = tmpl[spec_end];
  std::string rendered;
  if (conversion == 'd' || conversion == 'i' || conversion == 'u') {
    double truncated = std::trunc(value);
    rendered = std::fabs(truncated) < 9.2e18 ? util::format("%lld", static_cast<long long>(truncated))
                                             : util::format("%.0f", truncated);
  } else if (conversion == 's') {
    rendered = util::format_number(value);
  } else {
    std::string double_spec = spec;
    rendered = util::format(double_spec.c_str(), value);
  }
  return before + rendered + util::replace_all(after, "%%", "%");
}

std::string threshold_text(const std::optional<Range>& range) { return range ? range->to_perfdata() : ""; }

Variables to_variables(const Values& values) {
  Variables vars;
  for (const auto& [name, value] : values) vars[name] = value.as_text();
  return vars;
}

struct CounterOutcome {
  bool skipped = false;
  Status status = Status::Ok;
  std::string message;
};

CounterOutcome run_counter(const Counter& counter, const CounterThresholds& thresholds, const Values& values,
                           int float_precision) {
  CounterOutcome outcome;
  auto it = values.find(counter.key);
  if (it == values.end() || !it->second.present()) {
    outcome.skipped = true;
    outcome.message = counter.label + " : skipped (no value(s))";
    return outcome;
  }
  if (counter.kind == Counter::Kind::Status) {
    Variables vars = to_variables(values);
    if (thresholds.critical_expr.evaluate(vars))
      outcome.status = Status::Critical;
    else if (thresholds.warning_expr.evaluate(vars))
      outcome.status = Status::Warning;
    else if (thresholds.unknown_expr.evaluate(vars))
      outcome.status = Status::Unknown;
  } else {
    double value = it->second.number.value_or(0.0);
    if (thresholds.critical && thresholds.critical->alerts(value, float_precision))
      outcome.status = Status::Critical;
    else if (thresholds.warning && thresholds.warning->alerts(value, float_precision))
      outcome.status = Status::Warning;
    else if (thresholds.unknown && thresholds.unknown->alerts(value, float_precision))
      outcome.status = Status::Unknown;
  }
  if (counter.output)
    outcome.message = counter.output(values);
  else
    outcome.message = format_value(counter.output_template, it->second.number.value_or(0.0));
  return outcome;
}

void add_perfdata(const Counter& counter, const CounterThresholds& thresholds, const Values& values,
                  const std::string* instance, Report& report) {
  if (counter.kind != Counter::Kind::Numeric || !counter.perfdata) return;
  auto it = values.find(counter.key);
  if (it == values.end() || !it->second.number) return;
  Perfdata perf;
  perf.label = (instance ? *instance + "#" : std::string()) + counter.nlabel;
  perf.nlabel = counter.nlabel;
  if (instance) perf.instance = *instance;
  perf.value = format_value(counter.perfdata_template, *it->second.number);
  perf.unit = counter.unit;
  perf.warning = threshold_text(thresholds.warning);
  perf.critical = threshold_text(thresholds.critical);
  perf.min = counter.min;
  perf.max = counter.max;
  report.add_perfdata(std::move(perf));
}

// One instance (or the global values): the Perl template's inner loop.
struct InstanceResult {
  Status status = Status::Ok;
  std::string short_msg, long_msg;
  bool any_counter = false;
};

InstanceResult run_instance(const CounterGroup& group, const CounterSettings& settings, const Values& values,
                            const std::string* instance, Report& report) {
  InstanceResult result;
  static const CounterThresholds kNone;
  for (const Counter& counter : group.counters) {
    if (settings.filter_counters && !settings.filter_counters->search(counter.label)) continue;
    result.any_counter = true;
    auto found = settings.thresholds.find(counter.label);
    const CounterThresholds& thresholds = found == settings.thresholds.end() ? kNone : found->second;
    CounterOutcome outcome = run_counter(counter, thresholds, values, settings.float_precision);
    auto append = [&](std::string& to, const std::string& text) {
      if (!to.empty()) to += group.message_separator;
      to += text;
    };
    if (outcome.skipped) {
      if (counter.display_ok) append(result.long_msg, outcome.message);
      continue;
    }
    bool shown =
        counter.display_ok || (settings.display_ok_counters && settings.display_ok_counters->search(counter.label));
    if (shown || outcome.status != Status::Ok) append(result.long_msg, outcome.message);
    result.status = worst(result.status, outcome.status);
    if (outcome.status != Status::Ok) append(result.short_msg, outcome.message);
    add_perfdata(counter, thresholds, values, instance, report);
  }
  return result;
}

}  // namespace

std::optional<std::string> read_counter_settings(const std::vector<CounterGroup>& groups, const OptionGetter& getter,
                                                 CounterSettings& settings) {
  for (const CounterGroup& group : groups) {
    for (const Counter& counter : group.counters) {
      ThresholdNames names = threshold_names(group, counter);
      CounterThresholds& thresholds = settings.thresholds[counter.label];
      // The command-line parser keeps both names as one option (the last given wins, as with
      // Centreon); a getter that keeps them apart gets the long name first.
      auto value_of = [&](const std::string& level) {
        std::optional<std::string> value = getter(level + "-" + names.primary);
        if (!value && names.alias) value = getter(level + "-" + *names.alias);
        return value;
      };
      for (std::string level : {"unknown", "warning", "critical"}) {
        std::optional<std::string> given = value_of(level);
        std::string text = given.value_or("");
        if (counter.kind == Counter::Kind::Status) {
          if (!given)
            text = level == "unknown"   ? counter.default_unknown
                   : level == "warning" ? counter.default_warning
                                        : counter.default_critical;
          ExpressionError error;
          Expression expr = Expression::parse(text, counter.variables, &error);
          if (!error.message.empty())
            return "Syntax error in --" + level + "-" + names.primary + " at position " +
                   std::to_string(error.position) + ": " + error.message;
          (level == "unknown"   ? thresholds.unknown_expr
           : level == "warning" ? thresholds.warning_expr
                                : thresholds.critical_expr) = std::move(expr);
          continue;
        }
        if (util::trim(text).empty()) continue;
        auto range = parse_range(text);
        if (!range) return "Wrong " + level + "-" + names.primary + " threshold '" + text + "'.";
        (level == "unknown"   ? thresholds.unknown
         : level == "warning" ? thresholds.warning
                              : thresholds.critical) = std::move(range);
      }
    }
  }
  return std::nullopt;
}

void evaluate_counters(const std::vector<CounterGroup>& groups, const CounterSettings& settings, Report& report) {
  for (const CounterGroup& group : groups) {
    if (settings.filter_counters_block && settings.filter_counters_block->search(group.name)) continue;
    if (group.kind == CounterGroup::Kind::Global) {
      InstanceResult r = run_instance(group, settings, group.global, nullptr, report);
      std::string prefix = group.prefix ? group.prefix("", group.global) : "";
      if (r.status != Status::Ok)
        report.add(r.status, prefix + r.short_msg);
      else if (!r.long_msg.empty())
        report.add(Status::Ok, prefix + r.long_msg);
      continue;
    }
    bool multiple = group.instances.size() > 1;
    bool any_counter = false;
    for (const auto& [name, values] : group.instances) {
      InstanceResult r = run_instance(group, settings, values, &name, report);
      any_counter = any_counter || r.any_counter;
      std::string prefix = group.prefix ? group.prefix(name, values) : "";
      if (!r.long_msg.empty()) report.add_long(prefix + r.long_msg);
      if (r.status != Status::Ok) report.add(r.status, prefix + r.short_msg);
      if (!multiple) report.add(Status::Ok, prefix + r.long_msg);
    }
    if (any_counter && multiple) report.add(Status::Ok, group.message_multiple);
  }
}

}  // namespace check_mail::output
