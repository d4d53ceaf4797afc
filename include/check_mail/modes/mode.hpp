#pragma once
// What a mode is: its options and counters declared as data, and one function that gathers the
// values. The framework (src/cli/command_line.cpp) parses options, validates thresholds, runs the mode,
// evaluates the counters and prints.
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "check_mail/net/deadline.hpp"
#include "check_mail/options/options.hpp"
#include "check_mail/output/counters.hpp"
#include "check_mail/output/report.hpp"

namespace check_mail::modes {

// A check that could not be carried out (bad reply, network failure, ...): one status line
// with this message, under --opt-exit's state (UNKNOWN) unless a state is given.
class CheckError : public std::runtime_error {
public:
  explicit CheckError(const std::string& message) : std::runtime_error(message) {}
  CheckError(const std::string& message, output::Status status)
      : std::runtime_error(message), status_(status), has_status_(true) {}
  [[nodiscard]] bool has_status() const { return has_status_; }
  [[nodiscard]] output::Status status() const { return status_; }

private:
  output::Status status_ = output::Status::Unknown;
  bool has_status_ = false;
};

struct ModeRun {
  const cli::Options& options;
  output::Report& report;
  std::vector<output::CounterGroup>& groups;  // the mode's declared groups, to fill with values
  transport::Deadline deadline;               // the whole check ends before it
  bool verbose = false;
  bool debug = false;
};

struct ModeDefinition {
  std::string_view name;
  std::string_view summary;                         // one line, for --list-mode
  std::string_view description;                     // a paragraph, for --help
  std::string_view examples;                        // command lines, one per line
  std::vector<cli::OptionSpec> (*options)();        // the mode's own options
  std::vector<output::CounterGroup> (*counters)();  // the mode's counters
  void (*run)(ModeRun& run);
  double default_timeout = 5;  // seconds, when --timeout is not given
  // Maps compatibility options onto canonical ones (e.g. check_smtp's -D) before thresholds
  // are read; may throw CheckError.
  void (*normalize)(cli::Options& options) = nullptr;
};

}  // namespace check_mail::modes

namespace check_mail::modes {

// The regex of a --filter-* option, nullopt when the option is empty. Throws CheckError naming
// the option when the pattern is invalid.
std::optional<output::Regex> compile_filter(const cli::Options& options, const std::string& option);

}  // namespace check_mail::modes
