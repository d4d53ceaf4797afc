#pragma once
// --mode=smtp: a real SMTP transaction timed phase by phase (after the IBM SMTP monitor of the
// seeds), with every figure as perfdata under its own thresholds. Also accepts check_smtp's
// arguments as Icinga 2's `smtp` CheckCommand passes them.
#include "check_mail/modes/mode.hpp"

namespace check_mail::modes::smtp {

extern const ModeDefinition kSmtpMode;

}  // namespace check_mail::modes::smtp
