#pragma once
// centreon_plugins.pl's own global options, so that Centreon command lines run unchanged: the
// output layer's (perfdata and output rewriting, output formats, counters, discovery) and the
// script's (plugin listing, environment, arguments, users, timeouts, custom modes).
#include <optional>
#include <string>
#include <vector>

#include "check_mail/cli/command_line.hpp"
#include "check_mail/output/counters.hpp"
#include "check_mail/output/report.hpp"

namespace check_mail::cli {

std::vector<OptionSpec> centreon_output_option_specs();
std::vector<OptionSpec> centreon_script_option_specs();

// The command line as Centreon's option parser reads it: --convert-args='search,replace' (read
// from a first scan, `first`) rewrites every argument (a Perl s///g). ("--" ends the options in
// the scanner itself: what follows is ignored.)
std::vector<std::string> centreon_arguments(std::vector<std::string> args, const Options& first);

// Script-level options that end the run before a mode is chosen (--list-plugin, ...) or refuse
// one (--runas, --custommode); nullopt to go on. Applies --environment.
std::optional<Outcome> centreon_script_actions(const Options& first);

// The mode --dyn-mode names ("apps::smartermail::restapi::mode::spools" -> "spools"), or "".
std::string dyn_mode_name(const Options& first);

// Reads the output layer's options into render (throws UsageError).
void read_centreon_render_options(const Options& options, output::RenderOptions& render,
                                  std::vector<std::string>& notes);
// --filter-counters-block and --display-ok-counters.
void read_centreon_counter_options(const Options& options, output::CounterSettings& settings);

// --list-counters: Centreon's "counter list: ..." line and its JSON (shown with --verbose).
Outcome list_counters(const std::vector<output::CounterGroup>& groups, const output::RenderOptions& render);
// --disco-format / --disco-show: the SmarterMail modes have no discovery entries.
Outcome discovery(const Options& options);

// --output-file: writes the text there; on failure returns the reason.
std::optional<std::string> write_output_file(const std::string& path, const std::string& text);

// Notes for --verbose about options accepted without effect.
std::vector<std::string> accepted_option_notes(const Options& options);

}  // namespace check_mail::cli
