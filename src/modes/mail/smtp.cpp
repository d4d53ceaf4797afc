// --mode=smtp. The dialogue itself lives in transport/smtp_session; this file maps options onto
// a session, declares the figures as counters, and turns the session's result into values.
#include "check_mail/modes/mail/smtp.hpp"

#include <algorithm>
#include <ctime>
#include <string_view>

#include "check_mail/modes/mail/mail_counters.hpp"
#include "check_mail/modes/mail/mail_options.hpp"
#include "check_mail/modes/mail/oauth_access.hpp"
#include "check_mail/modes/mail/oauth_options.hpp"
#include "check_mail/modes/mail/retests.hpp"
#include "check_mail/smtp/smtp_session.hpp"
#include "check_mail/util/files.hpp"
#include "check_mail/util/secrets.hpp"
#include "check_mail/util/strings.hpp"

namespace check_mail::modes::smtp {
namespace {

namespace ts = transport::smtp;
using output::Counter;
using output::CounterGroup;
using output::Value;

const std::string kSection = "SMTP options";
const std::string kTlsSection = "TLS options";
const std::string kMessageSection = "Test message options";

std::vector<cli::OptionSpec> options() {
  auto opt = [](std::string name, std::string value, std::string help, std::string def, std::string shorts,
                const std::string& section, std::vector<std::string> aliases = {}, bool repeatable = false) {
    return cli::OptionSpec{std::move(name),   std::move(value), std::move(help), std::move(def), std::move(aliases),
                           std::move(shorts), repeatable,       false,           section};
  };
  // The connection, TLS and credential options are mail_options' (in check_smtp's wording);
  // they are taken in the order --help has always listed them, the mode's own ones in between.
  std::vector<cli::OptionSpec> connection =
      mail::connection_option_specs(mail::Protocol::smtp, mail::Scope::standalone, kSection, kTlsSection);
  auto shared = [&connection](std::string_view name) {
    const auto it = std::find_if(connection.begin(), connection.end(),
                                 [name](const cli::OptionSpec& spec) { return spec.name == name; });
    return std::move(*it);
  };
  const std::vector<cli::OptionSpec> retest = retest_option_specs(kSection);
  // The Icinga ITL's smtp command passes "-q" with its variable's value: "-q true".
  auto ignore_quit_failure = [&opt] {
    cli::OptionSpec spec = opt("ignore-quit-failure", "",
                               "check_smtp compatibility (also -q true or -q false, as the Icinga ITL passes it); a "
                               "failed QUIT never fails the check anyway.",
                               "", "q", kSection);
    spec.flag_takes_boolean = true;
    return spec;
  };
  std::vector<cli::OptionSpec> specs = {
      shared("hostname"),
      shared("port"),
      shared("ipv4"),
      shared("ipv6"),
      shared("security"),
      opt("ssl", "", "Same as --security=ssl (implicit TLS).", "", "", kSection),
      opt("starttls", "", "Same as --security=starttls.", "", "S", kSection),
      opt("helo-name", "NAME", "Name sent with EHLO/HELO (default: this machine's host name).", "", "F", kSection,
          {"fqdn"}),
      opt("expect-banner", "REGEX",
          "A line of the 220 greeting must match this Perl regular expression (each line is tried as its "
          "text, \"mx.example ESMTP\", and with the code, \"220 mx.example ESMTP\"; the whole greeting too).",
          "", "", kSection),
      opt("expect", "STRING", "check_smtp compatibility: the greeting must contain this string.", "", "e", kSection),
      shared("auth-type"),
      shared("username"),
      shared("password"),
      shared("password-file"),
      opt("shared-secret", "SECRET", "CRAM-MD5 shared secret (default: the password).", "", "", kSection),
      shared("allow-plaintext-auth"),
      retest[0],
      retest[1],
      opt("command", "LINE", "Send this command after AUTH (check_smtp's -C; repeatable).", "", "C", kSection, {},
          true),
      opt("response", "REGEX",
          "Expected reply to the matching --command (check_smtp's -R; repeatable): WARNING otherwise.", "", "R",
          kSection, {}, true),
      ignore_quit_failure(),
      opt("certificate-days", "WARN[,CRIT]", "check_smtp compatibility: minimum days of certificate validity.", "", "D",
          kTlsSection),
      shared("insecure"),
      shared("cafile"),
      shared("capath"),
      shared("tls-servername"),
      shared("ssl-cert-file"),
      shared("ssl-key-file"),
      shared("ssl-key-password"),
      shared("ssl-key-password-file"),
      shared("ssl-cipher-suite"),
      shared("tls-min-version"),
      opt("email", "ADDRESS",
          "Recipient of a real test message (repeatable). Without it: banner, EHLO, STARTTLS, AUTH, QUIT only.", "", "",
          kMessageSection, {}, true),
      opt("originator", "ADDRESS", "Envelope sender and From of the test message (default: SMTP-Monitor@<this host>).",
          "", "f", kMessageSection, {"from"}),
      opt("subject", "TEXT", "Subject of the test message.", "SMTP Monitor Test Message", "", kMessageSection),
      opt("message-file", "FILE", "Body of the test message (default: a built-in text).", "", "", kMessageSection),
      opt("use-body", "", "Put the tracking token in the body instead of the X-Check-Mail-Token header.", "", "",
          kMessageSection),
      opt("message-size", "BYTES", "Pad the test message to this size, to measure throughput.", "", "",
          kMessageSection),
  };
  for (cli::OptionSpec& spec : mail::oauth_option_specs(false)) specs.push_back(std::move(spec));
  return specs;
}

std::vector<CounterGroup> counters() {
  CounterGroup group = mail::summary_group("smtp");
  Counter status = mail::status_counter({"code", "enhanced", "phase", "message", "error"});
  // 4xx is a temporary refusal (greylisting, a full queue): WARNING. 5xx, and 421 (RFC 5321:
  // "service not available, closing transmission channel", e.g. a missing client certificate),
  // mean the service cannot be used: CRITICAL, as is any failure without a reply (timeout,
  // refused connection, TLS or certificate failure). A greeting or a -C reply that does not
  // match -e/--expect-banner/-R is WARNING, as in check_smtp.
  status.default_warning = "%{code} =~ /^4/ || %{error} =~ /^unexpected_/";
  status.default_critical = "%{code} =~ /^5/ || %{code} == 421 || (%{error} ne \"\" && %{error} !~ /^unexpected_/)";

  Counter total = mail::figure("total-time", "smtp.total.time.seconds", "total", "total time %.3fs");
  total.display_ok = true;
  total.short_warning = "w";
  total.short_critical = "c";
  Counter certificate = mail::figure("certificate-expires-days", "smtp.certificate.expires.days", "certificate_days",
                                     "certificate expires in %d days", "", "%d");
  certificate.min = "";
  Counter code = mail::figure("reply-code", "smtp.reply.code", "code_value", "last reply code %d", "", "%d");
  group.counters = {
      status,
      mail::figure("lookup-time", "smtp.lookup.time.seconds", "lookup", "lookup time %.3fs"),
      mail::figure("connect-time", "smtp.connect.time.seconds", "connect", "connect time %.3fs"),
      mail::figure("tls-handshake-time", "smtp.tls.handshake.time.seconds", "tls_handshake",
                   "TLS handshake time %.3fs"),
      mail::figure("banner-time", "smtp.banner.time.seconds", "banner", "banner time %.3fs"),
      mail::figure("ehlo-time", "smtp.ehlo.time.seconds", "ehlo", "EHLO time %.3fs"),
      mail::figure("auth-time", "smtp.auth.time.seconds", "auth", "auth time %.3fs"),
      mail::figure("token-time", "smtp.token.time.seconds", "token", "OAuth token time %.3fs"),
      mail::figure("response-time", "smtp.response.time.seconds", "response", "response time %.3fs"),
      mail::figure("upload-time", "smtp.upload.time.seconds", "upload", "upload time %.3fs"),
      total,
      mail::figure("bytes-transferred", "smtp.transferred.bytes", "bytes", "%d bytes transferred", "B", "%d"),
      mail::figure("bytes-per-second", "smtp.upload.bytespersecond", "bytes_per_second", "upload %.0f B/s", "B/s",
                   "%.0f"),
      code,
      certificate,
  };
  return {group};
}

// check_smtp's -D "30,14" becomes the certificate thresholds "30:" and "14:"; --ssl/--starttls
// become --security.
void normalize(cli::Options& options) {
  if (options.given("certificate-days")) {
    auto parts = util::split(options.get("certificate-days"), ',');
    auto as_range = [](const std::string& days) {
      if (!util::parse_integer(util::trim(days), 0, 100000))
        throw CheckError("Wrong --certificate-days value '" + days + "' (WARN[,CRIT] in days).");
      return std::string(util::trim(days)) + ":";
    };
    if (!options.given("warning-smtp-certificate-expires-days") && !options.given("warning-certificate-expires-days"))
      options.set("warning-certificate-expires-days", {as_range(parts[0])});
    if (parts.size() > 1 && !options.given("critical-smtp-certificate-expires-days") &&
        !options.given("critical-certificate-expires-days"))
      options.set("critical-certificate-expires-days", {as_range(parts[1])});
  }
  if (options.flag("ssl") && options.flag("starttls")) throw CheckError("--ssl and --starttls exclude each other.");
  if (options.flag("ssl")) options.set("security", {"ssl"});
  if (options.flag("starttls")) options.set("security", {"starttls"});
}

ts::SessionOptions session_options(ModeRun& run, mail::OAuthAccess* oauth) {
  const cli::Options& o = run.options;
  mail::ConnectionSettings c = mail::read_connection(o, mail::Protocol::smtp, mail::Scope::standalone, run.report);
  c.token_source = oauth != nullptr;
  ts::SessionOptions s;
  s.endpoint = c.endpoint;
  s.security = c.security;
  s.tls = c.tls;
  s.helo_name = o.get("helo-name").empty() ? mail::local_host_name() : o.get("helo-name");

  s.auth = mail::effective_auth(c);
  s.username = c.username;
  s.password = c.password;
  s.shared_secret = o.get("shared-secret");
  util::register_secret(s.shared_secret);
  if (s.auth.kind != transport::sasl::AuthType::Kind::none && s.username.empty())
    throw CheckError("--auth-type needs --username.");
  const bool by_token = mail::uses_token(s.auth, c.token_source);
  mail::require_token_source(c);
  if (s.auth.kind != transport::sasl::AuthType::Kind::none && s.password.empty() && s.shared_secret.empty() &&
      !by_token)
    throw CheckError("--auth-type needs --password (or --password-file, or CHECK_MAIL_SMTP_PASSWORD).");
  if (oauth && s.auth.kind != transport::sasl::AuthType::Kind::none) oauth->attach(s, by_token);
  s.allow_plaintext_auth = c.allow_plaintext_auth;

  s.recipients = o.all("email");
  std::string originator = o.get("originator");
  if (originator.empty()) originator = "SMTP-Monitor";
  // The classic monitor's default "SMTP-Monitor" is not an address: complete it with this host's name.
  if (originator.find('@') == std::string::npos) originator += "@" + mail::local_host_name();
  s.mail_from = originator;
  s.message.from = "SMTP Monitor <" + originator + ">";
  s.message.to = s.recipients;
  s.message.subject = o.get("subject");
  s.message.use_body = o.flag("use-body");
  if (!o.get("message-file").empty()) {
    std::string error;
    auto body = util::read_file(o.get("message-file"), 64u << 20, &error);
    if (!body) throw CheckError("Cannot read --message-file '" + o.get("message-file") + "': " + error);
    s.message.body = *body;
  }
  if (!o.get("message-size").empty()) {
    auto size = util::parse_integer(o.get("message-size"), 0, 1LL << 30);
    if (!size) throw CheckError("Wrong --message-size value '" + o.get("message-size") + "' (bytes, up to 1 GiB).");
    s.message.pad_to_bytes = static_cast<std::size_t>(*size);
  }
  s.record_transcript = run.verbose;
  return s;
}

// What is wrong with a dialogue that went through: a greeting or reply that does not match
// -e/--expect-banner/-R, or (with --insecure) a certificate outside its validity period.
struct Problem {
  std::string phase;    // "banner", "command" or "tls_handshake"
  std::string error;    // %{error}: "unexpected_banner", "unexpected_response", "certificate_expired", ...
  std::string message;  // the status text
  [[nodiscard]] bool empty() const { return message.empty(); }
};

// The values of one finished attempt, for the counters.
void fill_values(const ts::SessionOptions& s, const ts::Result& r, int attempts, const Problem& problem,
                 output::Values& v) {
  std::string summary = "SMTP " + s.endpoint.host + ":" + std::to_string(s.endpoint.port) + " (" +
                        mail::security_text(mail::Protocol::smtp, s.security, r.tls ? &*r.tls : nullptr) + ", " +
                        mail::auth_text(mail::Protocol::smtp, s.auth, r.auth_mechanism, false, s.username);
  if (!s.recipients.empty()) summary += ", to " + util::join(s.recipients, ", ");
  summary += ")";
  summary += attempts_text(attempts);
  v["summary"] = Value::of(util::sanitize_line(summary, 300));

  std::string message, error, phase = "done";
  if (r.failure) {
    phase = std::string(ts::phase_name(r.failure->phase));
    message = r.failure->summary;
    bool server_refusal =
        r.failure->kind == transport::ErrorKind::rejected && r.failure->reply && r.failure->reply->code >= 400;
    if (!server_refusal) error = std::string(transport::error_kind_name(r.failure->kind));
  } else if (!problem.empty()) {
    phase = problem.phase;
    message = problem.message;
    error = problem.error;
  } else if (!s.recipients.empty()) {
    message = "message accepted";
    if (r.final_reply) message += " (" + r.final_reply->summary(120) + ")";
  } else {
    message = "accepting connections";
    if (r.capabilities && !r.capabilities->domain.empty())
      message += " (" + util::sanitize_line(r.capabilities->domain, 80) + ")";
  }
  v["message"] = Value::of(util::sanitize_line(message, 300));
  v["phase"] = Value::of(phase);
  v["error"] = Value::of(error);
  // The reply that tells how the check went: the refusal, else the last reply before QUIT
  // (the message's 250, or EHLO's/AUTH's), never QUIT's 221.
  const ts::Reply* reply =
      r.failure ? (r.failure->reply ? &*r.failure->reply : nullptr) : (r.final_reply ? &*r.final_reply : nullptr);
  v["code"] = Value::of(reply ? std::to_string(reply->code) : std::string());
  v["enhanced"] = Value::of(reply && reply->enhanced ? reply->enhanced->to_string() : std::string());
  if (reply) v["code_value"] = Value::of(static_cast<double>(reply->code));

  const ts::Timings& t = r.timings;
  mail::put_connection_timings(v, t);
  mail::put_value(v, "banner", t.banner);
  mail::put_value(v, "ehlo", t.ehlo);
  mail::put_value(v, "auth", t.auth);
  mail::put_value(v, "response", t.response);
  mail::put_value(v, "upload", t.upload);
  mail::put_value(v, "total", t.total);
  if (r.bytes_sent + r.bytes_received > 0) v["bytes"] = Value::of(static_cast<double>(r.bytes_sent + r.bytes_received));
  mail::put_value(v, "bytes_per_second", r.upload_bytes_per_second);
  if (r.tls && r.tls->peer_certificate) v["certificate_days"] = Value::of(r.tls->peer_certificate->days_until_expiry);
}

// The greeting as the server sent it: "220 mail.example.com ESMTP".
std::string banner_text(const ts::Result& r) {
  if (!r.banner) return {};
  return std::to_string(r.banner->code) + " " + r.banner->text();
}

// --expect-banner against each line of the greeting, as its text ("exim.example ESMTP") and
// with the code ("220 exim.example ESMTP"), so "^exim\\.example" matches a multi-line greeting
// too; and, as before, against the whole greeting on one line.
bool banner_matches(const output::Regex& pattern, const ts::Result& r) {
  if (!r.banner) return false;
  if (pattern.search(banner_text(r))) return true;
  const std::string code = std::to_string(r.banner->code) + " ";
  return std::any_of(r.banner->lines.begin(), r.banner->lines.end(),
                     [&](const std::string& line) { return pattern.search(line) || pattern.search(code + line); });
}

// -e and --expect-banner against the greeting, then check_smtp's -R against the replies to -C.
// Returns an empty Problem when everything matched.
Problem expectation_failure(const cli::Options& o, const std::optional<output::Regex>& expect_banner,
                            const std::vector<output::Regex>& responses, const ts::Result& r) {
  if (r.failure) return {};
  std::string banner = util::sanitize_line(banner_text(r), 160);
  if (!o.get("expect").empty() && banner_text(r).find(o.get("expect")) == std::string::npos)
    return {"banner", "unexpected_banner",
            "greeting does not contain '" + util::sanitize_line(o.get("expect"), 60) + "': " + banner};
  if (expect_banner && !banner_matches(*expect_banner, r))
    return {"banner", "unexpected_banner", "greeting does not match --expect-banner: " + banner};
  auto commands = o.all("command");
  for (std::size_t i = 0; i < responses.size() && i < r.command_replies.size(); ++i) {
    const ts::Reply& reply = r.command_replies[i];
    std::string text = std::to_string(reply.code) + " " + reply.text();
    if (!responses[i].search(text))
      return {"command", "unexpected_response",
              "invalid response '" + util::sanitize_line(text, 120) + "' to command '" +
                  util::sanitize_line(commands[i], 60) + "'"};
  }
  return {};
}

// A certificate outside its validity period. Only reachable with --insecure (verification
// refuses it otherwise), and still a failure: check_smtp 3.x says OK with negative days here.
Problem certificate_problem(const ts::Result& r) {
  if (r.failure || !r.tls || !r.tls->peer_certificate) return {};
  const auto& cert = *r.tls->peer_certificate;
  if (cert.days_until_expiry < 0) {
    // Whole days, as the perfdata shows them (truncated toward zero).
    auto days = static_cast<long long>(-cert.days_until_expiry);
    return {"tls_handshake", "certificate_expired",
            "certificate expired " + std::to_string(days) + (days == 1 ? " day" : " days") + " ago (" + cert.not_after +
                ")"};
  }
  if (static_cast<double>(cert.not_before_epoch) > static_cast<double>(std::time(nullptr)))
    return {"tls_handshake", "certificate_not_yet_valid", "certificate not valid before " + cert.not_before};
  return {};
}

void run(ModeRun& run) {
  const cli::Options& o = run.options;
  const std::unique_ptr<mail::OAuthAccess> oauth = mail::oauth_access_for(run);
  ts::SessionOptions session = session_options(run, oauth.get());
  std::optional<output::Regex> expect_banner = compile_filter(o, "expect-banner");
  session.extra_commands = o.all("command");
  std::vector<output::Regex> responses;
  for (const std::string& pattern : o.all("response")) {
    output::Regex::Error error;
    auto regex = output::Regex::try_compile(pattern, "", &error);
    if (!regex) throw CheckError("Invalid regular expression in --response: " + error.message);
    responses.push_back(std::move(*regex));
  }
  if (responses.size() > session.extra_commands.size()) throw CheckError("More --response than --command options.");

  const Retests retests = read_retests(o);
  ts::Result result;
  Problem problem;
  const int attempts = run_attempts(retests, run.deadline, [&](int attempt) {
    result = ts::run_smtp_check(session, run.deadline);
    if (oauth && oauth->retry_after(mail::oauth_refused(session, result))) {
      if (run.verbose)
        for (const auto& entry : result.transcript.entries()) run.report.add_long(transport::Transcript::format(entry));
      result = ts::run_smtp_check(session, run.deadline);
    }
    if (oauth && mail::oauth_refused(session, result))
      result.failure->summary = oauth->describe_refusal(result.failure->summary, "SMTP");
    if (result.failure && result.failure->kind == transport::ErrorKind::config)
      throw CheckError(result.failure->summary);
    problem = expectation_failure(o, expect_banner, responses, result);
    const bool failed = result.failure.has_value() || !problem.empty();
    if (run.verbose) {
      run.report.add_long("attempt " + std::to_string(attempt) + (failed ? " failed:" : ":"));
      for (const auto& entry : result.transcript.entries()) run.report.add_long(transport::Transcript::format(entry));
    }
    return failed;
  });

  if (Problem certificate = certificate_problem(result); !certificate.empty()) problem = std::move(certificate);
  fill_values(session, result, attempts, problem, run.groups.front().global);
  if (oauth) mail::put_value(run.groups.front().global, "token", oauth->seconds());
  if (run.verbose && result.tls) {
    const auto& tls = *result.tls;
    std::string line = "TLS " + tls.protocol + " " + tls.cipher + ", certificate verification: " + tls.verify_message;
    if (tls.peer_certificate)
      line += "; subject " + tls.peer_certificate->subject + ", issuer " + tls.peer_certificate->issuer +
              ", valid until " + tls.peer_certificate->not_after;
    run.report.add_long(util::sanitize_line(line, 600));
  }
}

}  // namespace

const ModeDefinition kSmtpMode{
    "smtp",
    "SMTP transaction timed phase by phase (TLS, AUTH, test message)",
    "Connects to an SMTP server (plain, implicit TLS or STARTTLS), checks the greeting, EHLO (HELO as fallback), "
    "authenticates (PLAIN, LOGIN, CRAM-MD5), and with --email sends a real RFC 5322 test message carrying a tracking "
    "token, then QUITs. Every phase is timed and reported as perfdata with its own thresholds "
    "(--warning-<figure>/--critical-<figure>, in seconds). A reply the step does not expect is WARNING for 4xx and "
    "CRITICAL for 5xx and 421; a greeting or -C reply not matching -e/--expect-banner/-R is WARNING; a failure without "
    "a reply (timeout, refused connection, TLS or certificate error) is CRITICAL. Status expressions over %{code}, "
    "%{enhanced}, %{phase}, %{message} and %{error} (timeout, connect_refused, tls_verify, unexpected_banner, "
    "unexpected_response, certificate_expired, ...) override that. "
    "TLS certificates and host names are verified unless --insecure. check_smtp's -H -p -f -e -C -R -F -D -S -A -U -P "
    "-q "
    "-w -c -t -4 -6 are understood too.",
    "check_mail --mode=smtp --hostname=mail.example.com\n"
    "check_mail --mode=smtp --hostname=mail.example.com --port=587 --security=starttls --auth-type=plain "
    "--username=monitor --password-file=/etc/nagios/smtp.pass --email=probe@example.com --warning-total-time=2 "
    "--critical-total-time=5 --warning-certificate-expires-days=30: --critical-certificate-expires-days=7:\n"
    "check_mail --mode=smtp -H mail.example.com -p 25 -S -D 30,14 -w 2 -c 5 -t 10",
    options,
    counters,
    run,
    30,
    normalize,
};

}  // namespace check_mail::modes::smtp
