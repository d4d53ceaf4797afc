// --mode=imap: the declaration of the mode; the dialogue is transport/imap_session, the
// options, counters and values are shared with --mode=pop3 in mailbox_check.
#include "check_mail/modes/mail/imap.hpp"

#include "check_mail/modes/mail/mailbox_check.hpp"

namespace check_mail::modes::imap {
namespace {

using transport::mailbox::Protocol;

std::vector<cli::OptionSpec> options() { return mailbox_check::options(Protocol::imap); }
std::vector<output::CounterGroup> counters() { return mailbox_check::counters(Protocol::imap); }
void run(ModeRun& run) { mailbox_check::run(run, Protocol::imap); }

}  // namespace

const ModeDefinition kImapMode{
    "imap",
    "IMAP login, mailbox figures, and a test message found, aged and deleted",
    "Connects to an IMAP server (plain, implicit TLS or STARTTLS, which is then mandatory), logs in (LOGIN, or "
    "AUTHENTICATE PLAIN or CRAM-MD5), and examines the mailbox: login time, message count and mailbox size are "
    "perfdata with thresholds (--warning-login-time, --critical-messages, --warning-mailbox-size, ...). With "
    "--search-token (the X-Check-Mail-Token of a message sent by --mode=smtp --email=...) or --search-subject it finds "
    "the newest matching message and reports its age (--warning-message-age); --delete removes it (UID STORE "
    "\\Deleted + UID EXPUNGE). A message that is not found is CRITICAL, as is any failure (status expressions over "
    "%{phase}, %{message}, %{error}, %{response} and %{response_code} override that). Credentials are refused over a "
    "connection without TLS unless --allow-plaintext-auth, and never shown by --verbose.",
    "check_mail --mode=imap --hostname=mail.example.com --security=ssl --username=monitor@example.com "
    "--password-file=/etc/nagios/imap.pass --warning-login-time=1 --critical-login-time=5\n"
    "check_mail --mode=imap --hostname=mail.example.com --security=starttls --username=monitor@example.com "
    "--password-file=/etc/nagios/imap.pass --search-token=3f2a... --delete --critical-message-age=300",
    options,
    counters,
    run,
    30,
};

}  // namespace check_mail::modes::imap
