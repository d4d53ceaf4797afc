#pragma once
// Reads argv against the option declarations, as getopt_long does: "--name=value",
// "--name value", "-x value", "-xvalue", flag clusters "-vS". The word after an option that takes
// a value is its value, whatever it looks like ("-P -V" is the password "-V"). Errors name
// options, never values: a value may be a secret.
#include <string>
#include <vector>

#include "check_mail/options/options.hpp"

namespace check_mail::cli {

enum class UnknownOptions {
  refuse,  // UsageError "Unknown option ..."
  skip,    // taken as flags: a first pass that only looks for --mode, --help, --version
};

// Throws UsageError. A flag is stored once per occurrence ("-vvv": three), with "" as value.
Options scan_arguments(const std::vector<std::string>& args, const std::vector<OptionSpec>& specs,
                       UnknownOptions unknown = UnknownOptions::refuse);

}  // namespace check_mail::cli
