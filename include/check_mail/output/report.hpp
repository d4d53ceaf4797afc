#pragma once
// The plugin's result being assembled (messages by state, long output, perfdata) and its
// rendering: one status line, perfdata after '|', long output after it; or one JSON document.
// Rendering follows Centreon's output layer so existing users see the same text.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "check_mail/output/expression.hpp"
#include "check_mail/output/perfdata.hpp"
#include "check_mail/output/perfdata_rewrite.hpp"
#include "check_mail/output/regex.hpp"
#include "check_mail/output/status.hpp"

namespace check_mail::output {

// The output options every mode shares (--verbose, --filter-perfdata, ...), already validated.
struct RenderOptions {
  bool verbose = false;
  bool debug = false;
  bool json = false;
  bool xml = false;          // --output-xml (JSON wins when both are given, as in Centreon)
  bool openmetrics = false;  // --output-openmetrics
  bool ignore_perfdata = false;
  bool ignore_label = false;
  int range_perfdata = 0;  // 0: as is; 1: drop a "0:" start; 2: no thresholds
  std::optional<Regex> filter_perfdata;
  // --filter-perfdata-adv: keep a perfdata when this holds (variables label, value, unit,
  // warning, critical, min, max).
  std::optional<Expression> filter_perfdata_adv;
  std::optional<Regex> filter_uom;  // units not matching are blanked
  PerfdataRewrite rewrite;          // --change-perfdata, --extend-perfdata(-group), --explode-perfdata-max
  struct Substitution {
    Regex pattern;
    std::string replacement;
    bool global = false;
  };
  std::vector<Substitution> change_short_output;
  std::vector<Substitution> change_long_output;
  // --change-output-adv: when condition holds (variables short_output, exit_code), the status
  // line becomes short_output (if not empty) and the exit state exit (if set).
  struct OutputChange {
    Expression condition;
    std::string short_output;
    std::optional<Status> exit;
  };
  std::vector<OutputChange> change_output_adv;
  std::map<Status, Status> change_exit;
  Status opt_exit = Status::Unknown;  // state of errors (bad option, failed request, ...)
  std::string plugin_name;
  std::string mode_name;
};

// A --change-short-output value, "pattern~replacement[~flags]" (flags: i, g), as the original
// splits it. nullopt, with *error set, when the pattern does not compile.
std::optional<RenderOptions::Substitution> parse_substitution(std::string_view option, Regex::Error* error);

// What every message and long-output line passes through on its way out. Much of it is a
// server's text (replies, greetings, spool and service names): a '|' there would start perfdata
// in the poller's eyes, so it becomes '/'; and a server may quote a password back (a 535 echoing
// the AUTH line), so every registered secret is scrubbed (util/secrets.hpp).
[[nodiscard]] std::string safe_output_text(std::string text);

class Report {
public:
  // A short message in the status line under its state's label.
  void add(Status status, std::string message);
  // A line of long output; debug lines show only with --debug.
  void add_long(std::string line, bool debug_only = false);
  void add_perfdata(Perfdata perfdata);
  // Keeps the long output (the lines shown without --debug) within max_bytes: pollers cut or
  // reject longer output, and a dialogue transcript repeated per poll grows without bound. The
  // lines past the limit are left out and a last line says how many.
  void limit_long_output(std::size_t max_bytes);

  [[nodiscard]] Status status() const { return status_; }
  [[nodiscard]] bool has_messages() const;

  struct Rendered {
    std::string text;
    int exit_code;
  };
  // The normal end of a check.
  [[nodiscard]] Rendered render(const RenderOptions& options) const;
  // The end of a check that could not be carried out: a status line with the error under
  // --opt-exit's state, the long output, no perfdata (as Centreon's option_exit).
  [[nodiscard]] Rendered render_error(const RenderOptions& options, const std::string& message,
                                      std::optional<Status> status = std::nullopt) const;

private:
  Rendered render_as(const RenderOptions& options, Status status, bool with_perfdata, bool force_long) const;
  // The status line as Centreon prints it before the perfdata (trailing space kept), after
  // --change-short-output and --change-output-adv; *exit_override set by the latter.
  std::string status_line(const RenderOptions& options, Status status, std::optional<Status>* exit_override) const;
  std::vector<std::string> long_output(const RenderOptions& options) const;
  std::vector<Perfdata> visible_perfdata(const RenderOptions& options) const;

  Status status_ = Status::Ok;
  std::map<Status, std::vector<std::string>> messages_;
  std::vector<std::pair<std::string, bool>> long_lines_;
  std::vector<Perfdata> perfdata_;
};

}  // namespace check_mail::output
