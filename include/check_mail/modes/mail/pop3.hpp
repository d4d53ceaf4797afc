#pragma once
// --mode=pop3: log in to a POP3 server (plain, implicit TLS or STLS), report login time,
// message count and mailbox size, and optionally find, age and delete a test message.
#include "check_mail/modes/mode.hpp"

namespace check_mail::modes::pop3 {

extern const ModeDefinition kPop3Mode;

}  // namespace check_mail::modes::pop3
