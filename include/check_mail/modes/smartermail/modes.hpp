#pragma once
// The SmarterMail REST API modes, drop-in replacements for Centreon's
// apps::smartermail::restapi::plugin modes of the same names.
#include "check_mail/modes/mode.hpp"

namespace check_mail::modes::smartermail {

extern const ModeDefinition kSpoolsMode;
extern const ModeDefinition kServicesMode;
extern const ModeDefinition kLicensesMode;
extern const ModeDefinition kMultiMode;

}  // namespace check_mail::modes::smartermail
