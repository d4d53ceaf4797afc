#include "check_mail/output/perfdata_rewrite.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <functional>

#include "check_mail/output/range.hpp"
#include "check_mail/util/strings.hpp"

namespace check_mail::output {
namespace {

std::optional<std::string> non_empty(const std::vector<std::string>& parts, std::size_t index) {
  if (index >= parts.size() || parts[index].empty()) return std::nullopt;
  return parts[index];
}

std::string number_text(double value) { return util::format_number(value); }

// A threshold with each finite bound mapped; swap exchanges the bounds (invert()).
std::string map_threshold(const std::string& text, const std::function<double(double)>& map, bool swap = false) {
  if (text.empty()) return text;
  auto range = parse_range(text);
  if (!range) return text;
  Range out = *range;
  if (swap) {
    std::swap(out.start_infinite, out.end_infinite);
    out.start = range->end;
    out.end = range->start;
  }
  if (!out.start_infinite) out.start_text = number_text(map(out.start));
  if (!out.end_infinite) out.end_text = number_text(map(out.end));
  return out.to_perfdata();
}

// Centreon's apply_perfdata_thresholds: per bound, "80%" of max (empty without a max), the
// first number, or empty.
std::string threshold_from_args(const std::string& text, const std::string& max) {
  std::vector<std::string> bounds = util::split(text, ':');
  for (std::string& bound : bounds) {
    std::size_t start = 0;
    while (start < bound.size() && !std::isdigit(static_cast<unsigned char>(bound[start]))) ++start;
    std::size_t end = start;
    while (end < bound.size() && std::isdigit(static_cast<unsigned char>(bound[end]))) ++end;
    if (end + 1 < bound.size() && bound[end] == '.' && std::isdigit(static_cast<unsigned char>(bound[end + 1]))) {
      ++end;
      while (end < bound.size() && std::isdigit(static_cast<unsigned char>(bound[end]))) ++end;
    }
    if (start == bound.size()) {
      bound.clear();
      continue;
    }
    std::string digits = bound.substr(start, end - start);
    std::size_t after = end;
    while (after < bound.size() && std::isspace(static_cast<unsigned char>(bound[after]))) ++after;
    if (after < bound.size() && bound[after] == '%') {
      auto value = util::parse_number(digits);
      auto maximum = util::parse_number(max);
      bound = value && maximum ? number_text(*value * *maximum / 100) : "";
    } else {
      bound = digits;
    }
  }
  return util::join(bounds, ":");
}

bool numeric(const std::string& value) {
  return std::any_of(value.begin(), value.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

}  // namespace

std::optional<double> evaluate_math(std::string_view expression, double current) {
  struct Parser {
    std::string_view text;
    double current;
    std::size_t pos = 0;
    int depth = 0;
    void spaces() {
      while (pos < text.size() && std::isspace(static_cast<unsigned char>(text[pos]))) ++pos;
    }
    std::optional<double> primary() {
      spaces();
      if (pos < text.size() && (text[pos] == '-' || text[pos] == '+')) {
        bool negative = text[pos++] == '-';
        auto value = primary();
        if (!value) return std::nullopt;
        return negative ? -*value : *value;
      }
      if (pos < text.size() && text[pos] == '(') {
        if (++depth > 32) return std::nullopt;
        ++pos;
        auto value = sum();
        spaces();
        if (!value || pos >= text.size() || text[pos] != ')') return std::nullopt;
        ++pos;
        --depth;
        return value;
      }
      if (text.substr(pos, 7) == "current") {
        pos += 7;
        return current;
      }
      std::size_t start = pos;
      while (pos < text.size() && (std::isdigit(static_cast<unsigned char>(text[pos])) || text[pos] == '.')) ++pos;
      return util::parse_number(text.substr(start, pos - start));
    }
    std::optional<double> product() {
      auto value = primary();
      while (value) {
        spaces();
        if (pos >= text.size() || (text[pos] != '*' && text[pos] != '/')) break;
        char op = text[pos++];
        auto right = primary();
        if (!right || (op == '/' && *right == 0)) return std::nullopt;
        value = op == '*' ? *value * *right : *value / *right;
      }
      return value;
    }
    std::optional<double> sum() {
      auto value = product();
      while (value) {
        spaces();
        if (pos >= text.size() || (text[pos] != '+' && text[pos] != '-')) break;
        char op = text[pos++];
        auto right = product();
        if (!right) return std::nullopt;
        value = op == '+' ? *value + *right : *value - *right;
      }
      return value;
    }
  };
  Parser parser{expression, current, 0, 0};
  auto value = parser.sum();
  parser.spaces();
  if (!value || parser.pos != expression.size() || !std::isfinite(*value)) return std::nullopt;
  return value;
}

std::optional<std::string> PerfdataRewrite::add(Kind kind, std::string_view value, std::vector<std::string>& notes) {
  std::vector<std::string> parts = util::split(value, ',');
  Extend extend;
  extend.kind = kind;
  auto match = non_empty(parts, 0);
  if (!match && kind != Kind::Group) return std::nullopt;  // Centreon skips it
  if (match) {
    Regex::Error error;
    extend.match = Regex::try_compile(*match, "", &error);
    if (!extend.match) return "Invalid regular expression '" + util::sanitize_line(*match, 60) + "': " + error.message;
    extend.match_text = *match;
  }
  extend.substitute = non_empty(parts, 1);
  extend.unit = non_empty(parts, 3);
  extend.min = non_empty(parts, 4);
  extend.max = non_empty(parts, 5);
  extend.warning = non_empty(parts, 6);
  extend.critical = non_empty(parts, 7);
  if (auto method = non_empty(parts, 2)) {
    auto form =
        Regex::try_compile("^\\s*(invert|percent|scale|math|min|max|average|sum|eval)\\s*\\(\\s*(.*?)\\s*\\)\\s*$");
    if (!form->search(*method)) {
      notes.push_back("method in argument '" + std::string(value) + "' is unknown");
      return std::nullopt;
    }
    extend.method = *form->substitute(*method, "$1", false);
    extend.args = *form->substitute(*method, "$2", false);
    if (extend.method == "eval")
      return "--change-perfdata/--extend-perfdata method eval() runs Perl code and is not supported by check_mail "
             "(use math(), min(), max(), average() or sum())";
    if (extend.method == "scale") {
      auto units = Regex::try_compile("^([KMGTPEkmgtpe])?(B|b|bps|Bps|b/s|auto)$");
      if (!extend.args.empty() && !units->search(extend.args)) {
        notes.push_back("argument in method '" + std::string(value) + "' is unknown");
        return std::nullopt;
      }
    } else if (extend.method == "math") {
      auto pipe = extend.args.find('|');
      std::string expression = extend.args.substr(0, pipe);
      if (pipe != std::string::npos) extend.apply_threshold = util::trim(extend.args.substr(pipe + 1)) == "1";
      auto allowed = Regex::try_compile("^((?:[\\s.\\-+*/0-9()]|current)+)$");
      if (!allowed->search(expression)) {
        notes.push_back("argument in method '" + std::string(value) + "' is unknown");
        return std::nullopt;
      }
      extend.args = expression;
    }
  }
  extends_.push_back(std::move(extend));
  return std::nullopt;
}

std::optional<std::string> PerfdataRewrite::add_explode(std::string_view value) {
  if (value.empty()) {
    if (explode_matches_.empty()) explode_ = 2;
    return std::nullopt;
  }
  auto comma = value.find(',');
  if (comma == std::string_view::npos)
    return "Wrong explode-perfdata-max option '" + std::string(value) + "' (syntax: match,value)";
  Regex::Error error;
  auto match = Regex::try_compile(value.substr(0, comma), "", &error);
  if (!match) return "Invalid regular expression in --explode-perfdata-max: " + error.message;
  if (explode_ != 2) explode_ = 1;
  explode_matches_.emplace_back(std::move(*match), std::string(value.substr(comma + 1)));
  return std::nullopt;
}

void PerfdataRewrite::apply_one(const Extend& extend, std::vector<Perfdata>& perfdata) const {
  auto run_method = [&](Perfdata& perf, const std::string& source_label) {
    auto value = util::parse_number(perf.value);
    auto max = util::parse_number(perf.max);
    if (extend.method == "invert") {
      if (!max || !value) return;
      perf.value = number_text(*max - *value);
      for (std::string* t : {&perf.warning, &perf.critical})
        *t = map_threshold(
            *t, [&](double x) { return *max - x; }, true);
    } else if (extend.method == "percent") {
      if (!max || !value || *max == 0) return;
      perf.value = util::format("%.2f", *value * 100 / *max);
      perf.unit = "%";
      for (std::string* t : {&perf.warning, &perf.critical})
        *t = map_threshold(*t, [&](double x) { return std::stod(util::format("%.2f", x * 100 / *max)); });
      perf.max = "100";
    } else if (extend.method == "scale") {
      // Byte and bit units only; check_mail's perfdata have none, so there is nothing to scale.
      return;
    } else if (extend.method == "math") {
      if (value)
        if (auto result = evaluate_math(extend.args, *value)) perf.value = number_text(*result);
      if (!extend.apply_threshold) return;
      for (std::string* t : {&perf.warning, &perf.critical})
        *t = map_threshold(*t, [&](double x) { return evaluate_math(extend.args, x).value_or(x); });
      perf.max = "100";                   // as Centreon's apply_pfdata_math does
    } else if (!extend.method.empty()) {  // min, max, average, sum over the labels matching args
      std::string pattern = extend.args;
      if (extend.match && pattern.find('$') != std::string::npos) {
        // $1... of the group pattern come from this perfdata's match (Perl interpolation).
        auto whole = Regex::try_compile("^[\\s\\S]*?(?:" + extend.match_text + ")[\\s\\S]*$");
        if (whole)
          if (auto expanded = whole->substitute(source_label, pattern, false)) pattern = *expanded;
      }
      auto labels = Regex::try_compile(pattern);
      if (!labels) return;
      std::optional<double> result;
      double total = 0;
      int count = 0;
      for (const Perfdata& other : perfdata) {
        if (!labels->search(other.label) || !numeric(other.value)) continue;
        auto v = util::parse_number(other.value);
        if (!v) continue;
        if (extend.method == "min") result = result ? std::min(*result, *v) : *v;
        if (extend.method == "max") result = result ? std::max(*result, *v) : *v;
        total += *v;
        ++count;
      }
      if (extend.method == "sum" && count)
        perf.value = number_text(total);
      else if (extend.method == "average" && count)
        perf.value = util::format("%.2f", total / count);
      else if (result)
        perf.value = number_text(*result);
    }
  };
  auto finish = [&](Perfdata& perf) {
    if (extend.unit) perf.unit = *extend.unit;
    if (extend.min) perf.min = *extend.min;
    if (extend.max) perf.max = *extend.max;
    if (extend.warning) perf.warning = threshold_from_args(*extend.warning, perf.max);
    if (extend.critical) perf.critical = threshold_from_args(*extend.critical, perf.max);
  };

  if (extend.kind == Kind::Group && !extend.match) {
    if (!extend.substitute) return;
    Perfdata perf;
    perf.label = *extend.substitute;
    perf.unit = extend.unit.value_or("");
    perf.min = extend.min.value_or("");
    perf.max = extend.max.value_or("");
    run_method(perf, perf.label);
    if (extend.warning) perf.warning = threshold_from_args(*extend.warning, perf.max);
    if (extend.critical) perf.critical = threshold_from_args(*extend.critical, perf.max);
    if (!perf.value.empty()) perfdata.push_back(std::move(perf));
    return;
  }
  std::vector<Perfdata> added;
  for (std::size_t i = 0; i < perfdata.size(); ++i) {
    if (!extend.match->search(perfdata[i].label)) continue;
    Perfdata perf = perfdata[i];
    if (extend.kind == Kind::Group) perf = Perfdata{perfdata[i].label, "", "", "", "", "", "", "", ""};
    const std::string source_label = perfdata[i].label;
    if (extend.substitute)
      if (auto changed = extend.match->substitute(perf.label, *extend.substitute, false)) perf.label = *changed;
    run_method(perf, source_label);
    finish(perf);
    if (extend.kind == Kind::Change)
      perfdata[i] = std::move(perf);
    else if (!perf.value.empty())
      added.push_back(std::move(perf));
  }
  for (Perfdata& perf : added) perfdata.push_back(std::move(perf));
}

void PerfdataRewrite::apply(std::vector<Perfdata>& perfdata) const {
  for (const Extend& extend : extends_) apply_one(extend, perfdata);
  if (explode_ == 0) return;
  std::vector<Perfdata> added;
  for (const Perfdata& perf : perfdata) {
    if (perf.max.empty()) continue;
    if (explode_ == 2) {
      added.push_back(Perfdata{perf.label + "_max", perf.max, perf.unit, "", "", "", "", "", ""});
      continue;
    }
    for (const auto& [match, label] : explode_matches_)
      if (match.search(perf.label)) {
        added.push_back(Perfdata{label, perf.max, perf.unit, "", "", "", "", "", ""});
        break;
      }
  }
  for (Perfdata& perf : added) perfdata.push_back(std::move(perf));
}

}  // namespace check_mail::output
