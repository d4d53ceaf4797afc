#pragma once
// Options as data: each mode and layer declares its options once; the command-line parser,
// --help, the man page and the tests that keep them in sync all read the same declarations.
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace check_mail::cli {

struct OptionSpec {
  std::string name;        // long name without dashes: "hostname"
  std::string value_name;  // "HOST"; empty for a flag that takes no value
  std::string help;
  std::string default_value;         // shown in --help; returned by Options::get when not given
  std::vector<std::string> aliases;  // other long names: {"ssl"}
  std::string short_names;           // one-letter names: "H"
  bool repeatable = false;           // every occurrence kept (e.g. --change-exit)
  bool hidden = false;               // accepted but not listed (compatibility no-ops)
  std::string section;               // help section title
  // A flag that also takes a yes/no word ("-q true", "--x=false"): check_smtp's -q, which the
  // Icinga ITL passes with its variable's value. Any other flag given a value is refused.
  bool flag_takes_boolean = false;
};

// What the command line said, by primary option name.
class Options {
public:
  void set(const std::string& name, std::vector<std::string> values) { values_[name] = std::move(values); }
  void set_defaults(const std::vector<OptionSpec>& specs);

  [[nodiscard]] bool given(const std::string& name) const { return values_.count(name) != 0; }
  // The last value given, else the declared default, else "".
  [[nodiscard]] std::string get(const std::string& name) const;
  [[nodiscard]] std::vector<std::string> all(const std::string& name) const;
  [[nodiscard]] bool flag(const std::string& name) const { return given(name); }

private:
  std::map<std::string, std::vector<std::string>> values_;
  std::map<std::string, std::string> defaults_;
};

// A bad command line: reported as UNKNOWN with this message.
struct UsageError {
  std::string message;
};

}  // namespace check_mail::cli
