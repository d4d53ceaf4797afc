#pragma once
// --mode=roundtrip: a test message sent through SMTP and read back over IMAP or POP3, proving
// the mail is delivered and not only accepted; the delivery time as perfdata, the message
// deleted afterwards, a message that never arrives CRITICAL.
#include "check_mail/modes/mode.hpp"

namespace check_mail::modes::roundtrip {

extern const ModeDefinition kRoundtripMode;

}  // namespace check_mail::modes::roundtrip
