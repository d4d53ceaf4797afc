#include "check_mail/modes/mail/mailbox_check.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>

#include "check_mail/mailbox/mailbox.hpp"
#include "check_mail/modes/mail/mail_counters.hpp"
#include "check_mail/modes/mail/mail_options.hpp"
#include "check_mail/modes/mail/oauth_access.hpp"
#include "check_mail/modes/mail/retests.hpp"
#include "check_mail/util/strings.hpp"

namespace check_mail::modes::mailbox_check {
namespace {

namespace mb = transport::mailbox;
using output::Counter;
using output::CounterGroup;
using output::Value;

std::string key_of(Protocol protocol) { return protocol == Protocol::imap ? "imap" : "pop3"; }

double now_epoch() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

Counter figure(const std::string& prefix, std::string label, const std::string& nlabel, std::string key,
               std::string output_template, std::string unit = "s", std::string perf_template = "%.6f") {
  return mail::figure(std::move(label), prefix + "." + nlabel, std::move(key), std::move(output_template),
                      std::move(unit), std::move(perf_template));
}

std::string search_text(const mb::Search& search) {
  std::string text;
  if (!search.tokens.empty()) text = "token " + util::sanitize_line(util::join(search.tokens, ", "), 80);
  if (!search.subject.empty())
    text += (text.empty() ? "subject '" : " and subject '") + util::sanitize_line(search.subject, 80) + "'";
  return text;
}

std::string messages_text(std::uint64_t count) {
  return std::to_string(count) + (count == 1 ? " message" : " messages");
}

std::string size_text(std::uint64_t bytes) {
  if (bytes < 10 * 1024) return std::to_string(bytes) + " B";
  if (bytes < 10 * 1024 * 1024) return util::format("%.1f KiB", static_cast<double>(bytes) / 1024.0);
  return util::format("%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
}

// The counter values of one finished session.
void fill_values(Protocol protocol, const mb::Options& options, const mb::Result& r, int attempts, output::Values& v) {
  const std::string name(mb::protocol_name(protocol));
  const std::string security =
      mail::security_text(mail::from_mailbox(protocol), options.security, r.tls ? &*r.tls : nullptr);
  const std::string auth = mail::auth_text(mail::from_mailbox(protocol), options.auth, r.auth_mechanism,
                                           r.logged_in && !r.auth_mechanism, options.username);
  const std::string summary = name + " " + options.endpoint.host + ":" + std::to_string(options.endpoint.port) + " (" +
                              security + ", " + auth + ")" + attempts_text(attempts);
  v["summary"] = Value::of(util::sanitize_line(summary, 300));

  std::string message, error, phase = "done";
  const std::string mailbox = protocol == Protocol::imap ? util::sanitize_line(options.mailbox, 60) : "maildrop";
  if (r.failure) {
    phase = std::string(mb::phase_name(r.failure->phase));
    message = r.failure->summary;
    error = error_name(*r.failure);
    v["response"] = Value::of(util::sanitize_line(r.failure->response, 200));
    v["response_code"] = Value::of(util::sanitize_line(r.failure->response_code, 60));
  } else {
    message = mailbox + ": " + messages_text(r.message_count.value_or(0));
    if (r.mailbox_bytes) message += ", " + size_text(*r.mailbox_bytes);
    if (r.searched && !r.found) {
      phase = "search";
      error = "not_found";
      message = "no message with " + search_text(options.search) + " in " + mailbox + " (" +
                messages_text(r.message_count.value_or(0)) + ")";
    } else if (r.found) {
      message += "; message with " + search_text(options.search) + " found";
      if (const auto age = message_age(*r.found, now_epoch())) message += util::format(", age %.3fs", *age);
      if (r.found->matches > 1) message += " (newest of " + std::to_string(r.found->matches) + " matches)";
      if (options.delete_found) message += r.deleted ? ", deleted" : ", NOT deleted";
    }
  }
  if (!v.count("response")) v["response"] = Value::of(std::string());
  if (!v.count("response_code")) v["response_code"] = Value::of(std::string());
  v["message"] = Value::of(util::sanitize_line(message, 300));
  v["phase"] = Value::of(phase);
  v["error"] = Value::of(error);

  const mb::Timings& t = r.timings;
  mail::put_connection_timings(v, t);
  mail::put_value(v, "login", t.login);
  mail::put_value(v, "mailbox", t.mailbox);
  mail::put_value(v, "search", t.search);
  mail::put_value(v, "total", t.total);
  if (r.message_count) v["messages"] = Value::of(static_cast<double>(*r.message_count));
  if (r.mailbox_bytes) v["mailbox_size"] = Value::of(static_cast<double>(*r.mailbox_bytes));
  if (r.found) mail::put_value(v, "message_age", message_age(*r.found, now_epoch()));
  if (r.tls && r.tls->peer_certificate) v["certificate_days"] = Value::of(r.tls->peer_certificate->days_until_expiry);
}

// Only reachable with --insecure (verification refuses them otherwise): still CRITICAL.
void report_certificate_dates(const mb::Result& result, output::Report& report) {
  if (!result.tls || !result.tls->peer_certificate) return;
  const auto& cert = *result.tls->peer_certificate;
  if (cert.days_until_expiry < 0) {
    report.add(output::Status::Critical, "certificate expired " + util::format("%.0f", -cert.days_until_expiry) +
                                             " days ago (" + cert.not_after + ")");
  } else if (static_cast<double>(cert.not_before_epoch) > static_cast<double>(std::time(nullptr))) {
    report.add(output::Status::Critical, "certificate not valid before " + cert.not_before);
  }
}

}  // namespace

std::vector<cli::OptionSpec> options(Protocol protocol) {
  const mail::Protocol p = mail::from_mailbox(protocol);
  const std::string name(mb::protocol_name(protocol));
  const std::string section = name + " options";
  std::vector<cli::OptionSpec> specs =
      mail::connection_option_specs(p, mail::Scope::standalone, section, "TLS options");
  // With the protocol's own options, before the TLS ones (--help lists sections in order).
  const auto tls =
      std::find_if(specs.begin(), specs.end(), [&](const cli::OptionSpec& spec) { return spec.section != section; });
  const std::vector<cli::OptionSpec> retest = retest_option_specs(section);
  specs.insert(tls, retest.begin(), retest.end());
  auto opt = [&](std::string option, std::string value, std::string help, std::string def = "") {
    specs.push_back(cli::OptionSpec{
        std::move(option), std::move(value), std::move(help), std::move(def), {}, "", false, false, "Message options"});
  };
  if (protocol == Protocol::imap) opt("mailbox", "NAME", "Mailbox to examine (UTF-8).", "INBOX");
  opt("search-token", "TOKEN",
      "Find the message carrying this X-Check-Mail-Token (as sent by --mode=smtp --email=...) and report its age.");
  opt("search-subject", "TEXT", "Find the newest message whose Subject contains this text (case-insensitive).");
  opt("use-body", "", "The token is in the message body (the SMTP check ran with --use-body).");
  opt("delete", "", "Delete the message found.");
  return specs;
}

std::vector<CounterGroup> counters(Protocol protocol) {
  const std::string prefix = key_of(protocol);
  CounterGroup group = mail::summary_group(prefix);
  Counter status = mail::status_counter({"phase", "message", "error", "response", "response_code"});
  status.default_critical = "%{error} ne \"\"";

  Counter total = figure(prefix, "total-time", "total.time.seconds", "total", "total time %.3fs");
  total.display_ok = true;
  Counter certificate = figure(prefix, "certificate-expires-days", "certificate.expires.days", "certificate_days",
                               "certificate expires in %d days", "", "%d");
  certificate.min = "";
  group.counters = {
      status,
      figure(prefix, "lookup-time", "lookup.time.seconds", "lookup", "lookup time %.3fs"),
      figure(prefix, "connect-time", "connect.time.seconds", "connect", "connect time %.3fs"),
      figure(prefix, "tls-handshake-time", "tls.handshake.time.seconds", "tls_handshake", "TLS handshake time %.3fs"),
      figure(prefix, "login-time", "login.time.seconds", "login", "login time %.3fs"),
      figure(prefix, "token-time", "token.time.seconds", "token", "OAuth token time %.3fs"),
      figure(prefix, "mailbox-time", "mailbox.time.seconds", "mailbox", "mailbox time %.3fs"),
      figure(prefix, "search-time", "search.time.seconds", "search", "search time %.3fs"),
      total,
      figure(prefix, "messages", "mailbox.messages.count", "messages", "%d messages", "", "%d"),
      figure(prefix, "mailbox-size", "mailbox.size.bytes", "mailbox_size", "mailbox size %d B", "B", "%d"),
      figure(prefix, "message-age", "message.age.seconds", "message_age", "message age %.3fs"),
      certificate,
  };
  return {group};
}

void run(ModeRun& run, Protocol protocol) {
  const cli::Options& o = run.options;
  mail::ConnectionSettings settings =
      mail::read_connection(o, mail::from_mailbox(protocol), mail::Scope::standalone, run.report);
  const std::unique_ptr<mail::OAuthAccess> oauth = mail::oauth_access_for(run);
  settings.token_source = oauth != nullptr;
  mb::Options options = mail::to_mailbox_options(settings);
  if (oauth) oauth->attach(options, mail::uses_token(options.auth, true));
  if (protocol == Protocol::imap) options.mailbox = o.get("mailbox").empty() ? "INBOX" : o.get("mailbox");
  if (!o.get("search-token").empty()) options.search.tokens = {o.get("search-token")};
  options.search.subject = o.get("search-subject");
  options.search.in_body = o.flag("use-body");
  options.delete_found = o.flag("delete");
  if (options.delete_found && options.search.empty()) {
    throw CheckError("--delete needs --search-token or --search-subject (what to delete).");
  }
  if (options.search.in_body && options.search.tokens.empty()) throw CheckError("--use-body needs --search-token.");
  options.record_transcript = run.verbose;
  const Retests retests = read_retests(o);

  mb::Result result;
  const int attempts = run_attempts(retests, run.deadline, [&](int attempt) {
    result = mb::run_mailbox_check(protocol, options, run.deadline);
    if (oauth && oauth->retry_after(mail::oauth_refused(options, result))) {
      if (run.verbose) add_session_details(run.report, "session with the refused OAuth token:", result);
      result = mb::run_mailbox_check(protocol, options, run.deadline);
    }
    if (oauth && mail::oauth_refused(options, result))
      result.failure->summary =
          oauth->describe_refusal(result.failure->summary, std::string(mb::protocol_name(protocol)));
    if (result.failure && result.failure->kind == transport::ErrorKind::config)
      throw CheckError(result.failure->summary);
    // A message searched for and not there yet is worth another look, as a refused login is.
    const bool failed = result.failure.has_value() || (result.searched && !result.found);
    if (run.verbose) {
      const std::string title = std::string(mb::protocol_name(protocol)) + " session" +
                                (retests.count > 0 ? ", attempt " + std::to_string(attempt) : "") +
                                (failed ? " (failed):" : ":");
      add_session_details(run.report, title, result);
    }
    return failed;
  });
  fill_values(protocol, options, result, attempts, run.groups.front().global);
  if (oauth) mail::put_value(run.groups.front().global, "token", oauth->seconds());
  report_certificate_dates(result, run.report);
  if (result.found && options.delete_found && !result.deleted) {
    run.report.add(output::Status::Warning,
                   "the message found could not be confirmed deleted" +
                       (result.delete_problem.empty() ? std::string()
                                                      : " (" + util::sanitize_line(result.delete_problem, 160) + ")"));
  }
}

std::optional<double> message_age(const mb::FoundMessage& found, double now) {
  const std::optional<double> since = found.sent_epoch   ? found.sent_epoch
                                      : found.date_epoch ? found.date_epoch
                                                         : found.internal_epoch;
  if (!since) return std::nullopt;
  return now > *since ? now - *since : 0.0;
}

void add_session_details(output::Report& report, std::string_view title, const mb::Result& result) {
  report.add_long(std::string(title));
  for (const auto& entry : result.transcript.entries()) report.add_long(transport::Transcript::format(entry));
  if (result.transcript.dropped() > 0) {
    report.add_long("(" + std::to_string(result.transcript.dropped()) + " more transcript lines dropped)");
  }
  if (result.tls) {
    const auto& tls = *result.tls;
    std::string line = "TLS " + tls.protocol + " " + tls.cipher + ", certificate verification: " + tls.verify_message;
    if (tls.peer_certificate) {
      line += "; subject " + tls.peer_certificate->subject + ", issuer " + tls.peer_certificate->issuer +
              ", valid until " + tls.peer_certificate->not_after;
    }
    report.add_long(util::sanitize_line(line, 600));
  }
}

std::string error_name(const mb::Failure& failure) { return std::string(transport::error_kind_name(failure.kind)); }

}  // namespace check_mail::modes::mailbox_check
