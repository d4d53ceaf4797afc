#include "check_mail/options/options.hpp"

namespace check_mail::cli {

void Options::set_defaults(const std::vector<OptionSpec>& specs) {
  for (const OptionSpec& spec : specs)
    if (!spec.default_value.empty()) defaults_[spec.name] = spec.default_value;
}

std::string Options::get(const std::string& name) const {
  auto it = values_.find(name);
  if (it != values_.end() && !it->second.empty()) return it->second.back();
  if (it != values_.end()) return {};
  auto d = defaults_.find(name);
  return d == defaults_.end() ? std::string() : d->second;
}

std::vector<std::string> Options::all(const std::string& name) const {
  auto it = values_.find(name);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

}  // namespace check_mail::cli
