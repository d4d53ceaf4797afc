#pragma once
// --mode=imap: log in to an IMAP server (plain, implicit TLS or STARTTLS), report login time,
// message count and mailbox size, and optionally find, age and delete a test message.
#include "check_mail/modes/mode.hpp"

namespace check_mail::modes::imap {

extern const ModeDefinition kImapMode;

}  // namespace check_mail::modes::imap
