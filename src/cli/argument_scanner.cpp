#include "check_mail/cli/argument_scanner.hpp"

#include <algorithm>

#include "check_mail/util/strings.hpp"

namespace check_mail::cli {
namespace {

bool is_flag(const OptionSpec& spec) { return spec.value_name.empty(); }

// The words Icinga 2, shells and people use for booleans.
std::optional<bool> boolean_word(std::string_view word) {
  const std::string lower = util::to_lower(std::string(word));
  if (lower == "true" || lower == "1" || lower == "yes" || lower == "on") return true;
  if (lower == "false" || lower == "0" || lower == "no" || lower == "off") return false;
  return std::nullopt;
}

class Scanner {
public:
  Scanner(const std::vector<OptionSpec>& specs, UnknownOptions unknown) : specs_(specs), unknown_(unknown) {}

  Options scan(const std::vector<std::string>& args) {
    for (std::size_t i = 0; i < args.size(); ++i) {
      const std::string& arg = args[i];
      const std::string* next = i + 1 < args.size() ? &args[i + 1] : nullptr;
      bool took_next = false;
      if (arg == "--") break;  // the end of the options: what follows is ignored, as Centreon's parser does
      if (arg.rfind("--", 0) == 0)
        took_next = long_option(arg, next);
      else if (arg.size() >= 2 && arg[0] == '-')
        took_next = short_options(arg, next);
      else if (unknown_ == UnknownOptions::refuse)
        stray_word();
      if (took_next) ++i;
    }
    Options options;
    options.set_defaults(specs_);
    for (auto& [name, values] : values_) options.set(name, std::move(values));
    return options;
  }

private:
  const OptionSpec* find_long(std::string_view name) const {
    auto it = std::find_if(specs_.begin(), specs_.end(), [&](const OptionSpec& spec) {
      return spec.name == name || std::find(spec.aliases.begin(), spec.aliases.end(), name) != spec.aliases.end();
    });
    return it == specs_.end() ? nullptr : &*it;
  }
  const OptionSpec* find_short(char letter) const {
    auto it = std::find_if(specs_.begin(), specs_.end(),
                           [&](const OptionSpec& spec) { return spec.short_names.find(letter) != std::string::npos; });
    return it == specs_.end() ? nullptr : &*it;
  }

  // Not echoed: a stray word is often a value that lost its option ("--api-password= secret").
  [[noreturn]] static void stray_word() {
    throw UsageError{
        "Command line error: unexpected argument(s) that are not options (values go with their "
        "option: --name=value or --name value)"};
  }

  void add(const OptionSpec& spec, std::string value) {
    std::vector<std::string>& values = values_[spec.name];
    if (is_flag(spec) || spec.repeatable)
      values.push_back(std::move(value));
    else
      values = {std::move(value)};  // the last one given wins
  }

  // A flag's yes/no word: true sets it, false leaves it as if not given.
  void add_boolean_flag(const OptionSpec& spec, bool value) {
    if (value) add(spec, "");
  }

  // Returns whether the next word was taken as the value.
  bool long_option(const std::string& arg, const std::string* next) {
    const std::size_t equals = arg.find('=');
    const std::string_view name =
        std::string_view(arg).substr(2, equals == std::string::npos ? std::string::npos : equals - 2);
    const OptionSpec* spec = find_long(name);
    if (!spec) {
      if (unknown_ == UnknownOptions::skip) return false;
      throw UsageError{"Unknown option '--" + util::sanitize_line(name, 60) + "' (see --help)"};
    }
    if (is_flag(*spec)) {
      if (equals == std::string::npos) {
        if (spec->flag_takes_boolean && next && boolean_word(*next)) {
          add_boolean_flag(*spec, *boolean_word(*next));
          return true;
        }
        add(*spec, "");
        return false;
      }
      const auto value = boolean_word(std::string_view(arg).substr(equals + 1));
      if (!spec->flag_takes_boolean || !value) {
        if (unknown_ == UnknownOptions::skip) return false;
        throw UsageError{"Option '--" + spec->name + "' takes no value" +
                         (spec->flag_takes_boolean ? " other than true or false." : ".")};
      }
      add_boolean_flag(*spec, *value);
      return false;
    }
    if (equals != std::string::npos) {
      add(*spec, arg.substr(equals + 1));
      return false;
    }
    add(*spec, next ? *next : std::string());  // last on the line: an empty value, as Centreon's ":s"
    return next != nullptr;
  }

  bool short_options(const std::string& arg, const std::string* next) {
    for (std::size_t j = 1; j < arg.size(); ++j) {
      const OptionSpec* spec = find_short(arg[j]);
      if (!spec) {
        if (unknown_ == UnknownOptions::skip) return false;
        throw UsageError{"Unknown option '-" + util::sanitize_line(std::string(1, arg[j]), 4) + "' (see --help)"};
      }
      const bool last = j + 1 == arg.size();
      if (is_flag(*spec)) {
        if (last && spec->flag_takes_boolean && next && boolean_word(*next)) {
          add_boolean_flag(*spec, *boolean_word(*next));
          return true;
        }
        add(*spec, "");
        continue;
      }
      if (!last) {
        add(*spec, arg.substr(j + 1));  // "-p587": the rest of the word
        return false;
      }
      add(*spec, next ? *next : std::string());
      return next != nullptr;
    }
    return false;
  }

  const std::vector<OptionSpec>& specs_;
  UnknownOptions unknown_;
  std::map<std::string, std::vector<std::string>> values_;
};

}  // namespace

Options scan_arguments(const std::vector<std::string>& args, const std::vector<OptionSpec>& specs,
                       UnknownOptions unknown) {
  return Scanner(specs, unknown).scan(args);
}

}  // namespace check_mail::cli
