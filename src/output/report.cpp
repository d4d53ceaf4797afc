#include "check_mail/output/report.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "check_mail/util/secrets.hpp"
#include "check_mail/util/strings.hpp"

namespace check_mail::output {
namespace {

// Order in which non-OK groups appear in the status line.
constexpr Status kDisplayOrder[] = {Status::Critical, Status::Warning, Status::Unknown};

int exit_code(const RenderOptions& options, Status status) {
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
  std::vector<Perfdata> out;
  for (const Perfdata& perf : perfdata_) {
    if (options.filter_perfdata && !options.filter_perfdata->search(perf.label)) continue;
    Perfdata shown = perf;
    shown.warning = apply_range_option(shown.warning, options.range_perfdata);
    shown.critical = apply_range_option(shown.critical, options.range_perfdata);
    out.push_back(std::move(shown));
  }
  return out;
}

std::string Report::status_line(const RenderOptions& options, Status status) const {
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
  return util::trim_right(line);
}

Report::Rendered Report::render_as(const RenderOptions& options, Status status, bool with_perfdata,
                                   bool force_long) const {
  bool long_output = options.verbose || options.debug || force_long;
  std::vector<Perfdata> perfdata;
  if (with_perfdata && !options.ignore_perfdata) perfdata = visible_perfdata(options);

  if (options.json) {
    nlohmann::ordered_json outputs = nlohmann::ordered_json::array();
    for (Status s : {Status::Critical, Status::Warning, Status::Unknown, Status::Ok}) {
      auto it = messages_.find(s);
      if (it == messages_.end()) continue;
      for (const std::string& message : it->second) {
        std::string label = options.ignore_label ? "" : std::string(status_label(s)) + ": ";
        outputs.push_back({{"type", 1}, {"msg", label + message}, {"exit", status_label(s)}});
      }
    }
    if (long_output)
      for (const auto& [line, debug_only] : long_lines_)
        if (!debug_only || options.debug) outputs.push_back({{"type", 2}, {"msg", line}});
    nlohmann::ordered_json perfs = nlohmann::ordered_json::array();
    for (const Perfdata& p : perfdata) {
      // Centreon doubles quotes in the label itself, so its JSON shows them doubled too.
      nlohmann::ordered_json perf = {{"label", util::replace_all(p.label, "'", "''")}, {"value", p.value}, {"unit", p.unit}, {"warning", p.warning},
                                     {"critical", p.critical}, {"min", p.min}, {"max", p.max}, {"mode", options.mode_name}};
      if (!p.nlabel.empty()) perf["nlabel"] = p.nlabel;
      if (!p.instance.empty()) perf["instances"] = p.instance;
      perfs.push_back(std::move(perf));
    }
    // Centreon writes an error's state in lower case here ("unknown"); consumers of its JSON
    // may rely on that, so errors keep it.
    std::string exit_name(status_label(status));
    if (!with_perfdata) exit_name = util::to_lower(exit_name);
    nlohmann::ordered_json document = {
        {"plugin",
         {{"name", options.plugin_name}, {"mode", options.mode_name}, {"exit", exit_name},
          {"exit_code", exit_code(options, status)}, {"outputs", outputs}, {"perfdatas", perfs}}}};
    return {document.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n",
            exit_code(options, status)};
  }

  std::string text = status_line(options, status);
  if (!perfdata.empty()) {
    text += " |";
    for (const Perfdata& p : perfdata) text += " " + p.render();
  }
  text += "\n";
  if (long_output)
    for (const auto& [line, debug_only] : long_lines_)
      if (!debug_only || options.debug) text += line + "\n";
  return {text, exit_code(options, status)};
}

Report::Rendered Report::render(const RenderOptions& options) const {
  return render_as(options, status_, true, false);
}

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
