// --mode=pop3: the declaration of the mode; the dialogue is transport/pop3_session, the
// options, counters and values are shared with --mode=imap in mailbox_check.
#include "check_mail/modes/mail/pop3.hpp"

#include "check_mail/modes/mail/mailbox_check.hpp"

namespace check_mail::modes::pop3 {
namespace {

using transport::mailbox::Protocol;

std::vector<cli::OptionSpec> options() { return mailbox_check::options(Protocol::pop3); }
std::vector<output::CounterGroup> counters() { return mailbox_check::counters(Protocol::pop3); }
void run(ModeRun& run) { mailbox_check::run(run, Protocol::pop3); }

}  // namespace

const ModeDefinition kPop3Mode{
    "pop3",
    "POP3 login, maildrop figures, and a test message found, aged and deleted",
    "Connects to a POP3 server (plain, implicit TLS or STLS, which is then mandatory), logs in (USER/PASS, or AUTH "
    "PLAIN or CRAM-MD5 as in RFC 5034), and reads STAT: login time, message count and maildrop size are perfdata with "
    "thresholds (--warning-login-time, --critical-messages, --warning-mailbox-size, ...). With --search-token (the "
    "X-Check-Mail-Token of a message sent by --mode=smtp --email=...) or --search-subject it reads the headers of the "
    "newest messages (TOP) until one matches and reports its age (--warning-message-age); --delete removes it (DELE, "
    "committed by QUIT). A message that is not found is CRITICAL, as is any failure (status expressions over "
    "%{phase}, %{message}, %{error}, %{response} and %{response_code} override that). Credentials are refused over a "
    "connection without TLS unless --allow-plaintext-auth, and never shown by --verbose.",
    "check_mail --mode=pop3 --hostname=mail.example.com --security=ssl --username=monitor@example.com "
    "--password-file=/etc/nagios/pop3.pass --critical-messages=1000\n"
    "check_mail --mode=pop3 --hostname=mail.example.com --security=starttls --username=monitor@example.com "
    "--password-file=/etc/nagios/pop3.pass --search-subject='SMTP Monitor Test Message' --delete",
    options,
    counters,
    run,
    30,
};

}  // namespace check_mail::modes::pop3
