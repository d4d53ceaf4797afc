#include "centreon_options.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include <nlohmann/json.hpp>

#include "check_mail/cli/mode_registry.hpp"
#include "check_mail/util/strings.hpp"

namespace check_mail::cli {
namespace {

constexpr std::string_view kPlugin = "apps::smartermail::restapi::plugin";
constexpr std::string_view kModePackage = "apps::smartermail::restapi::mode::";

OptionSpec spec(std::string name, std::string value, std::string help, const std::string& section,
                bool repeatable = false, std::string def = "") {
  return OptionSpec{std::move(name), std::move(value), std::move(help), std::move(def), {}, "", repeatable,
                    false,           section};
}

// Accepted for Centreon command lines but not listed in --help, the man page or the Icinga
// definitions: they change nothing a new command line would want (docs/modes/smartermail.md).
OptionSpec compat(std::string name, std::string value, std::string help, const std::string& section,
                  bool repeatable = false) {
  OptionSpec option = spec(std::move(name), std::move(value), std::move(help), section, repeatable);
  option.hidden = true;
  return option;
}

Outcome unknown(const std::string& message) { return {"UNKNOWN: " + message + "\n", 3}; }

// %(name) and %{name}, as Centreon's expressions write variables, in our expression syntax.
std::string as_expression(std::string text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 1 < text.size() && text[i + 1] == '(') {
      auto end = text.find(')', i + 2);
      if (end != std::string::npos) {
        out += "%{" + text.substr(i + 2, end - i - 2) + "}";
        i = end;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

output::Expression parse_expression(const std::string& option, const std::string& text,
                                    const std::vector<std::string>& variables) {
  output::ExpressionError error;
  output::Expression expression = output::Expression::parse(as_expression(text), variables, &error);
  if (!error.message.empty())
    throw UsageError{"Syntax error in --" + option + " at position " + std::to_string(error.position) + ": " +
                     error.message};
  return expression;
}

std::optional<output::Regex> regex_option(const Options& options, const std::string& option) {
  std::string pattern = options.get(option);
  if (pattern.empty()) return std::nullopt;
  output::Regex::Error error;
  auto regex = output::Regex::try_compile(pattern, "", &error);
  if (!regex) throw UsageError{"Invalid regular expression in --" + option + ": " + error.message};
  return regex;
}

}  // namespace

std::vector<OptionSpec> centreon_output_option_specs() {
  const std::string section = "Centreon output options";
  return {
      spec("filter-perfdata-adv", "EXPRESSION",
           "Keep the perfdata for which this holds: %(label), %(value), %(unit), %(warning), %(critical), %(min), "
           "%(max), e.g. 'not (%(value) == 0 and %(max) eq \"\")'.",
           section),
      spec("change-perfdata", "SPEC",
           "Rewrite the perfdata: SPEC lists, separated by commas, match (a regex), then optional label (may use "
           "$1), method(args), unit, min, max, warning, critical. Methods: invert(), percent(), scale(), "
           "math(expr[|1]), min(), "
           "max(), average(), sum().",
           section, true),
      spec("extend-perfdata", "SPEC", "As --change-perfdata, adding new perfdata.", section, true),
      spec("extend-perfdata-group", "SPEC",
           "Add perfdata aggregating others: SPEC lists, separated by commas, an optional match, the label, "
           "min(regex), max(regex), average(regex) or sum(regex), then optional unit, min, max.",
           section, true),
      spec("explode-perfdata-max", "MATCH,LABEL", "Add a '<label>_max' perfdata for each perfdata with a max.", section,
           true),
      spec("change-long-output", "SUBSTITUTION", "Rewrite the long output: pattern~replacement~flags.", section, true),
      spec("change-output-adv", "SPEC",
           "expression,[output],[state]: when the expression holds (%{short_output}, %{exit_code}), print output "
           "and/or exit with state.",
           section, true),
      spec("filter-uom", "REGEX", "Blank the units that do not match.", section),
      spec("output-xml", "", "Print one XML document instead of the text output.", section),
      spec("output-openmetrics", "", "Print the perfdata as OpenMetrics samples.", section),
      spec("output-file", "FILE", "Write the output to this file instead of stdout.", section),
      spec("filter-counters-block", "REGEX", "Skip the counter groups whose name matches (spools, services, global).",
           section),
      spec("display-ok-counters", "REGEX", "Show these counters in the output even when OK.", section),
      spec("list-counters", "", "List the mode's counters (with --verbose: their JSON description) and exit.", section),
      compat("disco-format", "", "Discovery macros (XML; JSON with --output-json); the SmarterMail modes have none.",
             section),
      compat("disco-show", "", "Discovered objects (XML; JSON with --output-json); the SmarterMail modes have none.",
             section),
      compat("use-new-perfdata", "", "Accepted: perfdata always use the new labels.", section),
      compat("debug-stream", "", "Accepted as --debug: the status line stays first and secrets are never printed.",
             section),
      compat("source-encoding", "ENCODING", "Accepted: API replies are JSON, UTF-8 by definition.", section),
      compat("show-password", "", "Accepted: check_mail never prints secrets.", section),
  };
}

std::vector<OptionSpec> centreon_script_option_specs() {
  const std::string section = "Centreon script options";
  return {
      compat("list-plugin", "", "List the plugin check_mail replaces and exit (UNKNOWN, as Centreon).", section),
      compat("list-custommode", "", "List the custom modes (api) and exit.", section),
      compat("custommode", "api", "Centreon's custom mode: api only.", section),
      compat("dyn-mode", "PACKAGE", "The mode by package name (apps::smartermail::restapi::mode::spools).", section),
      compat("multiple", "", "Accepted: Centreon's flag for multi-host custom modes; without effect here.", section),
      compat("global-timeout", "SECONDS", "Ends the whole run after this many seconds, if before --timeout.", section),
      compat("ignore-warn-msg", "", "Accepted: check_mail prints no interpreter warnings.", section),
      compat("environment", "NAME=VALUE", "Set an environment variable for the check (e.g. a proxy).", section, true),
      compat("convert-args", "SEARCH,REPLACE", "Rewrite every argument with s/SEARCH/REPLACE/g first.", section),
      compat("runas", "USER", "Centreon re-runs itself as USER; check_mail runs only as that user (see the docs).",
             section),
      compat("no-sanity-options", "", "Accepted: without effect.", section),
  };
}

std::vector<std::string> centreon_arguments(std::vector<std::string> args, const Options& first) {
  if (!first.given("convert-args")) return args;
  const std::optional<std::string> convert = first.get("convert-args");
  auto comma = convert->find(',');
  if (comma == std::string::npos || comma == 0) return args;  // Centreon's /^(.+?),(.*)/ does not match
  auto search = output::Regex::try_compile(convert->substr(0, comma));
  if (!search) return args;  // Centreon's eval of a bad pattern changes nothing
  std::string replace = convert->substr(comma + 1);
  for (std::string& arg : args)
    if (auto changed = search->substitute(arg, replace, true)) arg = *changed;
  return args;
}

std::optional<Outcome> centreon_script_actions(const Options& first) {
  for (const std::string& item : first.all("environment")) {
    auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0) continue;
    ::setenv(item.substr(0, eq).c_str(), item.substr(eq + 1).c_str(), 1);
  }
  if (first.given("list-plugin"))
    return Outcome{"\n-----------------\nPLUGIN: " + std::string(kPlugin) +
                       "\nDESCRIPTION:\n    Check SmarterMail software using Rest API (check_mail).\n\n",
                   3};
  if (first.given("list-custommode"))
    return Outcome{
        "\nPlugin Description:\n    Check SmarterMail software using Rest API (check_mail).\n\n"
        "Custom Modes Available:\n   api\n",
        3};
  if (auto custom = std::optional<std::string>(first.get("custommode")); !custom->empty() && *custom != "api")
    return unknown("mode '" + util::sanitize_line(*custom, 60) +
                   "' doesn't exist (use --list-custommode option to show available modes).");
  if (auto user = std::optional<std::string>(first.get("runas")); !user->empty()) {
    errno = 0;
    struct passwd* entry = ::getpwnam(user->c_str());
    if (!entry) return unknown("Runas user '" + util::sanitize_line(*user, 60) + "' not exist.");
    if (entry->pw_uid != ::geteuid())
      return unknown("--runas: check_mail does not switch users; run it as '" + util::sanitize_line(*user, 60) +
                     "' (e.g. with sudo -u in the command definition)");
  }
  return std::nullopt;
}

std::string dyn_mode_name(const Options& first) {
  auto package = std::optional<std::string>(first.get("dyn-mode"));
  if (package->empty()) return "";
  if (package->rfind(kModePackage, 0) == 0) return package->substr(kModePackage.size());
  return *package;  // reported as a mode that does not exist
}

void read_centreon_render_options(const Options& options, output::RenderOptions& render,
                                  std::vector<std::string>& notes) {
  render.xml = options.flag("output-xml") || options.flag("disco-format") || options.flag("disco-show");
  render.openmetrics = options.flag("output-openmetrics");
  if (options.flag("debug-stream")) render.debug = true;
  if (!options.get("filter-perfdata-adv").empty())
    render.filter_perfdata_adv = parse_expression("filter-perfdata-adv", options.get("filter-perfdata-adv"), {});
  render.filter_uom = regex_option(options, "filter-uom");
  for (const std::string& change : options.all("change-long-output")) {
    output::Regex::Error error;
    auto substitution = output::parse_substitution(change, &error);
    if (!substitution) throw UsageError{"Invalid regular expression in --change-long-output: " + error.message};
    render.change_long_output.push_back(std::move(*substitution));
  }
  for (const std::string& change : options.all("change-output-adv")) {
    auto parts = util::split(change, ',');
    if (parts.empty() || parts[0].empty()) continue;  // skipped, as Centreon does
    output::RenderOptions::OutputChange entry;
    entry.condition = parse_expression("change-output-adv", parts[0], {"short_output", "exit_code"});
    entry.short_output = parts.size() > 1 ? parts[1] : "";
    if (parts.size() > 2) entry.exit = output::parse_status(parts[2]);
    render.change_output_adv.push_back(std::move(entry));
  }
  using Kind = output::PerfdataRewrite::Kind;
  for (auto [option, kind] : {std::pair{"change-perfdata", Kind::Change}, std::pair{"extend-perfdata", Kind::Extend},
                              std::pair{"extend-perfdata-group", Kind::Group}})
    for (const std::string& value : options.all(option))
      if (auto error = render.rewrite.add(kind, value, notes)) throw UsageError{*error};
  for (const std::string& value : options.all("explode-perfdata-max"))
    if (auto error = render.rewrite.add_explode(value)) throw UsageError{*error};
}

void read_centreon_counter_options(const Options& options, output::CounterSettings& settings) {
  settings.filter_counters_block = regex_option(options, "filter-counters-block");
  settings.display_ok_counters = regex_option(options, "display-ok-counters");
}

Outcome list_counters(const std::vector<output::CounterGroup>& groups, const output::RenderOptions& render) {
  // Centreon walks its counter groups by sorted name, keeping each group's counter order.
  std::vector<const output::CounterGroup*> sorted;
  for (const output::CounterGroup& group : groups) sorted.push_back(&group);
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->name < b->name; });
  nlohmann::json description = nlohmann::json::object();
  std::string list, pack;
  for (const output::CounterGroup* group : sorted)
    for (const output::Counter& counter : group->counters) {
      nlohmann::json metric = {
          {"nlabel", counter.nlabel}, {"min", ""}, {"max", ""}, {"unit", ""}, {"output_template", ""}};
      if (counter.kind == output::Counter::Kind::Numeric && counter.perfdata) {
        if (!counter.min.empty()) {
          auto min = util::parse_number(counter.min);
          // A number as Centreon's JSON writes it (0, not 0.0).
          if (min && *min == std::floor(*min) && std::fabs(*min) < 1e15)
            metric["min"] = static_cast<long long>(*min);
          else
            metric["min"] = min ? nlohmann::json(*min) : nlohmann::json(counter.min);
        }
        if (!counter.max.empty()) metric["max"] = counter.max;
        metric["unit"] = counter.unit;
        metric["output_template"] = counter.perfdata_template;
      }
      description["metrics"][counter.label] = metric;
      list += counter.label + " ";
      std::string macro = util::replace_all(counter.label, "-", "_");
      for (char& c : macro) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      pack += " --warning-" + counter.label + "='$_SERVICEWARNING_" + macro + "$' --critical-" + counter.label +
              "='$_SERVICECRITICAL_" + macro + "$'";
    }
  description["counter list"] = list;
  description["pack configuration"] = pack + " $_SERVICEEXTRA_OPTIONS$";
  std::string text = "counter list: " + list + "\n";
  if (render.verbose || render.debug) text += description.dump(3) + "\n";
  return {text, 0};
}

Outcome discovery(const Options& options) {
  if (options.flag("output-json")) return {"{\"data\":[]}", 0};
  return {"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<data/>\n", 0};
}

std::optional<std::string> write_output_file(const std::string& path, const std::string& text) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file) return std::string(std::strerror(errno));
  file << text;
  file.close();
  if (!file) return std::string("write failed");
  return std::nullopt;
}

std::vector<std::string> accepted_option_notes(const Options& options) {
  std::vector<std::string> notes;
  for (const char* option : {"use-new-perfdata", "source-encoding", "show-password", "ignore-warn-msg",
                             "no-sanity-options", "multiple", "debug-stream"})
    if (options.given(option)) notes.push_back(std::string("--") + option + " accepted without effect for check_mail");
  return notes;
}

}  // namespace check_mail::cli
