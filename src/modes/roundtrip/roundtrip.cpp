// --mode=roundtrip: a test message sent through SMTP and read back over IMAP or POP3, proving
// the mail is delivered and not only accepted. The send-and-poll loop is roundtrip_poll; this
// file declares the options (shared and per leg, see mail_options) and the figures, and turns
// the outcome into values.
#include "check_mail/modes/roundtrip/roundtrip.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

#include "check_mail/modes/mail/mail_counters.hpp"
#include "check_mail/modes/mail/mail_options.hpp"
#include "check_mail/modes/mail/oauth_access.hpp"
#include "check_mail/util/strings.hpp"
#include "roundtrip_async.hpp"
#include "roundtrip_poll.hpp"
#include "roundtrip_report.hpp"

namespace check_mail::modes::roundtrip {
namespace {

namespace mb = transport::mailbox;
namespace ts = transport::smtp;
using output::Counter;
using output::CounterGroup;
using output::Value;

const std::string kTlsSection = "TLS options (both legs)";
// The long output of -v (both legs' dialogues, one line per poll) stays within what pollers
// show; --debug shows all of it.
constexpr std::size_t kVerboseLongOutputBytes = 4096;
const std::string kMessageSection = "Roundtrip options";

std::vector<cli::OptionSpec> options() {
  std::vector<cli::OptionSpec> specs = mail::connection_option_specs(mail::Protocol::imap, mail::Scope::shared,
                                                                     "Connection options (both legs)", kTlsSection);
  auto opt = [&](std::string name, std::string value, std::string help, std::string def = "",
                 std::string section = kMessageSection) {
    specs.push_back(cli::OptionSpec{
        std::move(name), std::move(value), std::move(help), std::move(def), {}, "", false, false, std::move(section)});
  };
  for (const mail::Protocol leg : {mail::Protocol::smtp, mail::Protocol::imap, mail::Protocol::pop3}) {
    const std::string section = std::string(mail::traits(leg).name) + " leg options";
    auto leg_specs = mail::connection_option_specs(leg, mail::Scope::leg, section, section);
    specs.insert(specs.end(), leg_specs.begin(), leg_specs.end());
    if (leg == mail::Protocol::imap) {
      opt("imap-mailbox", "NAME", "Mailbox the message is looked for in. IMAP leg only.", "INBOX", section);
    }
  }
  opt("fetch-protocol", "imap|pop3", "How the test message is read back.", "imap");
  opt("poll-interval", "SECONDS",
      "Longest pause between two polls of the mailbox: pauses start at 0.1 s and double "
      "up to this (fractions allowed).",
      "1");
  opt("email", "ADDRESS",
      "Recipient of the test message: the mailbox polled (default: the fetch user name, "
      "when it is an address).");
  opt("originator", "ADDRESS", "Envelope sender and From of the test message (default: SMTP-Monitor@<this host>).");
  opt("subject", "TEXT", "Subject of the test message.", "SMTP Monitor Test Message");
  opt("use-body", "", "Put the tracking token in the body instead of the X-Check-Mail-Token header.");
  const std::string async = "Asynchronous roundtrip (slow paths)";
  opt("async", "",
      "Do not wait: send a new test message, poll once for every one still waited for (kept in "
      "--state-file), and report those that arrived since the last run.",
      "", async);
  opt("state-file", "FILE", "Where --async keeps the messages waited for (written atomically, mode 0600).", "", async);
  opt("lost-after", "SECONDS", "With --async, a message not seen this long after it was sent is lost (CRITICAL).",
      "3600", async);
  return specs;
}

Counter figure(std::string label, const std::string& nlabel, std::string key, std::string output_template,
               std::string unit = "s", std::string perf_template = "%.6f") {
  return mail::figure(std::move(label), "roundtrip." + nlabel, std::move(key), std::move(output_template),
                      std::move(unit), std::move(perf_template));
}

std::vector<CounterGroup> counters() {
  CounterGroup group = mail::summary_group("roundtrip");
  Counter status = mail::status_counter({"leg", "phase", "message", "error"});
  status.default_critical = "%{error} ne \"\"";

  Counter total = figure("total-time", "total.time.seconds", "total", "total time %.3fs");
  total.display_ok = true;
  group.counters = {
      status,
      figure("delivery-time", "delivery.time.seconds", "delivery", "delivery time %.3fs"),
      figure("received-delay", "delivery.received.seconds", "received_delay", "delay by Received header %.0fs"),
      figure("token-time", "token.time.seconds", "token", "OAuth token time %.3fs"),
      figure("smtp-time", "smtp.time.seconds", "smtp", "SMTP time %.3fs"),
      figure("fetch-time", "fetch.time.seconds", "fetch", "fetch time %.3fs"),
      figure("fetch-login-time", "fetch.login.time.seconds", "fetch_login", "fetch login time %.3fs"),
      figure("wait-time", "wait.time.seconds", "wait", "waited %.3fs between polls"),
      figure("polls", "polls.count", "polls", "%d polls", "", "%d"),
      figure("arrived", "messages.arrived.count", "arrived", "%d messages arrived", "", "%d"),
      figure("pending", "messages.pending.count", "pending", "%d messages waited for", "", "%d"),
      figure("lost", "messages.lost.count", "lost", "%d messages lost", "", "%d"),
      total,
  };
  return {group};
}

Plan plan_for(ModeRun& run, mail::OAuthAccess* oauth) {
  const cli::Options& o = run.options;
  Plan plan;
  const std::string protocol = util::to_lower(o.get("fetch-protocol"));
  if (protocol == "imap")
    plan.protocol = mb::Protocol::imap;
  else if (protocol == "pop3")
    plan.protocol = mb::Protocol::pop3;
  else
    throw CheckError("Unknown value '" + util::sanitize_line(o.get("fetch-protocol"), 40) +
                     "' for --fetch-protocol (imap or pop3).");
  const auto interval = util::parse_number(o.get("poll-interval"));
  if (!interval || *interval < 0.01 || *interval > 3600) {
    throw CheckError("Wrong --poll-interval value '" + util::sanitize_line(o.get("poll-interval"), 40) +
                     "' (seconds, 0.01 to 3600).");
  }
  plan.interval = *interval;
  plan.async = o.flag("async");
  plan.state_file = o.get("state-file");
  if (plan.async && plan.state_file.empty()) throw CheckError("--async needs --state-file.");
  const auto lost_after = util::parse_number(o.get("lost-after"));
  if (!lost_after || *lost_after <= 0) {
    throw CheckError("Wrong --lost-after value '" + util::sanitize_line(o.get("lost-after"), 40) + "' (seconds).");
  }
  plan.lost_after = *lost_after;

  plan.fetch_settings = mail::read_connection(o, mail::from_mailbox(plan.protocol), mail::Scope::leg, run.report);
  plan.fetch_settings.token_source = oauth != nullptr;
  plan.fetch = mail::to_mailbox_options(plan.fetch_settings);
  plan.fetch.mailbox = o.get("imap-mailbox").empty() ? "INBOX" : o.get("imap-mailbox");
  plan.fetch.search.in_body = o.flag("use-body");
  plan.fetch.delete_found = true;  // the roundtrip cleans up after itself
  plan.fetch.record_transcript = run.verbose;

  plan.smtp_settings = mail::read_connection(o, mail::Protocol::smtp, mail::Scope::leg, run.report);
  plan.smtp_settings.token_source = oauth != nullptr;
  plan.smtp = mail::to_smtp_options(plan.smtp_settings);
  // One token for both legs, obtained before the first connection.
  if (oauth) {
    oauth->attach(plan.smtp, mail::uses_token(plan.smtp.auth, true));
    oauth->attach(plan.fetch, mail::uses_token(plan.fetch.auth, true));
  }
  std::string recipient = o.get("email");
  if (recipient.empty() && plan.fetch.username.find('@') != std::string::npos) recipient = plan.fetch.username;
  if (recipient.empty()) throw CheckError("Need to specify --email (the address of the mailbox polled).");
  plan.smtp.recipients = {recipient};
  std::string originator = o.get("originator");
  if (originator.empty()) originator = "SMTP-Monitor";
  if (originator.find('@') == std::string::npos) originator += "@" + mail::local_host_name();
  plan.smtp.mail_from = originator;
  plan.smtp.message.from = "SMTP Monitor <" + originator + ">";
  plan.smtp.message.to = plan.smtp.recipients;
  plan.smtp.message.subject = o.get("subject");
  plan.smtp.message.use_body = o.flag("use-body");
  plan.smtp.record_transcript = run.verbose;
  return plan;
}

double now_epoch() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// A leg's session, run once more with a new token when the server refused a cached one.
ts::Result send_leg(const Plan& plan, ModeRun& run, mail::OAuthAccess* oauth) {
  ts::Result result = ts::run_smtp_check(plan.smtp, run.deadline);
  if (oauth && oauth->retry_after(mail::oauth_refused(plan.smtp, result)))
    result = ts::run_smtp_check(plan.smtp, run.deadline);
  if (oauth && mail::oauth_refused(plan.smtp, result))
    result.failure->summary = oauth->describe_refusal(result.failure->summary, "SMTP");
  return result;
}

mb::Result poll_leg(const Plan& plan, const mb::Options& options, ModeRun& run, mail::OAuthAccess* oauth) {
  mb::Result result = mb::run_mailbox_check(plan.protocol, options, run.deadline);
  if (oauth && oauth->retry_after(mail::oauth_refused(options, result)))
    result = mb::run_mailbox_check(plan.protocol, options, run.deadline);
  if (oauth && mail::oauth_refused(options, result))
    result.failure->summary =
        oauth->describe_refusal(result.failure->summary, std::string(mb::protocol_name(plan.protocol)));
  return result;
}

void run_async_roundtrip(ModeRun& run, const Plan& plan, mail::OAuthAccess* oauth) {
  const auto start = transport::Deadline::Clock::now();
  // A file planted by another user in a shared directory must not decide this check's result.
  if (const auto foreign = foreign_state_file(plan.state_file)) throw CheckError(util::sanitize_line(*foreign, 300));
  std::string problem;
  const State before = load_state(plan.state_file, &problem);
  if (!problem.empty()) run.report.add(output::Status::Warning, problem);
  State state = before;
  AsyncLegs legs;
  legs.send = [&] { return send_leg(plan, run, oauth); };
  legs.poll = [&](const std::vector<std::string>& tokens) {
    mb::Options options = plan.fetch;
    options.search.tokens = tokens;
    return poll_leg(plan, options, run, oauth);
  };
  AsyncOutcome outcome = run_async(legs, state, plan.smtp.recipients.front(), plan.lost_after, now_epoch());
  // Other checks may have updated the file meanwhile: apply this run's changes to it as it is now.
  State written;
  const auto wait = std::chrono::milliseconds(std::max<long long>(run.deadline.remaining_ms(), 100));
  if (const auto error = update_state(plan.state_file, changes_between(before, state), wait, &written, &outcome.lost)) {
    run.report.add(output::Status::Warning, "cannot update state file '" + plan.state_file + "': " + *error);
  } else {
    outcome.pending = written.pending.size();
  }
  const mb::Result* fetch = outcome.fetch ? &*outcome.fetch : nullptr;
  reject_config_errors(plan, outcome.smtp, fetch);
  if (run.verbose) add_leg_details(run.report, plan, outcome.smtp, fetch, "one poll");
  const double total = std::chrono::duration<double>(transport::Deadline::Clock::now() - start).count();
  fill_async_values(plan, outcome, total, run.groups.front().global);
  if (oauth) mail::put_value(run.groups.front().global, "token", oauth->seconds());
  warn_if_not_deleted(run.report, fetch);
  if (!run.debug) run.report.limit_long_output(kVerboseLongOutputBytes);
}

void run(ModeRun& run) {
  const std::unique_ptr<mail::OAuthAccess> oauth = mail::oauth_access_for(run);
  const Plan plan = plan_for(run, oauth.get());
  if (plan.async) return run_async_roundtrip(run, plan, oauth.get());
  const auto start = transport::Deadline::Clock::now();
  Legs legs;
  legs.send = [&] { return send_leg(plan, run, oauth.get()); };
  int polls = 0;
  legs.poll = [&](const std::string& token) {
    mb::Options options = plan.fetch;
    options.search.tokens = {token};
    mb::Result result = poll_leg(plan, options, run, oauth.get());
    if (run.verbose) run.report.add_long(describe_poll(++polls, run.deadline.elapsed_seconds(), result));
    return result;
  };
  legs.sleep = [](std::chrono::milliseconds duration) { std::this_thread::sleep_for(duration); };
  const Outcome outcome = roundtrip::run(legs, plan.interval, run.deadline);
  const mb::Result* fetch = outcome.fetch ? &*outcome.fetch : nullptr;
  reject_config_errors(plan, outcome.smtp, fetch);
  if (run.verbose) add_leg_details(run.report, plan, outcome.smtp, fetch, "poll " + std::to_string(outcome.polls));
  const double total = std::chrono::duration<double>(transport::Deadline::Clock::now() - start).count();
  fill_values(plan, outcome, total, run.groups.front().global);
  if (oauth) mail::put_value(run.groups.front().global, "token", oauth->seconds());
  warn_if_not_deleted(run.report, fetch);
  if (!run.debug) run.report.limit_long_output(kVerboseLongOutputBytes);
}

}  // namespace

const ModeDefinition kRoundtripMode{
    "roundtrip",
    "Test message sent by SMTP and read back over IMAP or POP3: delivery time, then deleted",
    "Sends a test message with a fresh tracking token through SMTP (as --mode=smtp --email=...), then polls the "
    "mailbox over IMAP or POP3 (--fetch-protocol) until the token appears or the timeout ends (pauses of 0.1 s, "
    "doubling up to --poll-interval), and deletes the message. Reports the delivery time (the token's send time to the "
    "first poll "
    "that sees it; at most one pause late), the delay by the message's Received header (one-second "
    "resolution), the SMTP and fetch session times, the polls made and the time spent waiting between them. A "
    "message that does not arrive in time is CRITICAL and says how long it was waited for. Options meaning the same "
    "for both legs are shared (--hostname, --username, --password, --cafile, --insecure, ...); each leg has its own "
    "prefixed ones (--smtp-port, --smtp-security, --smtp-auth-type, --imap-port, --imap-security, --pop3-port, ...), "
    "which win over the shared ones. For paths slower than a check may wait, --async --state-file=FILE sends a new "
    "message each run, polls once for every message still waited for, and reports those that arrived since the last "
    "run; one not seen --lost-after seconds after it was sent is lost (CRITICAL).",
    "check_mail --mode=roundtrip --hostname=mail.example.com --smtp-port=587 --smtp-security=starttls "
    "--smtp-auth-type=plain --imap-security=ssl --username=monitor@example.com --password-file=/etc/nagios/mon.pass "
    "--timeout=60 --warning-delivery-time=10 --critical-delivery-time=30\n"
    "check_mail --mode=roundtrip --smtp-hostname=mx.example.com --hostname=store.example.com --fetch-protocol=pop3 "
    "--pop3-security=ssl --username=monitor --password-file=/etc/nagios/mon.pass --email=monitor@example.com "
    "--poll-interval=2 --timeout=120\n"
    "check_mail --mode=roundtrip --hostname=mail.example.com --imap-security=ssl --username=monitor@example.com "
    "--password-file=/etc/nagios/mon.pass --async --state-file=/var/lib/check_mail/roundtrip.json --lost-after=1800",
    options,
    counters,
    run,
    30,
};

}  // namespace check_mail::modes::roundtrip
