// The options every mode shares, and the threshold options derived from a mode's counters.
#include "check_mail/cli/command_line.hpp"

#include "centreon_options.hpp"

namespace check_mail::cli {

std::vector<OptionSpec> global_option_specs() {
  const std::string section = "General options";
  // One option per line, as --help lists them.
  // clang-format off
  std::vector<OptionSpec> specs = {
      {"mode", "MODE", "The check to run (see --list-mode).", "", {}, "", false, false, section},
      {"plugin", "NAME",
       "Accepted so Centreon command lines work unchanged: apps::smartermail::restapi::plugin.", "", {}, "", false, false, section},
      {"list-mode", "", "List the modes and exit.", "", {}, "", false, false, section},
      {"help", "", "Show help (of the mode, with --mode) and exit.", "", {}, "h", false, false, section},
      {"version", "", "Show the version and exit.", "", {}, "V", false, false, section},
      {"timeout", "SECONDS", "The whole check, retries included, ends within this time.", "", {}, "t", false, false, section},
      {"verbose", "", "Long output: one line per instance, the protocol dialogue with timings. Given three times (-vvv), also --debug.", "", {}, "v", false, false, section},
      {"debug", "", "Even more long output (requests and decisions; secrets are never shown).", "", {}, "", false, false, section},
  };
  // clang-format on
  for (OptionSpec& spec : centreon_script_option_specs()) specs.push_back(std::move(spec));
  return specs;
}

namespace {

std::vector<OptionSpec> output_option_specs() {
  const std::string section = "Output options";
  // One option per line, as --help lists them.
  // clang-format off
  std::vector<OptionSpec> specs = {
      {"filter-perfdata", "REGEX", "Only keep the perfdata whose label matches.", "", {}, "", false, false, section},
      {"filter-counters", "REGEX", "Only evaluate the counters whose label matches (e.g. 'spool-messages').", "", {}, "", false, false, section},
      {"change-short-output", "PATTERN~REPLACEMENT~FLAGS", "Rewrite the status line (Perl regex substitution; flags g, i).", "", {}, "", true, false, section},
      {"change-exit", "FROM=TO", "Change an exit state, e.g. CRITICAL=WARNING (repeatable).", "", {}, "", true, false, section},
      {"opt-exit", "STATE", "State of a check that cannot be carried out (bad option, unreachable API).", "unknown", {}, "", false, false, section},
      {"range-perfdata", "0|1|2", "Thresholds in perfdata: 0 as is, 1 without a zero start, 2 none.", "", {}, "", false, false, section},
      {"output-json", "", "Print one JSON document instead of the text output.", "", {}, "", false, false, section},
      {"output-ignore-perfdata", "", "Leave out the perfdata.", "", {}, "", false, false, section},
      {"output-ignore-label", "", "Leave out the 'OK: ' / 'CRITICAL: ' labels.", "", {}, "", false, false, section},
      {"float-precision", "DIGITS", "Digits used when comparing decimal values with thresholds.", "8", {}, "", false, false, section},
  };
  // clang-format on
  for (OptionSpec& spec : centreon_output_option_specs()) specs.push_back(std::move(spec));
  return specs;
}

std::string status_help(const std::string& level, const output::Counter& counter) {
  std::string joined;
  for (const auto& variable : counter.variables) joined += (joined.empty() ? "" : "}, %{") + variable;
  return level + " state when this expression holds; variables: %{" + joined + "}.";
}

// Three options per counter (warning, critical, unknown). With `args`, only those the command
// line may name: they are most of a mode's declarations, and only --help needs them all.
std::vector<OptionSpec> threshold_option_specs(const std::vector<output::CounterGroup>& groups,
                                               const std::vector<std::string>* args) {
  const std::string section = "Thresholds";
  std::vector<OptionSpec> specs;
  for (const output::CounterGroup& group : groups) {
    for (const output::Counter& counter : group.counters) {
      output::ThresholdNames names = output::threshold_names(group, counter);
      for (std::string level : {"warning", "critical", "unknown"}) {
        OptionSpec spec;
        spec.name = level + "-" + names.primary;
        if (names.alias) spec.aliases.push_back(level + "-" + *names.alias);
        spec.short_names = level == "warning"    ? counter.short_warning
                           : level == "critical" ? counter.short_critical
                                                 : "";
        if (args && !may_be_named(spec, *args)) continue;
        spec.section = section;
        if (counter.kind == output::Counter::Kind::Status) {
          spec.value_name = "EXPRESSION";
          spec.help = status_help(level, counter);
          spec.default_value = level == "warning"    ? counter.default_warning
                               : level == "critical" ? counter.default_critical
                                                     : counter.default_unknown;
        } else {
          spec.value_name = "RANGE";
          spec.help = level + " threshold (Nagios range) on " + counter.nlabel + ".";
        }
        specs.push_back(std::move(spec));
      }
    }
  }
  return specs;
}

std::vector<OptionSpec> collect_option_specs(const modes::ModeDefinition& mode,
                                             const std::vector<output::CounterGroup>& groups,
                                             const std::vector<std::string>* args) {
  std::vector<OptionSpec> specs = global_option_specs();
  auto append = [&specs](std::vector<OptionSpec> part) {
    specs.insert(specs.end(), std::make_move_iterator(part.begin()), std::make_move_iterator(part.end()));
  };
  append(mode.options());
  append(threshold_option_specs(groups, args));
  append(output_option_specs());
  return specs;
}

}  // namespace

bool may_be_named(const OptionSpec& spec, const std::vector<std::string>& args) {
  auto long_match = [](const std::string& arg, const std::string& name) {
    return arg.size() >= name.size() + 2 && arg.compare(2, name.size(), name) == 0 &&
           (arg.size() == name.size() + 2 || arg[name.size() + 2] == '=');
  };
  for (const std::string& arg : args) {
    if (arg.size() < 2 || arg[0] != '-') continue;
    if (arg[1] == '-') {
      if (long_match(arg, spec.name)) return true;
      for (const std::string& alias : spec.aliases)
        if (long_match(arg, alias)) return true;
    } else if (!spec.short_names.empty() && arg.find_first_of(spec.short_names, 1) != std::string::npos) {
      return true;
    }
  }
  return false;
}

std::vector<OptionSpec> mode_option_specs(const modes::ModeDefinition& mode) {
  return collect_option_specs(mode, mode.counters(), nullptr);
}

std::vector<OptionSpec> command_line_option_specs(const modes::ModeDefinition& mode,
                                                  const std::vector<output::CounterGroup>& groups,
                                                  const std::vector<std::string>& args) {
  return collect_option_specs(mode, groups, &args);
}

}  // namespace check_mail::cli
