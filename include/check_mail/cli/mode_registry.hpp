#pragma once
// Every mode the binary knows, in --list-mode order. A table of plain data: nothing runs at
// start-up to register modes.
#include <span>
#include <string_view>

#include "check_mail/modes/mode.hpp"

namespace check_mail::cli {

std::span<const modes::ModeDefinition* const> all_modes();
const modes::ModeDefinition* find_mode(std::string_view name);

}  // namespace check_mail::cli
