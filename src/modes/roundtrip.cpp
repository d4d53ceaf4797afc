// --mode=roundtrip: a test message sent through SMTP and read back over IMAP or POP3, proving
// the mail is delivered and not only accepted. The send-and-poll loop is roundtrip_poll; this
// file declares the options (shared and per leg, see mail_options) and the figures, and turns
// the outcome into values.
#include "check_mail/modes/roundtrip.hpp"

#include <thread>

#include "check_mail/util/strings.hpp"
#include "mail_options.hpp"
#include "mailbox_check.hpp"
#include "roundtrip_poll.hpp"

namespace check_mail::modes::roundtrip {
namespace {

namespace mb = transport::mailbox;
namespace ts = transport::smtp;
using output::Counter;
using output::CounterGroup;
using output::Value;

const std::string kTlsSection = "TLS options (both legs)";
const std::string kMessageSection = "Roundtrip options";

std::vector<cli::OptionSpec> options() {
  std::vector<cli::OptionSpec> specs =
      mail::connection_option_specs(mail::Protocol::imap, mail::Scope::shared, "Connection options (both legs)", kTlsSection);
  for (const mail::Protocol leg : {mail::Protocol::smtp, mail::Protocol::imap, mail::Protocol::pop3}) {
    const std::string section = std::string(mail::traits(leg).name) + " leg options";
    auto leg_specs = mail::connection_option_specs(leg, mail::Scope::leg, section, section);
    specs.insert(specs.end(), leg_specs.begin(), leg_specs.end());
  }
  auto opt = [&](std::string name, std::string value, std::string help, std::string def = "",
                 std::string section = kMessageSection) {
    specs.push_back(cli::OptionSpec{std::move(name), std::move(value), std::move(help), std::move(def), {}, "", false,
                                    false, std::move(section)});
  };
  opt("fetch-protocol", "imap|pop3", "How the test message is read back.", "imap");
  opt("poll-interval", "SECONDS", "Time between two polls of the mailbox (fractions allowed).", "1");
  opt("email", "ADDRESS", "Recipient of the test message: the mailbox polled (default: the fetch user name, "
      "when it is an address).");
  opt("originator", "ADDRESS", "Envelope sender and From of the test message (default: SMTP-Monitor@<this host>).");
  opt("subject", "TEXT", "Subject of the test message.", "SMTP Monitor Test Message");
  opt("use-body", "", "Put the tracking token in the body instead of the X-Check-Mail-Token header.");
  opt("imap-mailbox", "NAME", "Mailbox the message is looked for in (IMAP leg only).", "INBOX", "IMAP leg options");
  return specs;
}

Counter figure(std::string label, const std::string& nlabel, std::string key, std::string output_template,
               std::string unit = "s", std::string perf_template = "%.6f") {
  Counter counter;
  counter.label = std::move(label);
  counter.nlabel = "roundtrip." + nlabel;
  counter.key = std::move(key);
  counter.output_template = std::move(output_template);
  counter.unit = std::move(unit);
  counter.perfdata_template = std::move(perf_template);
  counter.min = "0";
  counter.display_ok = false;
  return counter;
}

std::vector<CounterGroup> counters() {
  CounterGroup group;
  group.kind = CounterGroup::Kind::Global;
  group.name = "roundtrip";
  group.prefix = [](const std::string&, const output::Values& values) {
    auto it = values.find("summary");
    return it == values.end() ? std::string() : it->second.as_text() + ": ";
  };
  Counter status;
  status.kind = Counter::Kind::Status;
  status.label = "status";
  status.key = "message";
  status.variables = {"leg", "phase", "message", "error"};
  status.default_critical = "%{error} ne \"\"";
  status.output = [](const output::Values& values) { return values.at("message").as_text(); };

  Counter total = figure("total-time", "total.time.seconds", "total", "total time %.3fs");
  total.display_ok = true;
  group.counters = {
      status,
      figure("delivery-time", "delivery.time.seconds", "delivery", "delivery time %.3fs"),
      figure("received-delay", "delivery.received.seconds", "received_delay", "delay by Received header %.0fs"),
      figure("smtp-time", "smtp.time.seconds", "smtp", "SMTP time %.3fs"),
      figure("fetch-time", "fetch.time.seconds", "fetch", "fetch time %.3fs"),
      figure("fetch-login-time", "fetch.login.time.seconds", "fetch_login", "fetch login time %.3fs"),
      figure("wait-time", "wait.time.seconds", "wait", "waited %.3fs between polls"),
      figure("polls", "polls.count", "polls", "%d polls", "", "%d"),
      total,
  };
  return {group};
}

struct Plan {
  mail::ConnectionSettings smtp_settings;
  mail::ConnectionSettings fetch_settings;
  ts::SessionOptions smtp;
  mb::Protocol protocol = mb::Protocol::imap;
  mb::Options fetch;
  double interval = 1;
};

Plan plan_for(ModeRun& run) {
  const cli::Options& o = run.options;
  Plan plan;
  const std::string protocol = util::to_lower(o.get("fetch-protocol"));
  if (protocol == "imap") plan.protocol = mb::Protocol::imap;
  else if (protocol == "pop3") plan.protocol = mb::Protocol::pop3;
  else throw CheckError("Unknown value '" + util::sanitize_line(o.get("fetch-protocol"), 40) + "' for --fetch-protocol (imap or pop3).");
  const auto interval = util::parse_number(o.get("poll-interval"));
  if (!interval || *interval < 0.01 || *interval > 3600) {
    throw CheckError("Wrong --poll-interval value '" + util::sanitize_line(o.get("poll-interval"), 40) + "' (seconds, 0.01 to 3600).");
  }
  plan.interval = *interval;

  plan.fetch_settings = mail::read_connection(o, mail::from_mailbox(plan.protocol), mail::Scope::leg, run.report);
  plan.fetch = mail::to_mailbox_options(plan.fetch_settings);
  plan.fetch.mailbox = o.get("imap-mailbox").empty() ? "INBOX" : o.get("imap-mailbox");
  plan.fetch.search.in_body = o.flag("use-body");
  plan.fetch.delete_found = true;  // the roundtrip cleans up after itself
  plan.fetch.record_transcript = run.verbose;

  plan.smtp_settings = mail::read_connection(o, mail::Protocol::smtp, mail::Scope::leg, run.report);
  plan.smtp = mail::to_smtp_options(plan.smtp_settings);
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

std::string leg_text(const mail::ConnectionSettings& s, const transport::TlsInfo* tls) {
  return std::string(mail::traits(s.protocol).name) + " " + s.endpoint.host + ":" + std::to_string(s.endpoint.port) +
         " (" + mail::security_text(s.protocol, s.security, tls) + ")";
}

void fill_values(const Plan& plan, const Outcome& outcome, double total_seconds, output::Values& v) {
  const mb::Result* fetch = outcome.fetch ? &*outcome.fetch : nullptr;
  const std::string summary = "Roundtrip " + leg_text(plan.smtp_settings, outcome.smtp.tls ? &*outcome.smtp.tls : nullptr) +
                              " -> " + leg_text(plan.fetch_settings, fetch && fetch->tls ? &*fetch->tls : nullptr) +
                              " to " + plan.smtp.recipients.front();
  v["summary"] = Value::of(util::sanitize_line(summary, 300));
  const std::string where = plan.protocol == mb::Protocol::imap ? util::sanitize_line(plan.fetch.mailbox, 60) : "maildrop";
  const std::string fetch_leg = plan.protocol == mb::Protocol::imap ? "imap" : "pop3";
  std::string message, error, leg, phase = "done";
  if (outcome.smtp.failure) {
    leg = "smtp";
    phase = std::string(ts::phase_name(outcome.smtp.failure->phase));
    error = std::string(transport::error_kind_name(outcome.smtp.failure->kind));
    message = "SMTP leg failed: " + outcome.smtp.failure->summary;
  } else if (fetch && fetch->failure) {
    leg = fetch_leg;
    phase = std::string(mb::phase_name(fetch->failure->phase));
    error = mailbox_check::error_name(*fetch->failure);
    message = std::string(mb::protocol_name(plan.protocol)) + " leg failed: " + fetch->failure->summary;
    if (outcome.polls > 1) message += " (poll " + std::to_string(outcome.polls) + ")";
  } else if (outcome.lost || !fetch || !fetch->found) {
    leg = fetch_leg;
    phase = "search";
    error = "lost";
    message = util::format("test message %s not found in %s after waiting %.1fs (%d polls)",
                           outcome.smtp.message_token.c_str(), where.c_str(), outcome.polling_seconds, outcome.polls);
  } else {
    message = "delivered";
    if (outcome.delivery_seconds) message += util::format(" in %.3fs", *outcome.delivery_seconds);
    message += " (" + std::to_string(outcome.polls) + (outcome.polls == 1 ? " poll)" : " polls)");
    message += fetch->deleted ? ", deleted" : ", NOT deleted";
  }
  v["message"] = Value::of(util::sanitize_line(message, 300));
  v["leg"] = Value::of(leg);
  v["phase"] = Value::of(phase);
  v["error"] = Value::of(error);

  auto put = [&](const char* key, const std::optional<double>& value) {
    if (value) v[key] = Value::of(*value);
  };
  put("smtp", outcome.smtp.timings.total);
  put("delivery", outcome.delivery_seconds);
  put("received_delay", outcome.received_delay_seconds);
  if (fetch && fetch->found) {
    put("fetch", fetch->timings.total);
    put("fetch_login", fetch->timings.login);
  }
  if (outcome.polls > 0) {
    v["polls"] = Value::of(static_cast<double>(outcome.polls));
    v["wait"] = Value::of(outcome.sleeping_seconds);
  }
  v["total"] = Value::of(total_seconds);
}

void add_details(output::Report& report, const Plan& plan, const Outcome& outcome) {
  report.add_long("SMTP leg:");
  for (const auto& entry : outcome.smtp.transcript.entries()) report.add_long(transport::Transcript::format(entry));
  if (outcome.fetch) {
    mailbox_check::add_session_details(report,
                                       std::string(mb::protocol_name(plan.protocol)) + " leg, poll " +
                                           std::to_string(outcome.polls) + ":",
                                       *outcome.fetch);
  }
}

void run(ModeRun& run) {
  const Plan plan = plan_for(run);
  const auto start = transport::Deadline::Clock::now();
  Legs legs;
  legs.send = [&] { return ts::run_smtp_check(plan.smtp, run.deadline); };
  legs.poll = [&](const std::string& token) {
    mb::Options options = plan.fetch;
    options.search.tokens = {token};
    return mb::run_mailbox_check(plan.protocol, options, run.deadline);
  };
  legs.sleep = [](std::chrono::milliseconds duration) { std::this_thread::sleep_for(duration); };
  const Outcome outcome = roundtrip::run(legs, plan.interval, run.deadline);

  if (outcome.smtp.failure && outcome.smtp.failure->kind == transport::ErrorKind::config) {
    throw CheckError("SMTP leg: " + outcome.smtp.failure->summary);
  }
  if (outcome.fetch && outcome.fetch->failure && outcome.fetch->failure->kind == transport::ErrorKind::config) {
    throw CheckError(std::string(mb::protocol_name(plan.protocol)) + " leg: " + outcome.fetch->failure->summary);
  }
  if (run.verbose) add_details(run.report, plan, outcome);
  const double total = std::chrono::duration<double>(transport::Deadline::Clock::now() - start).count();
  fill_values(plan, outcome, total, run.groups.front().global);
  if (outcome.fetch && outcome.fetch->found && !outcome.fetch->deleted) {
    run.report.add(output::Status::Warning, "the test message could not be deleted");
  }
}

}  // namespace

const ModeDefinition kRoundtripMode{
    "roundtrip",
    "Test message sent by SMTP and read back over IMAP or POP3: delivery time, then deleted",
    "Sends a test message with a fresh tracking token through SMTP (as --mode=smtp --email=...), then polls the "
    "mailbox over IMAP or POP3 (--fetch-protocol) every --poll-interval seconds until the token appears or the "
    "timeout ends, and deletes the message. Reports the delivery time (the token's send time to the first poll "
    "that sees it; at most one poll interval late), the delay by the message's Received header (one-second "
    "resolution), the SMTP and fetch session times, the polls made and the time spent waiting between them. A "
    "message that does not arrive in time is CRITICAL and says how long it was waited for. Options meaning the same "
    "for both legs are shared (--hostname, --username, --password, --cafile, --insecure, ...); each leg has its own "
    "prefixed ones (--smtp-port, --smtp-security, --smtp-auth-type, --imap-port, --imap-security, --pop3-port, ...), "
    "which win over the shared ones.",
    "check_mail --mode=roundtrip --hostname=mail.example.com --smtp-port=587 --smtp-security=starttls "
    "--smtp-auth-type=plain --imap-security=ssl --username=monitor@example.com --password-file=/etc/nagios/mon.pass "
    "--timeout=60 --warning-delivery-time=10 --critical-delivery-time=30\n"
    "check_mail --mode=roundtrip --smtp-hostname=mx.example.com --hostname=store.example.com --fetch-protocol=pop3 "
    "--pop3-security=ssl --username=monitor --password-file=/etc/nagios/mon.pass --email=monitor@example.com "
    "--poll-interval=2 --timeout=120",
    options,
    counters,
    run,
    30,
};

}  // namespace check_mail::modes::roundtrip
