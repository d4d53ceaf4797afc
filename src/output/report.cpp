#include "check_mail/output/report.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include <chrono>

#include "check_mail/util/secrets.hpp"
#include "report_formats.hpp"

#include "check_mail/util/strings.hpp"

namespace check_mail::output {
namespace {

// Order in which non-OK groups appear in the status line.
constexpr Status kDisplayOrder[] = {Status::Critical, Status::Warning, Status::Unknown};

int exit_code(const RenderOptions& options, Status status, std::optional<Status> override_status = std::nullopt) {
  if (override_status) status = *override_status;
  auto it = options.change_exit.find(status);
  return static_cast<int>(it == options.change_exit.end() ? status : it->second);
}

std::string apply_range_option(std::string range, int mode) {
  if (mode == 2) return {};
  if (mode == 1 && !range.empty()) {
    // Centreon's s/^(@?)-?[0\.]+:/$1/: a start of zero is implied, so drop it.
    std::size_t at = range[0] == '@' ? 1 : 0;
    std::size_t i = at;
    if (i < range.size() && range[i] == '-') ++i;
    std::size_t digits = i;
    while (i < range.size() && (range[i] == '0' || range[i] == '.')) ++i;
    if (i > digits && i < range.size() && range[i] == ':') range.erase(at, i + 1 - at);
  }
  return range;
}

}  // namespace

std::string safe_output_text(std::string text) {
  text = util::scrub_secrets(std::move(text));
  for (char& c : text)
    if (c == '|') c = '/';
  return text;
}

std::optional<RenderOptions::Substitution> parse_substitution(std::string_view option, Regex::Error* error) {
  auto parts = util::split(option, '~');
  std::string flags = parts.size() > 2 ? parts[2] : "";
  auto pattern = Regex::try_compile(parts[0], flags.find('i') != std::string::npos ? "i" : "", error);
  if (!pattern) return std::nullopt;
  return RenderOptions::Substitution{std::move(*pattern), parts.size() > 1 ? parts[1] : "",
                                     flags.find('g') != std::string::npos};
}

void Report::add(Status status, std::string message) {
  // Centreon chomps messages; what is left is one line: the status line must stay the first and
  // only line.
  if (!message.empty() && message.back() == '\n') message.pop_back();
  for (char& c : message)
    if (c == '\n' || c == '\r') c = ' ';
  messages_[status].push_back(safe_output_text(std::move(message)));
  status_ = worst(status_, status);
}

void Report::add_long(std::string line, bool debug_only) {
  if (!line.empty() && line.back() == '\n') line.pop_back();  // chomped, as Centreon does
  long_lines_.emplace_back(safe_output_text(std::move(line)), debug_only);
}

void Report::add_perfdata(Perfdata perfdata) { perfdata_.push_back(std::move(perfdata)); }

void Report::limit_long_output(std::size_t max_bytes) {
  std::size_t used = 0;
  std::size_t kept = 0;
  for (; kept < long_lines_.size(); ++kept) {
    if (long_lines_[kept].second) continue;  // --debug lines are asked for: not counted, kept
    const std::size_t size = long_lines_[kept].first.size() + 1;
    if (used + size > max_bytes) break;
    used += size;
  }
  if (kept == long_lines_.size()) return;
  std::size_t left_out = 0;
  for (std::size_t i = kept; i < long_lines_.size(); ++i) left_out += long_lines_[i].second ? 0 : 1;
  long_lines_.erase(std::remove_if(long_lines_.begin() + static_cast<std::ptrdiff_t>(kept), long_lines_.end(),
                                   [](const auto& line) { return !line.second; }),
                    long_lines_.end());
  long_lines_.emplace_back("... " + std::to_string(left_out) + " more line" + (left_out == 1 ? "" : "s") +
                               " left out (long output limited to " + std::to_string(max_bytes / 1024) +
                               " KiB; --debug shows everything)",
                           false);
}

bool Report::has_messages() const { return !messages_.empty(); }

std::vector<Perfdata> Report::visible_perfdata(const RenderOptions& options) const {
  std::vector<Perfdata> all = perfdata_;
  options.rewrite.apply(all);
  std::vector<Perfdata> out;
  for (const Perfdata& perf : all) {
    if (options.filter_perfdata && !options.filter_perfdata->search(perf.label)) continue;
    if (options.filter_perfdata_adv && !options.filter_perfdata_adv->evaluate({{"label", perf.label},
                                                                               {"value", perf.value},
                                                                               {"unit", perf.unit},
                                                                               {"warning", perf.warning},
                                                                               {"critical", perf.critical},
                                                                               {"min", perf.min},
                                                                               {"max", perf.max}}))
      continue;
    Perfdata shown = perf;
    if (options.filter_uom && !options.filter_uom->search(shown.unit)) shown.unit.clear();
    shown.warning = apply_range_option(shown.warning, options.range_perfdata);
    shown.critical = apply_range_option(shown.critical, options.range_perfdata);
    out.push_back(std::move(shown));
  }
  return out;
}

std::vector<std::string> Report::long_output(const RenderOptions& options) const {
  std::vector<std::string> lines;
  for (const auto& [line, debug_only] : long_lines_)
    if (!debug_only || options.debug) lines.push_back(line);
  if (options.change_long_output.empty()) return lines;
  std::string text = util::join(lines, "\n");
  for (const auto& change : options.change_long_output)
    if (auto changed = change.pattern.substitute(text, change.replacement, change.global)) text = *changed;
  lines.clear();
  for (std::string& line : util::split(text, '\n'))
    if (!line.empty()) lines.push_back(std::move(line));  // Perl's split drops trailing empty fields
  return lines;
}

std::string Report::status_line(const RenderOptions& options, Status status,
                                std::optional<Status>* exit_override) const {
  auto group = [&](Status s) {
    std::string text = options.ignore_label ? "" : std::string(status_label(s)) + ": ";
    auto it = messages_.find(s);
    if (it != messages_.end()) text += util::join(it->second, " - ");
    return text + " ";
  };
  std::string line;
  for (Status s : kDisplayOrder)
    if (messages_.count(s)) line += group(s);
  if (status == Status::Ok) line += group(Status::Ok);
  // A status forced by an error may have no message of its own state yet.
  if (line.empty()) line = group(status);
  for (const auto& change : options.change_short_output)
    if (auto changed = change.pattern.substitute(line, change.replacement, change.global)) line = *changed;
  for (const auto& change : options.change_output_adv) {
    Variables values{{"short_output", line}, {"exit_code", std::to_string(static_cast<int>(status))}};
    if (!change.condition.evaluate(values)) continue;
    if (!change.short_output.empty()) line = change.short_output;
    if (change.exit && exit_override) *exit_override = change.exit;
  }
  return line;
}

Report::Rendered Report::render_as(const RenderOptions& options, Status status, bool with_perfdata,
                                   bool force_long) const {
  bool long_output_shown = options.verbose || options.debug || force_long;
  std::vector<Perfdata> perfdata;
  if (with_perfdata && !options.ignore_perfdata) perfdata = visible_perfdata(options);
  std::vector<std::string> long_lines = long_output_shown ? long_output(options) : std::vector<std::string>{};

  if (options.json || options.xml) {
    std::vector<OutputEntry> entries;
    for (Status s : {Status::Critical, Status::Warning, Status::Unknown, Status::Ok}) {
      auto it = messages_.find(s);
      if (it == messages_.end()) continue;
      for (const std::string& message : it->second) {
        std::string label = options.ignore_label ? "" : std::string(status_label(s)) + ": ";
        entries.push_back({1, std::string(status_label(s)), label + message});
      }
    }
    for (const std::string& line : long_lines) entries.push_back({2, "", line});
    // Centreon writes an error's state in lower case here ("unknown"); consumers of its output
    // may rely on that, so errors keep it.
    std::string exit_name(status_label(status));
    if (!with_perfdata) exit_name = util::to_lower(exit_name);
    if (!options.json)
      return {render_xml(options.plugin_name, options.mode_name, exit_name, entries, perfdata),
              exit_code(options, status)};
    nlohmann::ordered_json outputs = nlohmann::ordered_json::array();
    for (const OutputEntry& entry : entries) {
      if (entry.type == 1)
        outputs.push_back({{"type", 1}, {"msg", entry.msg}, {"exit", entry.exit}});
      else
        outputs.push_back({{"type", 2}, {"msg", entry.msg}});
    }
    nlohmann::ordered_json perfs = nlohmann::ordered_json::array();
    for (const Perfdata& p : perfdata) {
      // Centreon doubles quotes in the label itself, so its JSON shows them doubled too.
      nlohmann::ordered_json perf = {{"label", util::replace_all(p.label, "'", "''")},
                                     {"value", p.value},
                                     {"unit", p.unit},
                                     {"warning", p.warning},
                                     {"critical", p.critical},
                                     {"min", p.min},
                                     {"max", p.max},
                                     {"mode", options.mode_name}};
      if (!p.nlabel.empty()) perf["nlabel"] = p.nlabel;
      if (!p.instance.empty()) perf["instances"] = p.instance;
      perfs.push_back(std::move(perf));
    }
    nlohmann::ordered_json document = {{"plugin",
                                        {{"name", options.plugin_name},
                                         {"mode", options.mode_name},
                                         {"exit", exit_name},
                                         {"exit_code", exit_code(options, status)},
                                         {"outputs", outputs},
                                         {"perfdatas", perfs}}}};
    return {document.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n",
            exit_code(options, status)};
  }

  if (options.openmetrics) {
    // The check's own state as one more sample, as Centreon adds it.
    std::vector<Perfdata> samples = perfdata;
    if (with_perfdata) {
      Perfdata state;
      state.label = "plugin.mode.status";
      state.value = std::to_string(static_cast<int>(status));
      std::vector<Perfdata> extra{state};
      options.rewrite.apply(extra);
      samples.insert(samples.end(), extra.begin(), extra.end());
    }
    auto now =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch());
    return {render_openmetrics(options.plugin_name, options.mode_name, samples, now.count()),
            exit_code(options, status)};
  }

  std::optional<Status> exit_override;
  std::string line = status_line(options, status, &exit_override);
  std::string text;
  if (!perfdata.empty()) {
    text = line + "|";
    for (const Perfdata& p : perfdata) text += " " + p.render();
  } else {
    text = util::trim_right(line);
  }
  text += "\n";
  for (const std::string& long_line : long_lines) text += long_line + "\n";
  return {text, exit_code(options, status, exit_override)};
}

Report::Rendered Report::render(const RenderOptions& options) const { return render_as(options, status_, true, false); }

Report::Rendered Report::render_error(const RenderOptions& options, const std::string& message,
                                      std::optional<Status> status) const {
  Report error = *this;
  Status state = status.value_or(options.opt_exit);
  error.messages_.clear();
  error.add(state, message);
  error.status_ = state;
  return error.render_as(options, state, false, true);
}

}  // namespace check_mail::output
