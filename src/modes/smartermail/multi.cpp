// --mode=multi: several SmarterMail modes in one run (Centreon's centreon::plugins::multi), their
// results in one status line. --option-mode='MODE,--name=value' gives one mode its own option.
#include <array>

#include "check_mail/modes/smartermail/api.hpp"
#include "check_mail/modes/smartermail/modes.hpp"
#include "check_mail/util/strings.hpp"

namespace check_mail::modes::smartermail {
namespace {

const std::array<const ModeDefinition*, 3> kModes = {&kSpoolsMode, &kServicesMode, &kLicensesMode};

std::vector<cli::OptionSpec> options() {
  const std::string section = "Mode options";
  // One option per line, as --help lists them.
  // clang-format off
  std::vector<cli::OptionSpec> specs = {
      {"modes-exec", "MODES", "The modes to run, separated by commas: spools, services, licenses (required).", "", {},
       "", false, false, section},
      {"option-mode", "MODE,--NAME=VALUE", "An option for one of the modes only (e.g. spools,--filter-spool=^wait).",
       "", {}, "", true, false, section},
  };
  // clang-format on
  // Every option of the modes it runs (each mode's api options are the same declarations).
  for (const ModeDefinition* mode : kModes)
    for (cli::OptionSpec& spec : mode->options()) {
      bool seen =
          std::any_of(specs.begin(), specs.end(), [&](const cli::OptionSpec& s) { return s.name == spec.name; });
      if (!seen) specs.push_back(std::move(spec));
    }
  return specs;
}

std::vector<output::CounterGroup> counters() {
  std::vector<output::CounterGroup> groups;
  for (const ModeDefinition* mode : kModes)
    for (output::CounterGroup& group : mode->counters()) groups.push_back(std::move(group));
  return groups;
}

// The options of one mode: the command line's, with its --option-mode values on top.
cli::Options mode_options(const cli::Options& options, const std::string& mode) {
  cli::Options own = options;
  for (const std::string& item : options.all("option-mode")) {
    auto comma = item.find(',');
    if (comma == std::string::npos || item.substr(0, comma) != mode) continue;
    std::string option = item.substr(comma + 1);
    auto eq = option.find('=');
    if (option.rfind("--", 0) != 0 || eq == std::string::npos)
      throw CheckError("--option-mode '" + util::sanitize_line(item, 80) + "': write it MODE,--name=value");
    own.set(option.substr(2, eq - 2), {option.substr(eq + 1)});
  }
  return own;
}

// Thresholds given with --option-mode become the command line's: their names are each mode's own,
// and the framework reads thresholds before the modes run.
void lift_option_mode_thresholds(cli::Options& options) {
  for (const std::string& item : options.all("option-mode")) {
    auto comma = item.find(',');
    if (comma == std::string::npos) continue;
    std::string option = item.substr(comma + 1);
    auto eq = option.find('=');
    if (option.rfind("--", 0) != 0 || eq == std::string::npos) continue;
    std::string name = option.substr(2, eq - 2);
    for (const char* level : {"warning-", "critical-", "unknown-"})
      if (name.rfind(level, 0) == 0) options.set(name, {option.substr(eq + 1)});
  }
}

void run(ModeRun& run) {
  if (!run.options.given("modes-exec")) throw CheckError("Need to specify --modes-exec option.");
  std::vector<output::CounterGroup> executed;
  for (const std::string& name : util::split(run.options.get("modes-exec"), ',')) {
    auto found = std::find_if(kModes.begin(), kModes.end(), [&](const ModeDefinition* m) { return m->name == name; });
    if (found == kModes.end()) continue;  // skipped, as Centreon skips a mode it does not know
    cli::Options own = mode_options(run.options, name);
    std::vector<output::CounterGroup> groups = (*found)->counters();
    ModeRun sub{own, run.report, groups, run.deadline, run.verbose, run.debug};
    try {
      (*found)->run(sub);
    } catch (const CheckError& e) {
      // Centreon keeps going with the other modes; the failure stays visible as UNKNOWN.
      run.report.add(output::Status::Unknown, name + ": " + e.what());
      continue;
    }
    for (output::CounterGroup& group : groups) executed.push_back(std::move(group));
  }
  run.groups = std::move(executed);
}

}  // namespace

const ModeDefinition kMultiMode{
    "multi",
    "Several SmarterMail modes at once (Centreon's multi mode)",
    "Runs the SmarterMail modes named by --modes-exec (spools, services, licenses) with one command line and "
    "prints their results in one status line, as Centreon's --mode=multi. Every threshold option of those modes "
    "applies; --option-mode='MODE,--name=value' gives one mode an option of its own (e.g. a filter).",
    "check_mail --mode=multi --modes-exec=spools,services,licenses --hostname=mail.example.com "
    "--api-username=monitor --api-password-file=/etc/nagios/sm.pass --option-mode='services,--filter-service=smtp'",
    options,
    counters,
    run,
    5,
    lift_option_mode_thresholds,
};

}  // namespace check_mail::modes::smartermail
