#pragma once
// The body of the SmarterMail fuzz targets: an HTTP 200 reply body, decoded and mapped as the
// mode does (decode_data_reply, map_<mode>), then evaluated and rendered as run_check does,
// with and without a filter and with thresholds set.
// Invariants: only CheckError (a status line) may come out of the mapping; the text rendering
// is exactly one line (no --verbose) that starts with a status label; the JSON rendering is
// valid JSON; exit codes stay in 0..3.
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "check_mail/modes/smartermail/api.hpp"
#include "check_mail/modes/smartermail/modes.hpp"
#include "check_mail/output/counters.hpp"
#include "fuzz_support.hpp"

namespace check_mail::fuzz {

enum class SmarterMailMode { spools, services, licenses };

inline bool is_status_line(std::string_view line) {
  return line.starts_with("OK:") || line.starts_with("WARNING:") || line.starts_with("CRITICAL:") ||
         line.starts_with("UNKNOWN:");
}

// error: rendered by render_error, which always shows the long output (as Centreon does).
inline void check_rendering(const output::Report::Rendered& out, bool json, bool error) {
  FUZZ_CHECK(out.exit_code >= 0 && out.exit_code <= 3);
  FUZZ_CHECK(!out.text.empty() && out.text.back() == '\n');
  if (json) {
    FUZZ_CHECK(nlohmann::json::accept(out.text));
    return;
  }
  FUZZ_CHECK(out.text.find('\r') == std::string::npos);
  std::vector<std::string> lines = lines_of(out.text);
  FUZZ_CHECK(!lines.empty() && is_status_line(lines.front()));
  if (!error) FUZZ_CHECK(lines.size() == 1);  // one line without --verbose
  for (std::size_t i = 1; i < lines.size(); ++i) FUZZ_CHECK(!is_status_line(lines[i]));
}

inline void run_smartermail(SmarterMailMode mode, std::string_view body, bool with_filter) {
  using namespace modes::smartermail;
  const modes::ModeDefinition& definition = mode == SmarterMailMode::spools     ? kSpoolsMode
                                            : mode == SmarterMailMode::services ? kServicesMode
                                                                                : kLicensesMode;
  const std::string endpoint = "/settings/sysadmin/endpoint";
  transport::HttpResponse response;
  response.status = 200;
  response.content_type = "application/json; charset=utf-8";
  response.body = std::string(body);

  std::vector<output::CounterGroup> groups = definition.counters();
  // The thresholds, read once per mode (compiling them is most of the cost of a run).
  static std::map<const modes::ModeDefinition*, output::CounterSettings> all_settings;
  auto found = all_settings.find(&definition);
  if (found == all_settings.end()) {
    const std::map<std::string, std::string> given = {
        {"warning-instance-spool-messages-count", "10"},
        {"critical-instance-spool-messages-count", "@20:30"},
        {"warning-status", "%{display} =~ /^x/ and %{state} ne 'running'"},
        {"warning-upgrade-protection-expires-days", "30:"},
        {"critical-upgrade-protection-expires-days", "~:7"},
    };
    auto getter = [&](const std::string& name) -> std::optional<std::string> {
      auto it = given.find(name);
      return it == given.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
    output::CounterSettings settings;
    FUZZ_CHECK(!output::read_counter_settings(groups, getter, settings).has_value());
    found = all_settings.emplace(&definition, std::move(settings)).first;
  }
  const output::CounterSettings& settings = found->second;

  const std::string filter_text = "^[a-m]|\\d";
  static const std::optional<output::Regex> compiled_filter = output::Regex::try_compile(filter_text);
  static const std::optional<output::Regex> no_filter;
  const std::optional<output::Regex>& filter = with_filter ? compiled_filter : no_filter;

  output::Report report;
  output::RenderOptions options;
  options.plugin_name = "apps::smartermail::restapi::plugin";
  options.mode_name = std::string(definition.name);
  bool failed = false;
  std::string failure;
  try {
    nlohmann::json reply = decode_data_reply(response, endpoint);
    switch (mode) {
      case SmarterMailMode::spools: map_spools(reply, filter, filter_text, groups.front(), report); break;
      case SmarterMailMode::services: map_services(reply, filter, filter_text, groups.front(), report); break;
      case SmarterMailMode::licenses: map_licenses(reply, groups.front()); break;
    }
    output::evaluate_counters(groups, settings, report);
  } catch (const modes::CheckError& e) {
    failed = true;
    failure = e.what();
    FUZZ_CHECK(!failure.empty());
  }
  for (bool json : {false, true}) {
    options.json = json;
    check_rendering(failed ? report.render_error(options, failure) : report.render(options), json, failed);
  }
  options.json = false;
  options.debug = options.verbose = true;
  auto verbose = failed ? report.render_error(options, failure) : report.render(options);
  FUZZ_CHECK(verbose.exit_code >= 0 && verbose.exit_code <= 3);
}

inline int smartermail_target(SmarterMailMode mode, const std::uint8_t* data, std::size_t size) {
  std::string_view body = as_text(data, size);
  run_smartermail(mode, body, false);
  run_smartermail(mode, body, true);
  return 0;
}

}  // namespace check_mail::fuzz
