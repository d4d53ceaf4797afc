#include "check_mail/cli/mode_registry.hpp"

#include <array>

#include "check_mail/modes/mail/imap.hpp"
#include "check_mail/modes/mail/pop3.hpp"
#include "check_mail/modes/mail/smtp.hpp"
#include "check_mail/modes/roundtrip/roundtrip.hpp"
#include "check_mail/modes/smartermail/modes.hpp"

namespace check_mail::cli {
namespace {
// Pointers, not copies: the definitions are constant data in their own files.
const std::array<const modes::ModeDefinition*, 8> kModes = {
    &modes::smartermail::kLicensesMode,
    &modes::smartermail::kServicesMode,
    &modes::smartermail::kSpoolsMode,
    &modes::smtp::kSmtpMode,
    &modes::imap::kImapMode,
    &modes::pop3::kPop3Mode,
    &modes::roundtrip::kRoundtripMode,
    &modes::smartermail::kMultiMode,
};
}  // namespace

std::span<const modes::ModeDefinition* const> all_modes() { return kModes; }

const modes::ModeDefinition* find_mode(std::string_view name) {
  for (const modes::ModeDefinition* mode : kModes)
    if (mode->name == name) return mode;
  return nullptr;
}

}  // namespace check_mail::cli
