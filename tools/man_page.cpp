// The man page and the Icinga 2 CheckCommand objects, generated from the same option and mode
// declarations as --help (cli/help.cpp), so none of them can drift from what the parser accepts.
// Built only into the generator tool (tools/check_mail_docgen.cpp), never into check_mail.
#include "man_page.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <regex>
#include <set>

#include "check_mail/cli/command_line.hpp"
#include "check_mail/cli/mode_registry.hpp"
#include "check_mail/version.hpp"

#ifndef CHECK_MAIL_DESCRIPTION
#define CHECK_MAIL_DESCRIPTION "Monitoring plugin for mail systems"
#endif

namespace check_mail::cli {
namespace {

// ------------------------------------------------------------------ shared

bool same_option(const OptionSpec& a, const OptionSpec& b) {
  return a.name == b.name && a.value_name == b.value_name && a.help == b.help && a.default_value == b.default_value &&
         a.aliases == b.aliases && a.short_names == b.short_names && a.repeatable == b.repeatable &&
         a.hidden == b.hidden && a.section == b.section;
}

// The options every mode accepts identically (the general and output options), in help order.
std::vector<OptionSpec> common_options() {
  auto modes = all_modes();
  std::vector<OptionSpec> common;
  if (modes.empty()) return common;
  for (const OptionSpec& spec : mode_option_specs(*modes.front())) {
    bool everywhere = std::all_of(modes.begin(), modes.end(), [&](const modes::ModeDefinition* mode) {
      auto specs = mode_option_specs(*mode);
      return std::any_of(specs.begin(), specs.end(), [&](const OptionSpec& s) { return same_option(s, spec); });
    });
    if (everywhere) common.push_back(spec);
  }
  return common;
}

bool contains(const std::vector<OptionSpec>& specs, const OptionSpec& spec) {
  return std::any_of(specs.begin(), specs.end(), [&](const OptionSpec& s) { return same_option(s, spec); });
}

// A mode's options that are not common to all modes, in help order.
std::vector<OptionSpec> own_options(const modes::ModeDefinition& mode, const std::vector<OptionSpec>& common) {
  std::vector<OptionSpec> own;
  for (const OptionSpec& spec : mode_option_specs(mode))
    if (!contains(common, spec)) own.push_back(spec);
  return own;
}

std::vector<std::string> split_lines(std::string_view text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    if (end > start) lines.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

std::string join(const std::vector<std::string>& items, const std::string& last_separator) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? last_separator : ", ";
    out += items[i];
  }
  return out;
}

// The CHECK_MAIL_* variable an option's help says it can be read from, or "".
std::string secret_variable(const OptionSpec& spec) {
  static const std::regex variable(R"(\bCHECK_MAIL_[A-Z0-9_]+\b)");
  std::smatch match;
  return std::regex_search(spec.help, match, variable) ? match.str() : std::string();
}

// A password or other secret given on the command line (not a file holding one).
bool is_secret(const OptionSpec& spec) {
  if (spec.value_name == "FILE") return false;  // a path; its variable is the secret itself
  return spec.value_name == "PASSWORD" || spec.value_name == "SECRET" || !secret_variable(spec).empty();
}

// "CHECK_MAIL_OAUTH_TOKEN" -> "check_mail_oauth_token": the Icinga 2 custom variable holding it.
std::string variable_var_name(const std::string& variable) {
  std::string name = variable;
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

// ------------------------------------------------------------------ troff

// Text for roff: backslashes and dashes escaped (every dash is a minus, so option names copied
// from the rendered page work), no line starting with a control character.
std::string roff(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\\')
      out += "\\e";
    else if (c == '-')
      out += "\\-";
    else
      out += c;
  }
  return out;
}

std::string roff_line(std::string_view text) {
  std::string line = roff(text);
  if (!line.empty() && (line[0] == '.' || line[0] == '\'')) line = "\\&" + line;
  return line;
}

std::string bold(std::string_view text) { return "\\fB" + roff(text) + "\\fR"; }
std::string italic(std::string_view text) { return "\\fI" + roff(text) + "\\fR"; }

std::string option_names(const OptionSpec& spec) {
  std::vector<std::string> names;
  for (char c : spec.short_names) names.push_back(bold(std::string("-") + c));
  std::string primary = bold("--" + spec.name);
  if (!spec.value_name.empty()) primary += "=" + italic(spec.value_name);
  names.push_back(primary);
  for (const std::string& alias : spec.aliases) names.push_back(bold("--" + alias));
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

std::string option_entries(const std::vector<OptionSpec>& specs, bool subsections) {
  std::string out, section;
  for (const OptionSpec& spec : specs) {
    if (spec.hidden) continue;
    if (subsections && spec.section != section) {
      section = spec.section;
      out += ".SS \"" + roff(section) + "\"\n";
    }
    out += ".TP\n" + option_names(spec) + "\n" + roff_line(spec.help) + "\n";
    if (!spec.default_value.empty()) out += "Default: " + bold(spec.default_value) + ".\n";
    if (spec.repeatable && spec.help.find("repeatable") == std::string::npos) out += "Repeatable.\n";
  }
  return out;
}

std::string upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

// A command line cut before its options (never inside quotes) into shell lines of at most
// width characters joined with " \", so that examples fit an 80-column terminal.
std::vector<std::string> shell_lines(const std::string& command, std::size_t width = 68) {
  std::vector<std::string> words;
  std::string word;
  char quote = 0;
  for (std::size_t i = 0; i < command.size(); ++i) {
    char c = command[i];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == ' ' && i + 1 < command.size() && command[i + 1] == '-') {
      words.push_back(word);
      word.clear();
      continue;
    }
    word += c;
  }
  if (!word.empty()) words.push_back(word);
  std::vector<std::string> lines;
  std::string line;
  for (const std::string& w : words) {
    std::string indent = lines.empty() ? "" : "  ";
    if (!line.empty() && indent.size() + line.size() + 1 + w.size() + 2 > width) {
      lines.push_back(line);
      line.clear();
    }
    line += (line.empty() ? "" : " ") + w;
  }
  if (!line.empty()) lines.push_back(line);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) lines[i] = "  " + lines[i];
    if (i + 1 < lines.size()) lines[i] += " \\";
  }
  return lines;
}

std::string examples(std::string_view text) {
  std::string out = ".SS Examples\n";
  for (const std::string& command : split_lines(text)) {
    out += ".PP\n.RS 4\n.nf\n";
    for (const std::string& line : shell_lines(command)) out += roff_line(line) + "\n";
    out += ".fi\n.RE\n";
  }
  return out;
}

const OptionSpec* find_option(const std::string& name) {
  static std::vector<OptionSpec> all;
  if (all.empty())
    for (const modes::ModeDefinition* mode : all_modes())
      for (OptionSpec& spec : mode_option_specs(*mode)) all.push_back(std::move(spec));
  for (const OptionSpec& spec : all)
    if (spec.name == name) return &spec;
  return nullptr;
}

// ------------------------------------------------------------------ Icinga 2

std::string icinga_string(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '\\' || c == '"') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string var_name(const std::string& option) {
  std::string name = "check_mail_" + option;
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

// The name an Icinga argument uses: the primary one, except for thresholds, whose short alias
// is Centreon's label form (--warning-spool-messages rather than
// --warning-instance-spool-messages-count), the one the documentation uses.
std::string icinga_name(const OptionSpec& spec) {
  std::string name = spec.name;
  if (spec.section == "Thresholds")
    for (const std::string& alias : spec.aliases)
      if (alias.size() < name.size()) name = alias;
  return name;
}

// Options that make no sense in a check command: the mode is fixed per object, the others print
// help instead of checking.
bool icinga_skips(const OptionSpec& spec) {
  static const std::set<std::string> skipped = {"mode", "plugin", "list-mode", "help", "version"};
  return spec.hidden || skipped.count(spec.name) != 0;
}

}  // namespace

std::vector<SecretVariable> secret_variables() {
  std::map<std::string, SecretVariable> found;
  for (const modes::ModeDefinition* mode : all_modes()) {
    for (const OptionSpec& spec : mode_option_specs(*mode)) {
      std::string variable = secret_variable(spec);
      if (variable.empty()) continue;
      SecretVariable& entry = found[variable];
      entry.variable = variable;
      entry.uses.emplace_back(std::string(mode->name), spec.name);
    }
  }
  std::vector<SecretVariable> out;
  for (auto& [name, entry] : found) out.push_back(std::move(entry));
  return out;
}

std::string man_page() {
  const std::string version = kVersion;
  const std::string program = kProgramName;
  const std::vector<OptionSpec> common = common_options();
  std::string out;
  out += ".\\\" Generated by check_mail_docgen from check_mail's option and mode declarations: do not edit.\n";
  out += ".\\\" Regenerate with: cmake --build build --target manpage\n";
  out += ".TH CHECK_MAIL 1 \"\" \"" + program + " " + version + "\" \"Monitoring Plugins\"\n";
  std::string description = CHECK_MAIL_DESCRIPTION;  // the CMake project's DESCRIPTION
  if (!description.empty())
    description[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(description[0])));
  out += ".nh\n.ad l\n";  // no hyphenation (option names, labels), ragged right
  out += ".SH NAME\n" + program + " \\- " + roff(description) + "\n";

  out += ".SH SYNOPSIS\n";
  out += ".B " + program + "\n" + bold("--mode") + "=" + italic("MODE") + " [" + italic("OPTION") + "]...\n.br\n";
  out += ".B " + program + "\n" + bold("--list-mode") + "\n.br\n";
  out += ".B " + program + "\n" + bold("--help") + " [" + bold("--mode") + "=" + italic("MODE") + "]\n.br\n";
  out += ".B " + program + "\n" + bold("--version") + "\n";

  out += ".SH DESCRIPTION\n";
  out += ".B " + program + "\n" +
         roff(
             "is a monitoring plugin for Nagios, Centreon, Icinga and any poller that follows the Nagios "
             "plugin conventions. It runs one check per call, chosen with --mode, and prints one status line "
             "(OK:, WARNING:, CRITICAL: or UNKNOWN:) with the performance data after a '|', then the long "
             "output on the following lines. The exit status gives the state.") +
         "\n.PP\n" +
         roff(
             "The SmarterMail modes are a drop-in replacement for Centreon's apps::smartermail::restapi::plugin "
             "(the same options, API calls, perfdata labels and messages; --plugin is accepted and ignored): "
             "change only the program path of the command definitions. The smtp mode also understands the "
             "arguments of check_smtp as Icinga 2's smtp CheckCommand passes them.") +
         "\n.PP\n" +
         roff(
             "Options take their value as --name=value or --name value. Thresholds are Nagios ranges "
             "(10, 10:, ~:10, 10:20, @10:20; decimals allowed). Status thresholds are expressions over "
             "%{variables}: =~ and !~ with a /regex/ (PCRE2), eq ne lt gt le ge == != < <= > >=, ! not && and "
             "|| or, parentheses, quoted strings and numbers. A whole check, retries included, ends within "
             "--timeout. TLS certificates and host names are verified unless --insecure is given. Passwords "
             "can come from a file or the environment instead of the command line (see ENVIRONMENT).") +
         "\n";
  out += ".SS Modes\n";
  for (const modes::ModeDefinition* mode : all_modes())
    out += ".TP\n" + bold(mode->name) + "\n" + roff_line(mode->summary) + "\n";

  out += ".SH \"OPTIONS COMMON TO ALL MODES\"\n";
  out += option_entries(common, true);

  for (const modes::ModeDefinition* mode : all_modes()) {
    out += ".SH \"" + upper(std::string(mode->name)) + " MODE\"\n";
    out += bold("--mode") + "=" + bold(mode->name) + ": " + roff(mode->summary) + ".\n.PP\n";
    out += roff_line(mode->description) + "\n.PP\n";
    char timeout[32];
    std::snprintf(timeout, sizeof timeout, "%g", mode->default_timeout);
    out += roff("Default --timeout: ") + timeout + " s.\n";
    out += option_entries(own_options(*mode, common), true);
    out += examples(mode->examples);
  }

  out += ".SH \"EXIT STATUS\"\n";
  const char* states[][2] = {{"0", "OK: every value is within its thresholds."},
                             {"1", "WARNING: a warning threshold or expression matched."},
                             {"2", "CRITICAL: a critical threshold or expression matched."},
                             {"3",
                              "UNKNOWN: the check could not be carried out (bad option, unreachable server, "
                              "unexpected reply, timeout) or an unknown threshold matched."}};
  for (auto& state : states) out += ".TP\n" + bold(state[0]) + "\n" + roff_line(state[1]) + "\n";
  out += ".PP\n" +
         roff(
             "--change-exit=FROM=TO maps one state to another; --opt-exit sets the state of a check that "
             "cannot be carried out (UNKNOWN by default). --help, --list-mode and --version exit with 3, "
             "as Centreon's plugins do.") +
         "\n";

  out += ".SH ENVIRONMENT\n";
  for (const SecretVariable& secret : secret_variables()) {
    // "as --password by the smtp mode and as --smtp-password by the roundtrip mode"
    std::vector<std::string> by_option;
    std::map<std::string, std::vector<std::string>> modes_of;
    for (const auto& [mode, option] : secret.uses) {
      if (modes_of[option].empty()) by_option.push_back(option);
      modes_of[option].push_back(mode);
    }
    std::vector<std::string> parts;
    for (const std::string& option : by_option) {
      const auto& modes = modes_of[option];
      parts.push_back("as --" + option + " by the " + join(modes, " and ") + " mode" + (modes.size() > 1 ? "s" : ""));
    }
    out += ".TP\n" + bold(secret.variable) + "\n";
    out +=
        roff("Taken " + join(parts, " and ") + ", when that option is not given or empty and its -file form (e.g. --" +
             by_option.front() + "-file) is not given.") +
        "\n";
  }
  out += ".PP\n" +
         roff(
             "The environment keeps secrets out of the process list; Icinga 2's CheckCommand objects of "
             "/usr/share/check_mail/icinga2/check_mail.conf pass the passwords this way.") +
         "\n";

  out += ".SH FILES\n";
  out += ".TP\n" + bold("/usr/lib64/nagios/plugins/check_mail") + ", " + bold("/usr/lib/nagios/plugins/check_mail") +
         "\n" + roff("The program (EL and Debian packages), with a link from /usr/lib/centreon/plugins/check_mail.") +
         "\n";
  if (find_option("statefile-dir"))
    out += ".TP\n" + bold("$XDG_CACHE_HOME/check_mail/") + ", " + bold("~/.cache/check_mail/") + ", " +
           bold("/tmp/check_mail-UID/") + "\n" +
           roff(
               "The token caches, the first of these the user has (a home of / does not count): the SmarterMail "
               "API token (another directory with --statefile-dir) and the OAuth access tokens (--oauth-cache-dir), "
               "each with its expiry, mode 0600 in a directory of mode 0700 owned by the user, written "
               "atomically; a file or directory owned by another user is not used.") +
           "\n";
  out += ".TP\n" + bold("/usr/share/check_mail/centreon/check_mail.clapi") + "\n" +
         roff("Centreon commands and templates, for centreon -u admin -p PASSWORD -i FILE.") + "\n";
  out += ".TP\n" + bold("/usr/share/check_mail/nagios/check_mail.cfg") + "\n" +
         roff("Nagios command objects, for a cfg_file= line of nagios.cfg.") + "\n";
  out += ".TP\n" + bold("/usr/share/check_mail/icinga2/check_mail.conf") + "\n" +
         roff("Icinga 2 CheckCommand objects, for an include line of icinga2.conf.") + "\n";
  out += ".TP\n" + bold("/usr/share/doc/check_mail/") + "\n" +
         roff(
             "README.md, integration.md (the snippets above, step by step) and one page per mode family with "
             "output samples, perfdata tables and the deliberate differences from the plugins it replaces "
             "(/usr/share/doc/check-mail/ on Debian).") +
         "\n";

  out += ".SH \"SEE ALSO\"\n";
  out += ".BR icinga2 (8),\n.BR nagios (8),\n.BR centengine (8)\n.PP\n" +
         roff("Nagios plugin guidelines: https://www.monitoring-plugins.org/doc/guidelines.html") + "\n";
  return out;
}

std::string icinga2_commands() {
  std::string out;
  out += "// check_mail " + std::string(kVersion) + ": Icinga 2 CheckCommand objects, one per mode.\n";
  out += "// Generated by check_mail_docgen from check_mail's option declarations: do not edit.\n";
  out += "// Regenerate with: cmake --build build --target snippets\n";
  out += "//\n";
  out += "// Include it from icinga2.conf, after the Icinga Template Library (PluginDir, ipv4-or-ipv6):\n";
  out += "//   include \"/usr/share/check_mail/icinga2/check_mail.conf\"\n";
  out += "//\n";
  out += "// Each option --some-name of a mode is an argument set from the custom variable\n";
  out += "// check_mail_some_name; a flag is passed when its variable is true. --hostname defaults to the\n";
  out += "// host's address. Passwords are passed in the environment, never on the command line:\n";
  for (const SecretVariable& secret : secret_variables()) {
    std::vector<std::string> vars;
    for (const auto& [mode, option] : secret.uses) {
      // A "-file" option holds a path: the variable of the secret itself is named after it.
      const std::string var =
          option.size() > 5 && option.ends_with("-file") ? variable_var_name(secret.variable) : var_name(option);
      if (std::find(vars.begin(), vars.end(), "vars." + var) == vars.end()) vars.push_back("vars." + var);
    }
    out += "//   " + join(vars, " or ") + " -> " + secret.variable + "\n";
  }
  for (const modes::ModeDefinition* mode : all_modes()) {
    std::string name(mode->name);
    out += "\nobject CheckCommand \"check_mail_" + name + "\" {\n";
    out += "  import \"ipv4-or-ipv6\"\n\n";
    out += "  command = [ PluginDir + \"/check_mail\", \"--mode=" + name + "\" ]\n\n";
    out += "  arguments = {\n";
    std::vector<std::pair<std::string, std::string>> env;
    std::vector<std::string> omitted;
    for (const OptionSpec& spec : mode_option_specs(*mode)) {
      if (icinga_skips(spec)) continue;
      if (is_secret(spec)) {
        std::string variable = secret_variable(spec);
        if (variable.empty())
          omitted.push_back("--" + spec.name);
        else
          env.emplace_back(variable, var_name(spec.name));
        continue;
      }
      // A file holding a secret whose variable can carry the secret itself: both are offered.
      if (spec.value_name == "FILE" && !secret_variable(spec).empty())
        env.emplace_back(secret_variable(spec), variable_var_name(secret_variable(spec)));
      std::string description = spec.help;
      if (!spec.default_value.empty()) description += " Default: " + spec.default_value + ".";
      const std::string name = icinga_name(spec);
      out += "    \"--" + name + "\" = {\n";
      out +=
          std::string("      ") + (spec.value_name.empty() ? "set_if" : "value") + " = \"$" + var_name(name) + "$\"\n";
      out += "      description = " + icinga_string(description) + "\n";
      out += "    }\n";
    }
    if (!omitted.empty())
      out += "    // Not here: " + join(omitted, " and ") +
             ", secrets with no environment variable of their own (see the -file options).\n";
    out += "  }\n";
    if (!env.empty()) {
      out += "\n  env = {\n";
      for (const auto& [variable, var] : env) out += "    " + variable + " = \"$" + var + "$\"\n";
      out += "  }\n";
    }
    out += "\n  vars.check_mail_hostname = \"$check_address$\"\n";
    out += "}\n";
  }
  return out;
}

}  // namespace check_mail::cli
