#pragma once
// What --mode=roundtrip reports: the values of its counters from the outcome of a synchronous
// (roundtrip_poll) or asynchronous (roundtrip_async) run, the verbose details, and the cases that
// are not a failed roundtrip (configuration errors) or need a word (a message left undeleted).
#include <string>

#include "check_mail/mailbox/mailbox.hpp"
#include "check_mail/modes/mail/mail_options.hpp"
#include "check_mail/modes/mode.hpp"
#include "check_mail/output/counters.hpp"
#include "check_mail/smtp/smtp_session.hpp"
#include "roundtrip_async.hpp"
#include "roundtrip_poll.hpp"

namespace check_mail::modes::roundtrip {

// What the command line asked for.
struct Plan {
  bool async = false;
  std::string state_file;
  double lost_after = 3600;
  mail::ConnectionSettings smtp_settings;
  mail::ConnectionSettings fetch_settings;
  transport::smtp::SessionOptions smtp;
  transport::mailbox::Protocol protocol = transport::mailbox::Protocol::imap;
  transport::mailbox::Options fetch;
  double interval = 1;
};

void fill_values(const Plan& plan, const Outcome& outcome, double total_seconds, output::Values& values);
void fill_async_values(const Plan& plan, const AsyncOutcome& outcome, double total_seconds, output::Values& values);

// One line per poll for --verbose ("poll 2 after 0.150s: not there yet, 0.012s"): the full
// session is only shown for the poll that decided.
[[nodiscard]] std::string describe_poll(int number, double since_start_seconds, const transport::mailbox::Result& poll);

// Both legs' transcripts (--verbose); `poll` names the poll shown ("poll 3", "one poll").
void add_leg_details(output::Report& report, const Plan& plan, const transport::smtp::Result& smtp,
                     const transport::mailbox::Result* fetch, const std::string& poll);
// Configuration errors (credentials over plain text, ...) are UNKNOWN (CheckError), not a failed roundtrip.
void reject_config_errors(const Plan& plan, const transport::smtp::Result& smtp,
                          const transport::mailbox::Result* fetch);
void warn_if_not_deleted(output::Report& report, const transport::mailbox::Result* fetch);

}  // namespace check_mail::modes::roundtrip
