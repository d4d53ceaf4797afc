#include "roundtrip_report.hpp"

#include <algorithm>
#include <ctime>

#include "check_mail/modes/mail/mailbox_check.hpp"
#include "check_mail/util/strings.hpp"

namespace check_mail::modes::roundtrip {
namespace {

namespace mb = transport::mailbox;
namespace ts = transport::smtp;
using output::Value;

std::string leg_text(const mail::ConnectionSettings& s, const transport::TlsInfo* tls) {
  return std::string(mail::traits(s.protocol).name) + " " + s.endpoint.host + ":" + std::to_string(s.endpoint.port) +
         " (" + mail::security_text(s.protocol, s.security, tls) + ")";
}

// The status values of a failed leg; false when neither leg failed.
struct LegStatus {
  std::string message, error, leg, phase = "done";
};

bool leg_failure(const Plan& plan, const ts::Result& smtp, const mb::Result* fetch, LegStatus& status) {
  if (smtp.failure) {
    status.leg = "smtp";
    status.phase = std::string(ts::phase_name(smtp.failure->phase));
    status.error = std::string(transport::error_kind_name(smtp.failure->kind));
    status.message = "SMTP leg failed: " + smtp.failure->summary;
    return true;
  }
  if (fetch && fetch->failure) {
    status.leg = plan.protocol == mb::Protocol::imap ? "imap" : "pop3";
    status.phase = std::string(mb::phase_name(fetch->failure->phase));
    status.error = mailbox_check::error_name(*fetch->failure);
    status.message = std::string(mb::protocol_name(plan.protocol)) + " leg failed: " + fetch->failure->summary;
    return true;
  }
  return false;
}

void put_status(const Plan& plan, const ts::Result& smtp, const mb::Result* fetch, const LegStatus& status,
                output::Values& v) {
  const std::string summary = "Roundtrip " + leg_text(plan.smtp_settings, smtp.tls ? &*smtp.tls : nullptr) + " -> " +
                              leg_text(plan.fetch_settings, fetch && fetch->tls ? &*fetch->tls : nullptr) + " to " +
                              plan.smtp.recipients.front();
  v["summary"] = Value::of(util::sanitize_line(summary, 300));
  v["message"] = Value::of(util::sanitize_line(status.message, 300));
  v["leg"] = Value::of(status.leg);
  v["phase"] = Value::of(status.phase);
  v["error"] = Value::of(status.error);
  if (smtp.timings.total) v["smtp"] = Value::of(*smtp.timings.total);
}

std::string utc_time(double epoch) {
  const auto seconds = static_cast<std::time_t>(epoch);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return util::format("%04d-%02d-%02d %02d:%02d:%02d UTC", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                      tm.tm_min, tm.tm_sec);
}

}  // namespace

void fill_values(const Plan& plan, const Outcome& outcome, double total_seconds, output::Values& v) {
  const mb::Result* fetch = outcome.fetch ? &*outcome.fetch : nullptr;
  const std::string where =
      plan.protocol == mb::Protocol::imap ? util::sanitize_line(plan.fetch.mailbox, 60) : "maildrop";
  LegStatus status;
  std::string& message = status.message;
  if (leg_failure(plan, outcome.smtp, fetch, status)) {
    if (fetch && fetch->failure && outcome.polls > 1) message += " (poll " + std::to_string(outcome.polls) + ")";
  } else if (outcome.lost || !fetch || !fetch->found) {
    status.leg = plan.protocol == mb::Protocol::imap ? "imap" : "pop3";
    status.phase = "search";
    status.error = "lost";
    message = util::format("test message %s not found in %s after waiting %.1fs (%d polls)",
                           outcome.smtp.message_token.c_str(), where.c_str(), outcome.polling_seconds, outcome.polls);
  } else {
    message = "delivered";
    if (outcome.delivery_seconds) message += util::format(" in %.3fs", *outcome.delivery_seconds);
    message += " (" + std::to_string(outcome.polls) + (outcome.polls == 1 ? " poll)" : " polls)");
    message += fetch->deleted ? ", deleted" : ", NOT deleted";
  }
  put_status(plan, outcome.smtp, fetch, status, v);

  auto put = [&](const char* key, const std::optional<double>& value) {
    if (value) v[key] = Value::of(*value);
  };
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

void fill_async_values(const Plan& plan, const AsyncOutcome& outcome, double total_seconds, output::Values& v) {
  const mb::Result* fetch = outcome.fetch ? &*outcome.fetch : nullptr;
  LegStatus status;
  std::string& message = status.message;
  if (!outcome.lost.empty()) {
    // Lost messages are the news even when this run's legs failed too.
    status.leg = plan.protocol == mb::Protocol::imap ? "imap" : "pop3";
    status.phase = "search";
    status.error = "lost";
    const SentMessage& first = outcome.lost.front();
    message = util::format("%zu test message%s lost: %s sent %s not seen after %.0fs", outcome.lost.size(),
                           outcome.lost.size() == 1 ? "" : "s", first.token.c_str(), utc_time(first.sent_epoch).c_str(),
                           plan.lost_after);
    LegStatus legs;
    if (leg_failure(plan, outcome.smtp, fetch, legs)) message += "; " + legs.message;
  } else if (!leg_failure(plan, outcome.smtp, fetch, status)) {
    double slowest = 0;
    for (const Arrival& arrival : outcome.arrived) slowest = std::max(slowest, arrival.delivery_seconds);
    message = util::format("%zu test message%s arrived since the last run", outcome.arrived.size(),
                           outcome.arrived.size() == 1 ? "" : "s");
    if (!outcome.arrived.empty()) message += util::format(" (slowest in %.0fs)", slowest);
    message += util::format(", %zu waited for", outcome.pending);
    if (!outcome.arrived.empty()) v["delivery"] = Value::of(slowest);
  }
  put_status(plan, outcome.smtp, fetch, status, v);
  if (fetch && !fetch->failure) {
    v["polls"] = Value::of(1.0);
    if (fetch->timings.total) v["fetch"] = Value::of(*fetch->timings.total);
    if (fetch->timings.login) v["fetch_login"] = Value::of(*fetch->timings.login);
  }
  v["arrived"] = Value::of(static_cast<double>(outcome.arrived.size()));
  v["pending"] = Value::of(static_cast<double>(outcome.pending));
  v["lost"] = Value::of(static_cast<double>(outcome.lost.size()));
  v["total"] = Value::of(total_seconds);
}

std::string describe_poll(int number, double since_start_seconds, const mb::Result& poll) {
  std::string line = util::format("poll %d after %.3fs: ", number, since_start_seconds);
  if (poll.failure)
    line += "failed: " + poll.failure->summary;
  else
    line += poll.found ? "message found" : "not there yet";
  if (poll.timings.total) line += util::format(", %.3fs", *poll.timings.total);
  return util::sanitize_line(line, 300);
}

void add_leg_details(output::Report& report, const Plan& plan, const ts::Result& smtp, const mb::Result* fetch,
                     const std::string& poll) {
  report.add_long("SMTP leg:");
  for (const auto& entry : smtp.transcript.entries()) report.add_long(transport::Transcript::format(entry));
  if (fetch) {
    mailbox_check::add_session_details(report, std::string(mb::protocol_name(plan.protocol)) + " leg, " + poll + ":",
                                       *fetch);
  }
}

void reject_config_errors(const Plan& plan, const ts::Result& smtp, const mb::Result* fetch) {
  if (smtp.failure && smtp.failure->kind == transport::ErrorKind::config) {
    throw CheckError("SMTP leg: " + smtp.failure->summary);
  }
  if (fetch && fetch->failure && fetch->failure->kind == transport::ErrorKind::config) {
    throw CheckError(std::string(mb::protocol_name(plan.protocol)) + " leg: " + fetch->failure->summary);
  }
}

void warn_if_not_deleted(output::Report& report, const mb::Result* fetch) {
  if (fetch && !fetch->found_all.empty() && !fetch->deleted) {
    report.add(output::Status::Warning,
               "the test message could not be confirmed deleted" +
                   (fetch->delete_problem.empty() ? std::string()
                                                  : " (" + util::sanitize_line(fetch->delete_problem, 160) + ")"));
  }
}

}  // namespace check_mail::modes::roundtrip
