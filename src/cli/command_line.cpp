#include "check_mail/cli/command_line.hpp"

#include <algorithm>
#include <cmath>

#include "centreon_options.hpp"
#include "check_mail/cli/argument_scanner.hpp"
#include "check_mail/cli/mode_registry.hpp"
#include "check_mail/util/strings.hpp"
#include "check_mail/version.hpp"

namespace check_mail::cli {
namespace {

using output::Status;

constexpr std::string_view kCentreonPlugin = "apps::smartermail::restapi::plugin";

// A first pass over argv before the mode is known, with every mode's declarations: it finds
// --mode, --plugin, --help, --version and --list-mode without taking an option's value for one
// ("-P -V" is a password). The modes agree on which names take a value (a unit test checks it).
Options every_mode_pass(const std::vector<std::string>& args) {
  std::vector<OptionSpec> specs = global_option_specs();
  for (const modes::ModeDefinition* mode : all_modes()) {
    std::vector<OptionSpec> own = command_line_option_specs(*mode, mode->counters(), args);
    specs.insert(specs.end(), std::make_move_iterator(own.begin()), std::make_move_iterator(own.end()));
  }
  // Where modes disagree (Centreon's --ssl=VERSION, the smtp mode's --ssl flag) the flag is read:
  // a value then left over is skipped, where a value-taking reading could swallow --mode.
  std::stable_partition(specs.begin(), specs.end(), [](const OptionSpec& spec) { return spec.value_name.empty(); });
  return scan_arguments(args, specs, UnknownOptions::skip);
}

// The first pass. A command line that names its mode is read with that mode's declarations
// alone: when every option is one the mode knows, that reading is the one every mode's would
// give (they agree on which names take a value), without building every mode's declarations
// on each run (docs/building.md has the measurement). Otherwise (no mode named, an option the mode
// does not know, another mode found, or --ssl, the one name the modes read differently) every
// mode's declarations decide.
struct FirstPass {
  Options options;
  bool mode_reading = false;                 // options is the named mode's own reading of argv: run_mode's
  std::vector<output::CounterGroup> groups;  // with mode_reading: the mode's counters, read with it
};

FirstPass first_pass(const std::vector<std::string>& args) {
  const std::string named = scan_arguments(args, global_option_specs(), UnknownOptions::skip).get("mode");
  const modes::ModeDefinition* mode = named.empty() ? nullptr : find_mode(named);
  const bool names_ssl = std::any_of(
      args.begin(), args.end(), [](const std::string& arg) { return arg == "--ssl" || arg.rfind("--ssl=", 0) == 0; });
  if (mode != nullptr && !names_ssl) {
    try {
      std::vector<output::CounterGroup> groups = mode->counters();
      Options options = scan_arguments(args, command_line_option_specs(*mode, groups, args));
      if (options.get("mode") == named) return {std::move(options), true, std::move(groups)};
    } catch (const UsageError&) {
      // an option this mode does not know: every mode's declarations decide
    }
  }
  return {every_mode_pass(args), false, {}};
}

output::RenderOptions render_options(const Options& options, const std::string& mode, std::vector<std::string>& notes) {
  output::RenderOptions render;
  render.plugin_name = std::string(kCentreonPlugin);
  render.mode_name = mode;
  // Graded as the plugin guidelines' levels: -v and -vv the long output, -vvv (3) adds --debug.
  render.verbose = options.flag("verbose");
  render.debug = options.flag("debug") || options.all("verbose").size() >= 3;
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
  if (!value || *value < 0 || *value > 3600)
    throw UsageError{"Wrong --timeout value '" + options.get("timeout") + "' (seconds, up to 3600)."};
  return *value;
}

Outcome usage_outcome(const std::string& text) { return {text, 3}; }

Outcome error_outcome(const output::RenderOptions& render, const std::string& message,
                      std::optional<Status> status = std::nullopt) {
  output::Report report;
  auto rendered = report.render_error(render, message, status);
  return {rendered.text, rendered.exit_code};
}

// pass: the first pass, when it read argv as this mode does (its options and counters are reused).
Outcome run_mode(const modes::ModeDefinition& mode, const std::vector<std::string>& args, FirstPass* pass,
                 StartedHook on_started) {
  output::RenderOptions render;
  render.plugin_name = std::string(kCentreonPlugin);
  render.mode_name = std::string(mode.name);
  output::Report report;
  try {
    std::vector<output::CounterGroup> groups = pass != nullptr ? std::move(pass->groups) : mode.counters();
    Options options = pass != nullptr ? std::move(pass->options)
                                      : scan_arguments(args, command_line_option_specs(mode, groups, args));
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
    if (on_started) on_started(timeout, render);

    if (mode.normalize) mode.normalize(options);
    output::CounterSettings settings;
    auto precision = util::parse_integer(options.get("float-precision"), 0, 20);
    if (!precision) throw UsageError{"Wrong --float-precision value '" + options.get("float-precision") + "'."};
    settings.float_precision = static_cast<int>(*precision);
    if (!options.get("filter-counters").empty()) {
      output::Regex::Error error;
      settings.filter_counters = output::Regex::try_compile(options.get("filter-counters"), "", &error);
      if (!settings.filter_counters)
        throw UsageError{"Invalid regular expression in --filter-counters: " + error.message};
    }
    auto getter = [&](const std::string& name) -> std::optional<std::string> {
      if (!options.given(name)) return std::nullopt;
      return options.get(name);
    };
    if (auto error = output::read_counter_settings(groups, getter, settings)) throw UsageError{*error};
    read_centreon_counter_options(options, settings);

    modes::ModeRun run{
        options,     report, groups, transport::Deadline::after_seconds(timeout), render.verbose || render.debug,
        render.debug};
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
    auto rendered =
        e.has_status() ? report.render_error(render, e.what(), e.status()) : report.render_error(render, e.what());
    return {rendered.text, rendered.exit_code};
  } catch (const std::exception& e) {
    return error_outcome(render, std::string("Internal error: ") + e.what());
  }
}

}  // namespace

std::string interrupt_text(const output::RenderOptions& render, const std::string& message) {
  return output::Report().render_error(render, message, Status::Unknown).text;
}

Outcome run_check(const std::vector<std::string>& command_line, StartedHook on_started) {
  output::RenderOptions render;  // plain text, UNKNOWN: errors before a mode is known
  try {
    FirstPass pass = first_pass(command_line);
    std::vector<std::string> args = command_line;
    if (pass.options.given("convert-args")) {  // rewrites the words: read them again
      args = centreon_arguments(command_line, pass.options);
      pass = first_pass(args);
    }
    const Options& first = pass.options;  // run_mode may take it over: last used before that call
    if (first.flag("version")) return usage_outcome(std::string(kProgramName) + " " + kVersion + "\n");
    std::string plugin = first.get("plugin");
    if (!plugin.empty() && plugin != kCentreonPlugin)
      return error_outcome(render, "Unknown plugin '" + util::sanitize_line(plugin, 80) + "': check_mail replaces " +
                                       std::string(kCentreonPlugin) + " only.");
    if (auto action = centreon_script_actions(first)) return *action;
    if (first.flag("list-mode")) return usage_outcome(list_modes());
    std::string mode_name = first.get("mode");
    if (mode_name.empty()) mode_name = dyn_mode_name(first);
    bool help = first.flag("help");
    if (mode_name.empty()) {
      if (help || args.empty()) return usage_outcome(global_help());
      return error_outcome(render, "Need to specify '--mode' option (see --list-mode).");
    }
    const modes::ModeDefinition* mode = find_mode(mode_name);
    if (!mode)
      return error_outcome(render, "mode '" + util::sanitize_line(mode_name, 60) +
                                       "' doesn't exist (use --list-mode option to show available modes).");
    const bool reuse = pass.mode_reading && mode->name == first.get("mode");
    return run_mode(*mode, args, reuse ? &pass : nullptr, on_started);
  } catch (const UsageError& e) {
    return error_outcome(render, e.message);
  } catch (const std::exception& e) {
    return error_outcome(render, std::string("Internal error: ") + e.what());
  }
}

}  // namespace check_mail::cli
