#include "check_mail/output/perfdata.hpp"

#include "check_mail/util/strings.hpp"

namespace check_mail::output {

std::string Perfdata::render() const {
  std::string out = "'" + util::replace_all(label, "'", "''") + "'=";
  out += value + unit + ';' + warning + ';' + critical + ';' + min + ';' + max;
  return out;
}

}  // namespace check_mail::output
