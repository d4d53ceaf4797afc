// --change-short-output: output::parse_substitution (the option's "pattern~replacement~flags")
// and the PCRE2 substitution the report applies to the status line.
//   input: line 1 the option value; line 2 the state (first byte) of the messages that follow,
//   one per line.
// Invariants: the status line gains no line end a replacement did not hold itself, the JSON
// rendering stays valid JSON, and exit codes stay in 0..3.
#include <nlohmann/json.hpp>
#include <string>

#include "check_mail/output/report.hpp"
#include "fuzz_support.hpp"

using namespace check_mail;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = fuzz::as_text(data, size);
  std::string option(fuzz::take_line(text));
  auto state = static_cast<output::Status>(fuzz::take_byte(text) % 4);

  output::Regex::Error error;
  auto substitution = output::parse_substitution(option, &error);
  if (!substitution) {
    FUZZ_CHECK(!error.message.empty());
    return 0;
  }
  const bool replacement_has_line_end = substitution->replacement.find_first_of("\r\n") != std::string::npos;

  output::Report report;
  for (const std::string& message : fuzz::lines_of(text)) report.add(state, message);
  if (!report.has_messages()) report.add(state, "All spools are ok");
  report.add_long("a long output line");
  report.add_perfdata({"x", "1", "", "0:10", "", "0", "", "", ""});

  output::RenderOptions options;
  options.change_short_output.push_back(std::move(*substitution));
  options.verbose = (size & 1) != 0;
  auto rendered = options.change_short_output.front().pattern.substitute("subject", "$1${name}\\", true);
  (void)rendered;
  for (bool json : {false, true}) {
    options.json = json;
    output::Report::Rendered out = report.render(options);
    FUZZ_CHECK(out.exit_code >= 0 && out.exit_code <= 3);
    FUZZ_CHECK(!out.text.empty() && out.text.back() == '\n');
    if (json) FUZZ_CHECK(nlohmann::json::accept(out.text));
    if (!json && !replacement_has_line_end) {
      std::string first_line = out.text.substr(0, out.text.find('\n'));
      FUZZ_CHECK(first_line.find('\r') == std::string::npos);
    }
    output::Report::Rendered error_out = report.render_error(options, "Cannot connect\nto host");
    FUZZ_CHECK(error_out.exit_code == 3);
  }
  return 0;
}
