#pragma once
// The program: parse the command line, run the mode, print one result, return the exit code.
#include <string>
#include <vector>

#include "check_mail/modes/mode.hpp"
#include "check_mail/options/options.hpp"
#include "check_mail/output/report.hpp"

namespace check_mail::cli {

struct Outcome {
  std::string text;  // everything for stdout
  int exit_code = 3;
};

// Runs a whole check for argv (argv[0] excluded). Never throws. on_started, when set, is called
// once the command line is parsed, before the mode runs, with the check's timeout and how its
// result is rendered (main() arms a watchdog and renders the interrupt texts from them).
using StartedHook = void (*)(double timeout_seconds, const output::RenderOptions& render);
Outcome run_check(const std::vector<std::string>& args, StartedHook on_started = nullptr);

// The status line a signal or the watchdog ends the check with ("UNKNOWN: <message>"), or with
// --output-json the same as one JSON document. Made before the mode runs: a signal handler can
// only write what is ready.
std::string interrupt_text(const output::RenderOptions& render, const std::string& message);

// The options a mode accepts, in help order: global, mode, thresholds, output.
std::vector<OptionSpec> mode_option_specs(const modes::ModeDefinition& mode);
std::vector<OptionSpec> global_option_specs();
// The same without the threshold options the command line does not name (see may_be_named):
// what parsing needs, without building help texts for ~100 options on every run.
std::vector<OptionSpec> command_line_option_specs(const modes::ModeDefinition& mode,
                                                  const std::vector<output::CounterGroup>& groups,
                                                  const std::vector<std::string>& args);
// Whether a command line token may name this option: "--name", "--name=...", an alias, or a
// short-option token holding one of its letters (a superset: "-4S" names both -4 and -S).
bool may_be_named(const OptionSpec& spec, const std::vector<std::string>& args);

// Help texts (also the source of the man page).
std::string global_help();
std::string mode_help(const modes::ModeDefinition& mode);
std::string list_modes();

}  // namespace check_mail::cli
