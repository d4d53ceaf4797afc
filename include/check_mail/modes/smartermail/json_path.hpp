#pragma once
// The JSONPath subset Centreon's file password manager is used with (--secret-search-value),
// without running Perl: $ root, .name and ['name'] children, ..name descendants, [N] and [*],
// and [?(...)] filters on a member: $_->{name} or @.name, then =~ /re/flags, !~, eq, ne, ==, !=
// and a quoted string or number.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace check_mail::modes::smartermail {

// The first value the path selects (as JSON::Path's value()), nullopt when none. A path outside
// the subset sets *error (and returns nullopt).
std::optional<nlohmann::json> json_path_first(const nlohmann::json& document, std::string_view path,
                                              std::string* error);

}  // namespace check_mail::modes::smartermail
