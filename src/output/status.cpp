#include "check_mail/output/status.hpp"

#include "check_mail/util/strings.hpp"

namespace check_mail::output {

std::string_view status_label(Status status) {
  switch (status) {
    case Status::Ok: return "OK";
    case Status::Warning: return "WARNING";
    case Status::Critical: return "CRITICAL";
    case Status::Unknown: return "UNKNOWN";
  }
  return "UNKNOWN";
}

std::optional<Status> parse_status(std::string_view text) {
  for (Status s : {Status::Ok, Status::Warning, Status::Critical, Status::Unknown})
    if (util::iequals(text, status_label(s))) return s;
  return std::nullopt;
}

namespace {
int rank(Status s) {
  switch (s) {
    case Status::Ok: return 0;
    case Status::Warning: return 1;
    case Status::Unknown: return 2;
    case Status::Critical: return 3;
  }
  return 2;
}
}  // namespace

Status worst(Status a, Status b) { return rank(a) >= rank(b) ? a : b; }

}  // namespace check_mail::output
