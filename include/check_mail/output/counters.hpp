#pragma once
// The declarative counter model (after Centreon's counter template): a mode declares groups of
// counters as data (labels, perfdata names, templates, default status expressions); the
// framework derives the threshold options, evaluates every instance and writes the report.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "check_mail/output/expression.hpp"
#include "check_mail/output/range.hpp"
#include "check_mail/output/report.hpp"

namespace check_mail::output {

// A value an instance carries: absent (null or missing: the counter is skipped), text, or a number.
struct Value {
  std::optional<std::string> text;
  std::optional<double> number;

  static Value none() { return {}; }
  static Value of(std::string t) { return {std::move(t), std::nullopt}; }
  static Value of(double n);
  [[nodiscard]] bool present() const { return text.has_value() || number.has_value(); }
  [[nodiscard]] std::string as_text() const;
};

using Values = std::map<std::string, Value, std::less<>>;

struct Counter {
  enum class Kind { Numeric, Status };
  Kind kind = Kind::Numeric;
  std::string label;   // "spool-messages": short threshold names --warning-<label>
  std::string nlabel;  // "spool.messages.count": perfdata name and long threshold names
  std::string key;     // the instance value this counter reads
  // Numeric counters: printf template of the value for the message ("messages: %d"), or a
  // function building the message; perfdata template, unit and bounds.
  std::string output_template;
  std::function<std::string(const Values&)> output;
  std::string perfdata_template = "%d";
  std::string unit;
  std::string min, max;
  bool perfdata = true;
  std::string short_warning, short_critical;  // one-letter threshold options (check_smtp's -w/-c)
  bool display_ok = true;                     // false: its message shows only when it alerts (Centreon's display_ok)
  // Status counters: default expressions and the variables they may use.
  std::string default_unknown, default_warning, default_critical;
  std::vector<std::string> variables;
};

struct CounterGroup {
  enum class Kind { Global, Instances };
  Kind kind = Kind::Global;
  std::string name;  // "spools"
  std::vector<Counter> counters;
  std::function<std::string(const std::string& instance, const Values&)> prefix;  // "Spool 'x' "
  std::string message_multiple;                                                   // "All spools are ok"
  std::string message_separator = ", ";                                           // between counters of one instance
  std::string threshold_prefix;  // "instance-" for the long threshold names of instance groups

  // Filled by the mode before evaluation.
  Values global;
  std::map<std::string, Values> instances;  // sorted by byte order, as the original
};

// The option names a counter's thresholds are read from, long form first.
struct ThresholdNames {
  std::string primary;               // thlabel ("instance-spool-messages-count" or "status")
  std::optional<std::string> alias;  // short label when it differs ("spool-messages")
};
ThresholdNames threshold_names(const CounterGroup& group, const Counter& counter);

// Threshold values read from the command line, validated once.
struct CounterThresholds {
  std::optional<Range> unknown, warning, critical;       // numeric counters
  Expression unknown_expr, warning_expr, critical_expr;  // status counters
};

// Everything the evaluation needs from the command line.
struct CounterSettings {
  std::map<std::string, CounterThresholds> thresholds;  // by counter label
  std::optional<Regex> filter_counters;
  std::optional<Regex> filter_counters_block;  // groups whose name matches are not evaluated
  std::optional<Regex> display_ok_counters;    // counters shown even when display_ok is false
  int float_precision = 8;
};

// Validates the threshold options of every counter of the groups. getter returns the option's
// value, nullopt when it was not given (an empty value given clears a default expression).
// On error returns the message for the status line.
using OptionGetter = std::function<std::optional<std::string>(const std::string&)>;
std::optional<std::string> read_counter_settings(const std::vector<CounterGroup>& groups, const OptionGetter& getter,
                                                 CounterSettings& settings);

// Evaluates every group in order into the report (messages, long output, perfdata).
void evaluate_counters(const std::vector<CounterGroup>& groups, const CounterSettings& settings, Report& report);

}  // namespace check_mail::output
