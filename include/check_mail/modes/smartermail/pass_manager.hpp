#pragma once
// Centreon's password managers (--pass-manager): option values taken from the environment
// (environment), a JSON secret file (file) or HashiCorp Vault's KV engine (hashicorpvault),
// written over the options the SmarterMail API reads. Secrets never reach the output.
#include <vector>

#include "check_mail/modes/mode.hpp"
#include "check_mail/options/options.hpp"

namespace check_mail::modes::smartermail {

// The options of every password manager, for the SmarterMail modes' declarations.
std::vector<cli::OptionSpec> pass_manager_options();

// Applies --pass-manager to options (a copy the caller owns). Throws CheckError with a status
// line when the manager is unknown or its secrets cannot be read.
void apply_pass_manager(cli::Options& options, ModeRun& run);

}  // namespace check_mail::modes::smartermail
