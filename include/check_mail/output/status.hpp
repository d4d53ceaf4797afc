#pragma once
// Plugin states and how they combine.
#include <optional>
#include <string_view>

namespace check_mail::output {

enum class Status { Ok = 0, Warning = 1, Critical = 2, Unknown = 3 };

std::string_view status_label(Status status);               // "OK", "WARNING", ...
std::optional<Status> parse_status(std::string_view text);  // case-insensitive label

// The state of several results together. As in Centreon's output layer, CRITICAL outranks
// UNKNOWN, which outranks WARNING, which outranks OK.
Status worst(Status a, Status b);

}  // namespace check_mail::output
