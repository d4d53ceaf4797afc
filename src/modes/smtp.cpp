// --mode=smtp. The dialogue itself lives in transport/smtp_session; this file maps options onto
// a session, declares the figures as counters, and turns the session's result into values.
#include "check_mail/modes/smtp.hpp"

#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <thread>

#include "check_mail/transport/smtp_session.hpp"
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
    return cli::OptionSpec{std::move(name), std::move(value), std::move(help), std::move(def), std::move(aliases),
                           std::move(shorts), repeatable, false, section};
  };
  return {
      opt("hostname", "HOST", "SMTP server host name or address (required).", "", "H", kSection),
      opt("port", "PORT", "SMTP port (default 25, or 465 with --security=ssl; 587 is the usual submission port).", "", "p", kSection),
      opt("ipv4", "", "Connect over IPv4 only.", "", "4", kSection),
      opt("ipv6", "", "Connect over IPv6 only.", "", "6", kSection),
      opt("security", "none|ssl|starttls", "Plain text, implicit TLS from the first byte, or STARTTLS (then mandatory).", "none", "", kSection),
      opt("ssl", "", "Same as --security=ssl (implicit TLS).", "", "", kSection),
      opt("starttls", "", "Same as --security=starttls.", "", "S", kSection),
      opt("helo-name", "NAME", "Name sent with EHLO/HELO (default: this machine's host name).", "", "F", kSection, {"fqdn"}),
      opt("expect-banner", "REGEX", "The 220 greeting must match this Perl regular expression.", "", "", kSection),
      opt("expect", "STRING", "check_smtp compatibility: the greeting must contain this string.", "", "e", kSection),
      opt("auth-type", "TYPE", "none, auto (strongest advertised), plain, login or cram-md5.", "none", "A", kSection, {"authtype"}),
      opt("username", "USER", "SASL user name.", "", "U", kSection, {"authuser"}),
      opt("password", "PASSWORD", "SASL password (or --password-file, or CHECK_MAIL_SMTP_PASSWORD).", "", "P", kSection, {"authpass"}),
      opt("password-file", "FILE", "Read the SASL password from the first line of this file (mode 0600).", "", "", kSection),
      opt("shared-secret", "SECRET", "CRAM-MD5 shared secret (default: the password).", "", "", kSection),
      opt("allow-plaintext-auth", "", "Allow AUTH over a connection without TLS (refused otherwise).", "", "", kSection),
      opt("retests", "N", "Retry a failed attempt N times before reporting the failure.", "0", "", kSection),
      opt("retest-interval", "SECONDS", "Wait between attempts.", "10", "", kSection),
      opt("command", "LINE", "Send this command after AUTH (check_smtp's -C; repeatable).", "", "C", kSection, {}, true),
      opt("response", "REGEX", "Expected reply to the matching --command (check_smtp's -R; repeatable): WARNING otherwise.", "", "R", kSection, {}, true),
      opt("ignore-quit-failure", "", "check_smtp compatibility; a failed QUIT never fails the check anyway.", "", "q", kSection),
      opt("certificate-days", "WARN[,CRIT]", "check_smtp compatibility: minimum days of certificate validity.", "", "D", kTlsSection),
      opt("insecure", "", "Do not verify the server certificate and host name.", "", "", kTlsSection),
      opt("cafile", "FILE", "CA certificates (PEM) to verify the server with, instead of the system store.", "", "", kTlsSection),
      opt("capath", "DIR", "Hashed directory of CA certificates.", "", "", kTlsSection),
      opt("tls-servername", "NAME", "Name to send as SNI and to verify the certificate against (default: --hostname).", "", "", kTlsSection),
      opt("ssl-cert-file", "FILE", "Client certificate (PEM).", "", "", kTlsSection),
      opt("ssl-key-file", "FILE", "Client certificate key (PEM; default: in --ssl-cert-file).", "", "", kTlsSection),
      opt("ssl-key-password", "PASSWORD", "Password of the client key (or --ssl-key-password-file, or CHECK_MAIL_SSL_KEY_PASSWORD).", "", "", kTlsSection),
      opt("ssl-key-password-file", "FILE", "Read the client key password from this file.", "", "", kTlsSection),
      opt("ssl-cipher-suite", "LIST", "OpenSSL cipher list (TLS 1.2 and older).", "", "", kTlsSection),
      opt("tls-min-version", "VERSION", "Oldest TLS version accepted: 1.0, 1.1, 1.2 or 1.3.", "1.2", "", kTlsSection),
      opt("email", "ADDRESS", "Recipient of a real test message (repeatable). Without it: banner, EHLO, STARTTLS, AUTH, QUIT only.", "", "", kMessageSection, {}, true),
      opt("originator", "ADDRESS", "Envelope sender and From of the test message (default: SMTP-Monitor@<this host>).", "", "f", kMessageSection, {"from"}),
      opt("subject", "TEXT", "Subject of the test message.", "SMTP Monitor Test Message", "", kMessageSection),
      opt("message-file", "FILE", "Body of the test message (default: a built-in text).", "", "", kMessageSection),
      opt("use-body", "", "Put the tracking token in the body instead of the X-Check-Mail-Token header.", "", "", kMessageSection),
      opt("message-size", "BYTES", "Pad the test message to this size, to measure throughput.", "", "", kMessageSection),
  };
}

Counter figure(std::string label, std::string nlabel, std::string key, std::string output_template,
               std::string unit = "s", std::string perf_template = "%.6f") {
  Counter counter;
  counter.label = std::move(label);
  counter.nlabel = std::move(nlabel);
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
  group.name = "smtp";
  group.prefix = [](const std::string&, const output::Values& values) {
    auto it = values.find("summary");
    return it == values.end() ? std::string() : it->second.as_text() + ": ";
  };
  Counter status;
  status.kind = Counter::Kind::Status;
  status.label = "status";
  status.key = "message";
  status.variables = {"code", "enhanced", "phase", "message", "error"};
  // 4xx is a temporary refusal (greylisting, a full queue): WARNING. 5xx, and 421 (RFC 5321:
  // "service not available, closing transmission channel", e.g. a missing client certificate),
  // mean the service cannot be used: CRITICAL, as is any failure without a reply (timeout,
  // refused connection, TLS or certificate failure). A greeting or a -C reply that does not
  // match -e/--expect-banner/-R is WARNING, as in check_smtp.
  status.default_warning = "%{code} =~ /^4/ || %{error} =~ /^unexpected_/";
  status.default_critical = "%{code} =~ /^5/ || %{code} == 421 || (%{error} ne \"\" && %{error} !~ /^unexpected_/)";
  status.output = [](const output::Values& values) { return values.at("message").as_text(); };

  Counter total = figure("total-time", "smtp.total.time.seconds", "total", "total time %.3fs");
  total.display_ok = true;
  total.short_warning = "w";
  total.short_critical = "c";
  Counter certificate = figure("certificate-expires-days", "smtp.certificate.expires.days", "certificate_days",
                               "certificate expires in %d days", "", "%d");
  certificate.min = "";
  Counter code = figure("reply-code", "smtp.reply.code", "code_value", "last reply code %d", "", "%d");
  group.counters = {
      status,
      figure("lookup-time", "smtp.lookup.time.seconds", "lookup", "lookup time %.3fs"),
      figure("connect-time", "smtp.connect.time.seconds", "connect", "connect time %.3fs"),
      figure("tls-handshake-time", "smtp.tls.handshake.time.seconds", "tls_handshake", "TLS handshake time %.3fs"),
      figure("banner-time", "smtp.banner.time.seconds", "banner", "banner time %.3fs"),
      figure("ehlo-time", "smtp.ehlo.time.seconds", "ehlo", "EHLO time %.3fs"),
      figure("auth-time", "smtp.auth.time.seconds", "auth", "auth time %.3fs"),
      figure("response-time", "smtp.response.time.seconds", "response", "response time %.3fs"),
      figure("upload-time", "smtp.upload.time.seconds", "upload", "upload time %.3fs"),
      total,
      figure("bytes-transferred", "smtp.transferred.bytes", "bytes", "%d bytes transferred", "B", "%d"),
      figure("bytes-per-second", "smtp.upload.bytespersecond", "bytes_per_second", "upload %.0f B/s", "B/s", "%.0f"),
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

std::string secret_from(const cli::Options& o, const std::string& option, const std::string& env,
                        const std::string& what, output::Report& report) {
  util::SecretSource source{o.get(option), o.given(option), o.get(option + "-file"), env};
  try {
    auto secret = util::resolve_secret(source, what);
    if (!secret) return {};
    for (const std::string& warning : secret->warnings) report.add_long(warning);
    return secret->value;
  } catch (const std::runtime_error& e) {
    throw CheckError(e.what());
  }
}

std::string local_host_name() {
  char name[256] = {0};
  if (::gethostname(name, sizeof name - 1) != 0 || !name[0]) return "localhost";
  return name;
}

ts::SessionOptions session_options(ModeRun& run) {
  const cli::Options& o = run.options;
  ts::SessionOptions s;
  s.endpoint.host = o.get("hostname");
  if (s.endpoint.host.empty()) throw CheckError("Need to specify --hostname option.");
  if (o.flag("ipv4") && o.flag("ipv6")) throw CheckError("-4 and -6 exclude each other.");
  s.endpoint.family = o.flag("ipv4") ? transport::AddressFamily::ipv4
                      : o.flag("ipv6") ? transport::AddressFamily::ipv6 : transport::AddressFamily::any;

  std::string security = util::to_lower(o.get("security"));
  if (security == "none") s.security = ts::Security::none;
  else if (security == "ssl" || security == "tls") s.security = ts::Security::implicit_tls;
  else if (security == "starttls") s.security = ts::Security::starttls;
  else throw CheckError("Unknown value '" + o.get("security") + "' for --security (none, ssl or starttls).");

  std::string port = o.get("port");
  if (port.empty()) port = s.security == ts::Security::implicit_tls ? "465" : "25";
  auto parsed_port = util::parse_integer(port, 1, 65535);
  if (!parsed_port) throw CheckError("Wrong --port value '" + port + "' (1-65535).");
  s.endpoint.port = static_cast<std::uint16_t>(*parsed_port);

  s.tls.insecure = o.flag("insecure");
  s.tls.ca_file = o.get("cafile");
  s.tls.ca_path = o.get("capath");
  s.tls.server_name = o.get("tls-servername");
  s.tls.cert_file = o.get("ssl-cert-file");
  s.tls.key_file = o.get("ssl-key-file");
  s.tls.key_password = secret_from(o, "ssl-key-password", "CHECK_MAIL_SSL_KEY_PASSWORD", "client key password", run.report);
  s.tls.ciphers = o.get("ssl-cipher-suite");
  auto version = transport::parse_tls_version(o.get("tls-min-version"));
  if (!version) throw CheckError("Unknown value '" + o.get("tls-min-version") + "' for --tls-min-version (1.0 to 1.3).");
  s.tls.min_version = *version;
  s.helo_name = o.get("helo-name").empty() ? local_host_name() : o.get("helo-name");

  std::string auth = util::to_lower(o.get("auth-type"));
  if (auth == "none") s.auth = ts::AuthMethod::none;
  else if (auth == "auto") s.auth = ts::AuthMethod::automatic;
  else if (auth == "plain") s.auth = ts::AuthMethod::plain;
  else if (auth == "login") s.auth = ts::AuthMethod::login;
  else if (auth == "cram-md5") s.auth = ts::AuthMethod::cram_md5;
  else throw CheckError("Unknown value '" + o.get("auth-type") + "' for --auth-type (none, auto, plain, login, cram-md5).");
  s.username = o.get("username");
  s.password = secret_from(o, "password", "CHECK_MAIL_SMTP_PASSWORD", "SMTP password", run.report);
  s.shared_secret = o.get("shared-secret");
  if (s.auth != ts::AuthMethod::none && s.username.empty()) throw CheckError("--auth-type needs --username.");
  if (s.auth != ts::AuthMethod::none && s.password.empty() && s.shared_secret.empty())
    throw CheckError("--auth-type needs --password (or --password-file, or CHECK_MAIL_SMTP_PASSWORD).");
  s.allow_plaintext_auth = o.flag("allow-plaintext-auth");

  s.recipients = o.all("email");
  std::string originator = o.get("originator");
  if (originator.empty()) originator = "SMTP-Monitor";
  // The seed's default "SMTP-Monitor" is not an address: complete it with this host's name.
  if (originator.find('@') == std::string::npos) originator += "@" + local_host_name();
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

std::string security_text(const ts::SessionOptions& s, const ts::Result& r) {
  std::string text = s.security == ts::Security::none       ? "plain"
                     : s.security == ts::Security::starttls ? "STARTTLS"
                                                            : "SSL";
  if (r.tls) text += " " + r.tls->protocol;
  return text;
}

std::string auth_text(const ts::SessionOptions& s, const ts::Result& r) {
  if (s.auth == ts::AuthMethod::none) return "no auth";
  std::string mechanism = r.auth_mechanism                      ? std::string(transport::sasl::mechanism_name(*r.auth_mechanism))
                          : s.auth == ts::AuthMethod::plain    ? "PLAIN"
                          : s.auth == ts::AuthMethod::login    ? "LOGIN"
                          : s.auth == ts::AuthMethod::cram_md5 ? "CRAM-MD5"
                                                               : "auto";
  return "AUTH " + mechanism + " as " + util::sanitize_line(s.username, 80);
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
  std::string summary = "SMTP " + s.endpoint.host + ":" + std::to_string(s.endpoint.port) + " (" + security_text(s, r) +
                        ", " + auth_text(s, r);
  if (!s.recipients.empty()) summary += ", to " + util::join(s.recipients, ", ");
  summary += ")";
  if (attempts > 1) summary += " after " + std::to_string(attempts) + " attempts";
  v["summary"] = Value::of(util::sanitize_line(summary, 300));

  std::string message, error, phase = "done";
  if (r.failure) {
    phase = std::string(ts::phase_name(r.failure->phase));
    message = r.failure->summary;
    bool server_refusal = r.failure->kind == transport::ErrorKind::rejected && r.failure->reply &&
                          r.failure->reply->code >= 400;
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
    if (r.capabilities && !r.capabilities->domain.empty()) message += " (" + util::sanitize_line(r.capabilities->domain, 80) + ")";
  }
  v["message"] = Value::of(util::sanitize_line(message, 300));
  v["phase"] = Value::of(phase);
  v["error"] = Value::of(error);
  // The reply that tells how the check went: the refusal, else the last reply before QUIT
  // (the message's 250, or EHLO's/AUTH's), never QUIT's 221.
  const ts::Reply* reply = r.failure ? (r.failure->reply ? &*r.failure->reply : nullptr)
                                     : (r.final_reply ? &*r.final_reply : nullptr);
  v["code"] = Value::of(reply ? std::to_string(reply->code) : std::string());
  v["enhanced"] = Value::of(reply && reply->enhanced ? reply->enhanced->to_string() : std::string());
  if (reply) v["code_value"] = Value::of(static_cast<double>(reply->code));

  auto put = [&](const char* key, const std::optional<double>& value) {
    if (value) v[key] = Value::of(*value);
  };
  const ts::Timings& t = r.timings;
  put("lookup", t.dns);
  put("connect", t.connect);
  put("tls_handshake", t.tls_handshake);
  put("banner", t.banner);
  put("ehlo", t.ehlo);
  put("auth", t.auth);
  put("response", t.response);
  put("upload", t.upload);
  put("total", t.total);
  if (r.bytes_sent + r.bytes_received > 0) v["bytes"] = Value::of(static_cast<double>(r.bytes_sent + r.bytes_received));
  put("bytes_per_second", r.upload_bytes_per_second);
  if (r.tls && r.tls->peer_certificate) v["certificate_days"] = Value::of(r.tls->peer_certificate->days_until_expiry);
}

// The greeting as the server sent it: "220 mail.example.com ESMTP".
std::string banner_text(const ts::Result& r) {
  if (!r.banner) return {};
  return std::to_string(r.banner->code) + " " + r.banner->text();
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
  if (expect_banner && !expect_banner->search(banner_text(r)))
    return {"banner", "unexpected_banner", "greeting does not match --expect-banner: " + banner};
  auto commands = o.all("command");
  for (std::size_t i = 0; i < responses.size() && i < r.command_replies.size(); ++i) {
    const ts::Reply& reply = r.command_replies[i];
    std::string text = std::to_string(reply.code) + " " + reply.text();
    if (!responses[i].search(text))
      return {"command", "unexpected_response",
              "invalid response '" + util::sanitize_line(text, 120) + "' to command '" + util::sanitize_line(commands[i], 60) + "'"};
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
  ts::SessionOptions session = session_options(run);
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

  auto retests = util::parse_integer(o.get("retests"), 0, 100);
  if (!retests) throw CheckError("Wrong --retests value '" + o.get("retests") + "'.");
  auto interval = util::parse_number(o.get("retest-interval"));
  if (!interval || *interval < 0) throw CheckError("Wrong --retest-interval value '" + o.get("retest-interval") + "'.");

  ts::Result result;
  Problem problem;
  int attempts = 0;
  while (true) {
    ++attempts;
    result = ts::run_smtp_check(session, run.deadline);
    if (result.failure && result.failure->kind == transport::ErrorKind::config) throw CheckError(result.failure->summary);
    problem = expectation_failure(o, expect_banner, responses, result);
    bool failed = result.failure.has_value() || !problem.empty();
    if (run.verbose) {
      run.report.add_long("attempt " + std::to_string(attempts) + (failed ? " failed:" : ":"));
      for (const auto& entry : result.transcript.entries()) run.report.add_long(transport::Transcript::format(entry));
    }
    if (!failed || attempts > *retests) break;
    double wait_ms = *interval * 1000.0;
    if (static_cast<double>(run.deadline.remaining_ms()) <= wait_ms) break;  // no time left for another attempt
    std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<long long>(wait_ms)));
  }

  if (Problem certificate = certificate_problem(result); !certificate.empty()) problem = std::move(certificate);
  fill_values(session, result, attempts, problem, run.groups.front().global);
  if (run.verbose && result.tls) {
    const auto& tls = *result.tls;
    std::string line = "TLS " + tls.protocol + " " + tls.cipher + ", certificate verification: " + tls.verify_message;
    if (tls.peer_certificate)
      line += "; subject " + tls.peer_certificate->subject + ", issuer " + tls.peer_certificate->issuer + ", valid until " +
              tls.peer_certificate->not_after;
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
    "TLS certificates and host names are verified unless --insecure. check_smtp's -H -p -f -e -C -R -F -D -S -A -U -P -q "
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
