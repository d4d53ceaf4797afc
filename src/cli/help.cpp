// --help, --list-mode: generated from the option and mode declarations, so they cannot drift
// from what the parser accepts.
#include <map>

#include "check_mail/cli/command_line.hpp"
#include "check_mail/cli/mode_registry.hpp"
#include "check_mail/version.hpp"

namespace check_mail::cli {
namespace {

// Wraps text at width, indenting continuation lines.
std::string wrap(const std::string& text, std::size_t indent, std::size_t width = 100) {
  std::string out, line;
  std::string pad(indent, ' ');
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find(' ', start);
    std::string word = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (!line.empty() && indent + line.size() + 1 + word.size() > width) {
      out += pad + line + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
    if (end == std::string::npos) break;
    start = end + 1;
  }
  if (!line.empty()) out += pad + line + "\n";
  return out;
}

std::string option_usage(const OptionSpec& spec) {
  std::string names;
  for (char c : spec.short_names) names += std::string("-") + c + ", ";
  names += "--" + spec.name;
  if (!spec.value_name.empty()) names += "=" + spec.value_name;
  for (const std::string& alias : spec.aliases) names += ", --" + alias;
  return names;
}

std::string options_help(const std::vector<OptionSpec>& specs) {
  std::string out;
  std::string section;
  for (const OptionSpec& spec : specs) {
    if (spec.hidden) continue;
    if (spec.section != section) {
      section = spec.section;
      out += "\n" + section + ":\n";
    }
    out += "  " + option_usage(spec) + "\n";
    std::string help = spec.help;
    if (!spec.default_value.empty()) help += " (default: " + spec.default_value + ")";
    // Some help texts say it already ("... (repeatable)."), as the man page generator checks too.
    if (spec.repeatable && spec.help.find("repeatable") == std::string::npos) help += " Repeatable.";
    out += wrap(help, 6);
  }
  return out;
}

const char* kUsage =
    "Usage: check_mail --mode=MODE [options]\n"
    "       check_mail --list-mode | --help [--mode=MODE] | --version\n";

}  // namespace

std::string list_modes() {
  std::string out = "Modes Available:\n";
  for (const modes::ModeDefinition* mode : all_modes()) {
    std::string name(mode->name);
    out += "   " + name + std::string(name.size() < 12 ? 12 - name.size() : 1, ' ') + std::string(mode->summary) + "\n";
  }
  return out;
}

std::string global_help() {
  std::string out = std::string(kProgramName) + " " + kVersion + ": a monitoring plugin for mail systems.\n\n" + kUsage;
  out += "\n" + list_modes();
  out += options_help(global_option_specs());
  out += "\nExit codes: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN. Run --help --mode=MODE for a mode's options.\n";
  return out;
}

std::string mode_help(const modes::ModeDefinition& mode) {
  std::string out = std::string(kProgramName) + " " + kVersion + " --mode=" + std::string(mode.name) + ": " +
                    std::string(mode.summary) + "\n\n" + kUsage + "\n";
  out += wrap(std::string(mode.description), 0);
  out += options_help(mode_option_specs(mode));
  out += "\nExamples:\n";
  std::string examples(mode.examples);
  std::size_t start = 0;
  while (start < examples.size()) {
    std::size_t end = examples.find('\n', start);
    out += "  " + examples.substr(start, end == std::string::npos ? std::string::npos : end - start) + "\n";
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

}  // namespace check_mail::cli
