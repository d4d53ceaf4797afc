#include "check_mail/cli/command_line.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cmath>
#include <set>

#include "centreon_options.hpp"
#include "check_mail/cli/mode_registry.hpp"
#include "check_mail/util/strings.hpp"
#include "check_mail/version.hpp"

namespace check_mail::cli {
namespace {

using output::Status;

constexpr std::string_view kCentreonPlugin = "apps::smartermail::restapi::plugin";

// The value of --mode (or another option) found by a first pass over argv, before the mode's
// own options are known.
std::string prescan(const std::vector<std::string>& args, const std::string& name) {
  std::string value;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--" + name && i + 1 < args.size()) value = args[++i];
    else if (arg.rfind("--" + name + "=", 0) == 0) value = arg.substr(name.size() + 3);
  }
  return value;
}

bool prescan_flag(const std::vector<std::string>& args, std::initializer_list<std::string_view> names) {
  return std::any_of(args.begin(), args.end(), [&](const std::string& arg) {
    return std::find(names.begin(), names.end(), arg) != names.end();
  });
}

// Every long name must be known: a clear message instead of CLI11's generic one.
void reject_unknown_options(const std::vector<std::string>& args, const std::vector<OptionSpec>& specs) {
  // A linear scan per argument: a handful of arguments against ~130 declarations costs less
  // than building lookup sets on every start.
  auto known_long = [&](std::string_view name) {
    return std::any_of(specs.begin(), specs.end(), [&](const OptionSpec& spec) {
      return spec.name == name || std::find(spec.aliases.begin(), spec.aliases.end(), name) != spec.aliases.end();
    });
  };
  auto known_short = [&](char letter) {
    return std::any_of(specs.begin(), specs.end(),
                       [&](const OptionSpec& spec) { return spec.short_names.find(letter) != std::string::npos; });
  };
  for (const std::string& arg : args) {
    if (arg == "--") break;
    if (arg.rfind("--", 0) == 0) {
      std::string_view name = std::string_view(arg).substr(2, arg.find('=') == std::string::npos ? std::string::npos
                                                                                                 : arg.find('=') - 2);
      if (!known_long(name)) throw UsageError{"Unknown option '--" + util::sanitize_line(name, 60) + "' (see --help)"};
    } else if (arg.size() >= 2 && arg[0] == '-' && !std::isdigit(static_cast<unsigned char>(arg[1])) &&
               !known_short(arg[1])) {
      throw UsageError{"Unknown option '-" + std::string(1, arg[1]) + "' (see --help)"};
    }
  }
}

Options parse(const std::vector<std::string>& args, const std::vector<OptionSpec>& specs) {
  reject_unknown_options(args, specs);
  CLI::App app{"check_mail"};
  app.set_help_flag();
  app.allow_extras(false);
  std::vector<std::pair<const OptionSpec*, CLI::Option*>> bound;
  for (const OptionSpec& spec : specs) {
    // Only the options the command line may name are handed to CLI11: registering one costs a
    // check against every option already registered, and a mode with ~130 declared options
    // (the smtp mode's thresholds) spent about a millisecond there on every run. Every token
    // was checked against all declarations above, and defaults come from the declarations.
    if (!may_be_named(spec, args)) continue;
    std::string names = "--" + spec.name;
    for (const std::string& alias : spec.aliases) names += ",--" + alias;
    for (char c : spec.short_names) names += std::string(",-") + c;
    CLI::Option* option = spec.value_name.empty() ? app.add_flag(names) : app.add_option(names)->expected(0, 1);
    option->multi_option_policy(spec.repeatable || spec.value_name.empty() ? CLI::MultiOptionPolicy::TakeAll
                                                                           : CLI::MultiOptionPolicy::TakeLast);
    bound.emplace_back(&spec, option);
  }
  std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 consumes from the back
  try {
    app.parse(reversed);
  } catch (const CLI::ExtrasError& e) {
    // Not echoed: a stray word is often a value that lost its option ("--api-password= secret").
    throw UsageError{"Command line error: unexpected argument(s) that are not options (values go with their "
                     "option: --name=value or --name value)"};
  } catch (const CLI::ParseError& e) {
    throw UsageError{std::string("Command line error: ") + e.what()};
  }
  Options options;
  options.set_defaults(specs);
  for (const auto& [spec, option] : bound) {
    if (option->count() == 0) continue;
    std::vector<std::string> values = option->results();
    if (values.empty()) values.push_back("");
    if (spec->value_name.empty()) values = {""};
    options.set(spec->name, values);
  }
  return options;
}

output::RenderOptions render_options(const Options& options, const std::string& mode, std::vector<std::string>& notes) {
  output::RenderOptions render;
  render.plugin_name = std::string(kCentreonPlugin);
  render.mode_name = mode;
  render.verbose = options.flag("verbose");
  render.debug = options.flag("debug");
  render.json = options.flag("output-json");
  render.ignore_perfdata = options.flag("output-ignore-perfdata");
  render.ignore_label = options.flag("output-ignore-label");
  // Read --opt-exit first: the errors below are reported under it.
  auto opt_exit = output::parse_status(options.get("opt-exit"));
  if (!opt_exit) throw UsageError{"Unknown value '" + options.get("opt-exit") + "' for --opt-exit."};
  render.opt_exit = *opt_exit;
  if (options.given("range-perfdata")) {
    std::string value = options.get("range-perfdata");
    if (value.empty()) value = "1";
    if (value != "0" && value != "1" && value != "2") throw UsageError{"Wrong range-perfdata option '" + value + "'"};
    render.range_perfdata = value[0] - '0';
  }
  if (!options.get("filter-perfdata").empty()) {
    output::Regex::Error error;
    render.filter_perfdata = output::Regex::try_compile(options.get("filter-perfdata"), "", &error);
    if (!render.filter_perfdata) throw UsageError{"Invalid regular expression in --filter-perfdata: " + error.message};
  }
  for (const std::string& change : options.all("change-short-output")) {
    output::Regex::Error error;
    auto substitution = output::parse_substitution(change, &error);
    if (!substitution) throw UsageError{"Invalid regular expression in --change-short-output: " + error.message};
    render.change_short_output.push_back(std::move(*substitution));
  }
  read_centreon_render_options(options, render, notes);
  for (const std::string& change : options.all("change-exit")) {
    auto parts = util::split(change, '=');
    auto from = parts.size() == 2 ? output::parse_status(parts[0]) : std::nullopt;
    auto to = parts.size() == 2 ? output::parse_status(parts[1]) : std::nullopt;
    if (from && to) render.change_exit[*from] = *to;  // the original ignores malformed pairs too
  }
  return render;
}

double timeout_seconds(const Options& options, const modes::ModeDefinition& mode) {
  if (!options.given("timeout") || options.get("timeout").empty()) return mode.default_timeout;
  auto value = util::parse_number(options.get("timeout"));
  if (value && *value == 0) return mode.default_timeout;  // Centreon accepts 0; a check still needs an end
  if (!value || *value < 0 || *value > 3600) throw UsageError{"Wrong --timeout value '" + options.get("timeout") + "' (seconds, up to 3600)."};
  return *value;
}

Outcome usage_outcome(const std::string& text) { return {text, 3}; }

Outcome error_outcome(const output::RenderOptions& render, const std::string& message,
                      std::optional<Status> status = std::nullopt) {
  output::Report report;
  auto rendered = report.render_error(render, message, status);
  return {rendered.text, rendered.exit_code};
}

Outcome run_mode(const modes::ModeDefinition& mode, const std::vector<std::string>& args,
                 void (*arm_watchdog)(double)) {
  output::RenderOptions render;
  render.plugin_name = std::string(kCentreonPlugin);
  render.mode_name = std::string(mode.name);
  output::Report report;
  try {
    std::vector<output::CounterGroup> groups = mode.counters();
    Options options = parse(args, command_line_option_specs(mode, groups, args));
    std::vector<std::string> notes;
    render = render_options(options, std::string(mode.name), notes);
    if (options.flag("help")) return usage_outcome(mode_help(mode));
    if (options.flag("list-counters")) return list_counters(groups, render);
    if (options.flag("disco-format") || options.flag("disco-show")) return discovery(options);
    for (const std::string& note : notes) report.add_long(note, true);
    for (const std::string& note : accepted_option_notes(options)) report.add_long(note);
    double timeout = timeout_seconds(options, mode);
    if (auto global = util::parse_number(options.get("global-timeout")); global && *global >= 1)
      timeout = std::min(timeout, std::floor(*global));  // Centreon's alarm() takes whole seconds
    if (arm_watchdog) arm_watchdog(timeout);

    if (mode.normalize) mode.normalize(options);
    output::CounterSettings settings;
    auto precision = util::parse_integer(options.get("float-precision"), 0, 20);
    if (!precision) throw UsageError{"Wrong --float-precision value '" + options.get("float-precision") + "'."};
    settings.float_precision = static_cast<int>(*precision);
    if (!options.get("filter-counters").empty()) {
      output::Regex::Error error;
      settings.filter_counters = output::Regex::try_compile(options.get("filter-counters"), "", &error);
      if (!settings.filter_counters) throw UsageError{"Invalid regular expression in --filter-counters: " + error.message};
    }
    auto getter = [&](const std::string& name) -> std::optional<std::string> {
      if (!options.given(name)) return std::nullopt;
      return options.get(name);
    };
    if (auto error = output::read_counter_settings(groups, getter, settings)) throw UsageError{*error};
    read_centreon_counter_options(options, settings);

    modes::ModeRun run{options, report, groups, transport::Deadline::after_seconds(timeout),
                       render.verbose || render.debug, render.debug};
    mode.run(run);
    output::evaluate_counters(groups, settings, report);
    auto rendered = report.render(render);
    if (!options.get("output-file").empty()) {
      if (auto error = write_output_file(options.get("output-file"), rendered.text)) {
        report.add(Status::Unknown, "cannot open file  '" + options.get("output-file") + "': " + *error);
        rendered = report.render(render);
      } else {
        rendered.text.clear();
      }
    }
    return {rendered.text, rendered.exit_code};
  } catch (const UsageError& e) {
    return error_outcome(render, e.message);
  } catch (const modes::CheckError& e) {
    auto rendered = e.has_status() ? report.render_error(render, e.what(), e.status()) : report.render_error(render, e.what());
    return {rendered.text, rendered.exit_code};
  } catch (const std::exception& e) {
    return error_outcome(render, std::string("Internal error: ") + e.what());
  }
}

}  // namespace

Outcome run_check(const std::vector<std::string>& command_line, void (*arm_watchdog)(double)) {
  output::RenderOptions render;  // plain text, UNKNOWN: errors before a mode is known
  try {
    const std::vector<std::string> args = centreon_arguments(command_line);
    if (prescan_flag(args, {"--version", "-V"})) return usage_outcome(std::string(kProgramName) + " " + kVersion + "\n");
    std::string plugin = prescan(args, "plugin");
    if (!plugin.empty() && plugin != kCentreonPlugin)
      return error_outcome(render, "Unknown plugin '" + util::sanitize_line(plugin, 80) + "': check_mail replaces " +
                                       std::string(kCentreonPlugin) + " only.");
    if (auto action = centreon_script_actions(args)) return *action;
    if (prescan_flag(args, {"--list-mode"})) return usage_outcome(list_modes());
    std::string mode_name = prescan(args, "mode");
    if (mode_name.empty()) mode_name = dyn_mode_name(args);
    bool help = prescan_flag(args, {"--help", "-h"});
    if (mode_name.empty()) {
      if (help || args.empty()) return usage_outcome(global_help());
      return error_outcome(render, "Need to specify '--mode' option (see --list-mode).");
    }
    const modes::ModeDefinition* mode = find_mode(mode_name);
    if (!mode)
      return error_outcome(render, "mode '" + util::sanitize_line(mode_name, 60) +
                                       "' doesn't exist (use --list-mode option to show available modes).");
    return run_mode(*mode, args, arm_watchdog);
  } catch (const std::exception& e) {
    return error_outcome(render, std::string("Internal error: ") + e.what());
  }
}

}  // namespace check_mail::cli
