#include "check_mail/modes/mail/mail_options.hpp"

#include <unistd.h>

#include <array>

#include "check_mail/modes/mail/oauth_access.hpp"
#include "check_mail/modes/mail/oauth_options.hpp"
#include "check_mail/modes/mode.hpp"
#include "check_mail/util/secrets.hpp"
#include "check_mail/util/strings.hpp"

namespace check_mail::modes::mail {
namespace {

constexpr std::array<ProtocolTraits, 3> kTraits = {{
    {"SMTP", "smtp", 25, 465, "CHECK_MAIL_SMTP_PASSWORD", "none"},
    {"IMAP", "imap", 143, 993, "CHECK_MAIL_IMAP_PASSWORD", "login"},
    {"POP3", "pop3", 110, 995, "CHECK_MAIL_POP3_PASSWORD", "login"},
}};

// auto's order from the mechanism table, for the help; the mailbox protocols use their own
// login command instead of SASL LOGIN.
std::string auto_order(Protocol protocol) {
  std::vector<std::string> names;
  for (const transport::sasl::MechanismInfo& m : transport::sasl::mechanisms()) {
    const bool used = m.auto_over_tls || m.auto_without_tls;
    if (used && !(protocol != Protocol::smtp && m.mechanism == transport::sasl::Mechanism::login)) {
      names.emplace_back(m.name);
    }
  }
  return util::join(names, ", ");
}

// Where an option exists: in the protocol's own mode, in roundtrip's shared set, per leg.
struct Presence {
  bool standalone, shared, leg;
};

// One connection option, declared once for every scope.
struct Field {
  std::string name;
  std::string value_name;
  std::string help;
  std::string default_value;
  std::string shorts;  // one-letter names, not for a leg's own options (--smtp-port has none)
  Presence presence;
  bool tls;  // listed under the TLS section
};

std::vector<Field> fields(Protocol protocol) {
  const ProtocolTraits& t = traits(protocol);
  const std::string name(t.name);
  const std::string ports =
      std::to_string(t.plain_port) + ", or " + std::to_string(t.tls_port) + " with --security=ssl";
  const std::string auths =
      protocol == Protocol::smtp
          ? transport::sasl::auth_type_list(true) +
                ". auto tries what the server offers in this order: " + auto_order(protocol) + "."
          : transport::sasl::auth_type_list(false) + ". login is the " +
                std::string(protocol == Protocol::imap ? "LOGIN command" : "USER/PASS commands") +
                ", the others are SASL. auto tries the SASL mechanisms the server offers in this order: " +
                auto_order(protocol) + "; else login.";
  const std::string starttls(transport::upgrade_command(protocol));
  return {
      {"hostname", "HOST", name + " server host name or address.", "", "H", {true, true, true}, false},
      {"port", "PORT", name + " port (default " + ports + ").", "", "p", {true, false, true}, false},
      {"ipv4", "", "Connect over IPv4 only.", "", "4", {true, true, false}, false},
      {"ipv6", "", "Connect over IPv6 only.", "", "6", {true, true, false}, false},
      {"security",
       "none|ssl|starttls",
       "Plain text, implicit TLS from the first byte, or " + starttls + " (then mandatory).",
       "none",
       "",
       {true, false, true},
       false},
      {"auth-type", "TYPE", auths, std::string(t.default_auth), "", {true, false, true}, false},
      {"username", "USER", "User name to log in with.", "", "U", {true, true, true}, false},
      {"password",
       "PASSWORD",
       "Password (or --password-file, or " + std::string(t.password_env) + ").",
       "",
       "P",
       {true, true, true},
       false},
      {"password-file",
       "FILE",
       "Read the password from the first line of this file (mode 0600).",
       "",
       "",
       {true, true, true},
       false},
      {"allow-plaintext-auth",
       "",
       "Allow sending credentials over a connection without TLS (refused otherwise).",
       "",
       "",
       {true, true, false},
       false},
      {"insecure", "", "Do not verify the server certificate and host name.", "", "", {true, true, true}, true},
      {"cafile",
       "FILE",
       "CA certificates (PEM) to verify the server with, instead of the system store.",
       "",
       "",
       {true, true, true},
       true},
      {"capath", "DIR", "Hashed directory of CA certificates.", "", "", {true, true, false}, true},
      {"tls-servername",
       "NAME",
       "Name to send as SNI and to verify the certificate against (default: the host name).",
       "",
       "",
       {true, true, true},
       true},
      {"ssl-cert-file", "FILE", "Client certificate (PEM).", "", "", {true, true, false}, true},
      {"ssl-key-file",
       "FILE",
       "Client certificate key (PEM; default: in --ssl-cert-file).",
       "",
       "",
       {true, true, false},
       true},
      {"ssl-key-password",
       "PASSWORD",
       "Password of the client key (or --ssl-key-password-file, or CHECK_MAIL_SSL_KEY_PASSWORD).",
       "",
       "",
       {true, true, false},
       true},
      {"ssl-key-password-file",
       "FILE",
       "Read the client key password from this file.",
       "",
       "",
       {true, true, false},
       true},
      {"ssl-cipher-suite", "LIST", "OpenSSL cipher list (TLS 1.2 and older).", "", "", {true, true, false}, true},
      {"tls-min-version",
       "VERSION",
       "Oldest TLS version accepted: 1.0, 1.1, 1.2 or 1.3.",
       "1.2",
       "",
       {true, true, false},
       true},
  };
}

// --mode=smtp keeps check_smtp's vocabulary: SASL wording, its long aliases and -A.
struct SmtpModeWording {
  std::string_view name;
  std::string_view help;  // empty: unchanged
  std::string_view shorts;
  std::vector<std::string> aliases;
};

void use_smtp_mode_wording(cli::OptionSpec& spec) {
  static const std::array<SmtpModeWording, 8> kWording = {{
      {"hostname", "SMTP server host name or address (required).", "", {}},
      {"port", "SMTP port (default 25, or 465 with --security=ssl; 587 is the usual submission port).", "", {}},
      {"auth-type", "", "A", {"authtype"}},
      {"username", "SASL user name.", "", {"authuser"}},
      {"password", "SASL password (or --password-file, or CHECK_MAIL_SMTP_PASSWORD).", "", {"authpass"}},
      {"password-file", "Read the SASL password from the first line of this file (mode 0600).", "", {}},
      {"allow-plaintext-auth", "Allow AUTH over a connection without TLS (refused otherwise).", "", {}},
      {"tls-servername", "Name to send as SNI and to verify the certificate against (default: --hostname).", "", {}},
  }};
  for (const SmtpModeWording& wording : kWording) {
    if (spec.name != wording.name) continue;
    if (!wording.help.empty()) spec.help = wording.help;
    if (!wording.shorts.empty()) spec.short_names = wording.shorts;
    spec.aliases = wording.aliases;
  }
}

bool present_in(const Field& field, Scope scope) {
  switch (scope) {
    case Scope::standalone: return field.presence.standalone;
    case Scope::shared: return field.presence.shared;
    case Scope::leg: return field.presence.leg;
  }
  return false;
}

// Reads the options of one scope, a leg falling back to the shared option.
class Reader {
public:
  Reader(const cli::Options& options, Protocol protocol, Scope scope)
      : options_(options), prefix_(scope == Scope::leg ? std::string(traits(protocol).key) + "-" : "") {}

  [[nodiscard]] std::string get(const std::string& name) const {
    if (prefix_.empty() || options_.given(prefix_ + name)) return options_.get(prefix_ + name);
    return options_.get(name);
  }
  // Leg-only options (port, security, auth-type) have no shared fallback.
  [[nodiscard]] std::string own(const std::string& name) const { return options_.get(prefix_ + name); }
  [[nodiscard]] bool flag(const std::string& name) const {
    return (!prefix_.empty() && options_.flag(prefix_ + name)) || options_.flag(name);
  }
  [[nodiscard]] std::string option_name(const std::string& name) const { return "--" + prefix_ + name; }
  [[nodiscard]] const std::string& prefix() const { return prefix_; }

private:
  const cli::Options& options_;
  std::string prefix_;
};

std::optional<std::string> secret(const cli::Options& options, const std::string& option, const std::string& env,
                                  const std::string& what, output::Report& report) {
  util::SecretSource source{options.get(option), options.given(option), options.get(option + "-file"), env};
  try {
    auto value = util::resolve_secret(source, what);
    if (!value) return std::nullopt;
    for (const std::string& warning : value->warnings) report.add_long(warning);
    return value->value;
  } catch (const std::runtime_error& e) {
    throw CheckError(e.what());
  }
}

}  // namespace

transport::sasl::AuthType effective_auth(const ConnectionSettings& s) {
  return s.token_source && !s.auth_type_given ? transport::sasl::AuthType::automatic() : s.auth;
}

void require_token_source(const ConnectionSettings& s) {
  if (s.auth.kind == transport::sasl::AuthType::Kind::mechanism && is_oauth(s.auth.mechanism) && !s.token_source) {
    throw CheckError(std::string(transport::sasl::mechanism_name(s.auth.mechanism)) +
                     " needs an OAuth token source (--oauth-token-file, CHECK_MAIL_OAUTH_TOKEN, --oauth-token-url or "
                     "--oauth-tenant).");
  }
}

const ProtocolTraits& traits(Protocol protocol) { return kTraits[static_cast<std::size_t>(protocol)]; }

Protocol from_mailbox(transport::mailbox::Protocol protocol) {
  return protocol == transport::mailbox::Protocol::imap ? Protocol::imap : Protocol::pop3;
}

std::vector<cli::OptionSpec> connection_option_specs(Protocol protocol, Scope scope, const std::string& section,
                                                     const std::string& tls_section) {
  const std::string prefix = scope == Scope::leg ? std::string(traits(protocol).key) + "-" : "";
  const std::string leg_note = scope == Scope::leg ? " " + std::string(traits(protocol).name) + " leg only." : "";
  std::vector<cli::OptionSpec> specs;
  for (const Field& field : fields(protocol)) {
    if (!present_in(field, scope)) continue;
    cli::OptionSpec spec;
    spec.name = prefix + field.name;
    spec.value_name = field.value_name;
    spec.help = field.help;
    if (scope == Scope::shared) {
      spec.help = util::replace_all(spec.help, std::string(traits(protocol).name) + " server", "Mail server");
      spec.help = util::replace_all(spec.help, std::string(traits(protocol).password_env), "CHECK_MAIL_<LEG>_PASSWORD");
      spec.help += field.presence.leg ? " Both legs, unless the leg's own option is given." : " Both legs.";
    }
    if (scope == Scope::leg) {
      // The leg's own forms: "--imap-security", "--imap-password-file".
      spec.help = util::replace_all(spec.help, "--security", "--" + prefix + "security");
      spec.help = util::replace_all(spec.help, "--password-file", "--" + prefix + "password-file");
    }
    spec.help += leg_note;
    spec.default_value = field.default_value;
    if (scope != Scope::leg) spec.short_names = field.shorts;
    spec.section = field.tls ? tls_section : section;
    if (protocol == Protocol::smtp && scope == Scope::standalone) use_smtp_mode_wording(spec);
    specs.push_back(std::move(spec));
  }
  // One token source per check: roundtrip takes it once for both legs.
  if (scope != Scope::leg) {
    auto oauth = oauth_option_specs(scope == Scope::shared);
    specs.insert(specs.end(), oauth.begin(), oauth.end());
  }
  return specs;
}

ConnectionSettings read_connection(const cli::Options& options, Protocol protocol, Scope scope,
                                   output::Report& report) {
  const Reader r(options, protocol, scope);
  const ProtocolTraits& t = traits(protocol);
  ConnectionSettings s;
  s.protocol = protocol;
  s.endpoint.host = r.get("hostname");
  if (s.endpoint.host.empty()) {
    throw CheckError(scope == Scope::leg ? "Need to specify --hostname (or " + r.option_name("hostname") + ")."
                                         : std::string("Need to specify --hostname option."));
  }
  if (options.flag("ipv4") && options.flag("ipv6")) throw CheckError("-4 and -6 exclude each other.");
  s.endpoint.family = options.flag("ipv4")   ? transport::AddressFamily::ipv4
                      : options.flag("ipv6") ? transport::AddressFamily::ipv6
                                             : transport::AddressFamily::any;

  // --mode=smtp takes check_smtp's spellings only; the other modes and the legs also "plain" and "stls".
  const bool smtp_mode = protocol == Protocol::smtp && scope == Scope::standalone;
  const auto security = transport::parse_security(r.own("security"), !smtp_mode);
  if (!security) {
    throw CheckError("Unknown value '" + util::sanitize_line(r.own("security"), 40) + "' for " +
                     r.option_name("security") + " (none, ssl or starttls).");
  }
  s.security = *security;

  std::string port = r.own("port");
  if (port.empty()) port = std::to_string(s.security == Security::implicit_tls ? t.tls_port : t.plain_port);
  const auto parsed_port = util::parse_integer(port, 1, 65535);
  if (!parsed_port)
    throw CheckError("Wrong " + r.option_name("port") + " value '" + util::sanitize_line(port, 40) + "' (1-65535).");
  s.endpoint.port = static_cast<std::uint16_t>(*parsed_port);

  s.tls.insecure = r.flag("insecure");
  // The would-be verdict of an insecure check is only shown in the long output.
  s.tls.evaluate_when_insecure = options.flag("verbose") || options.flag("debug");
  s.tls.ca_file = r.get("cafile");
  s.tls.server_name = r.get("tls-servername");
  // Not per leg: one client identity and one trust store per check.
  s.tls.ca_path = options.get("capath");
  s.tls.cert_file = options.get("ssl-cert-file");
  s.tls.key_file = options.get("ssl-key-file");
  s.tls.key_password =
      secret(options, "ssl-key-password", "CHECK_MAIL_SSL_KEY_PASSWORD", "client key password", report).value_or("");
  s.tls.ciphers = options.get("ssl-cipher-suite");
  const auto version = transport::parse_tls_version(options.get("tls-min-version"));
  if (!version) {
    throw CheckError("Unknown value '" + util::sanitize_line(options.get("tls-min-version"), 40) +
                     "' for --tls-min-version (1.0 to 1.3).");
  }
  s.tls.min_version = *version;

  const auto auth = transport::sasl::parse_auth_type(r.own("auth-type"));
  if (!auth || (protocol != Protocol::smtp && auth->kind == transport::sasl::AuthType::Kind::none)) {
    throw CheckError("Unknown value '" + util::sanitize_line(r.own("auth-type"), 40) + "' for " +
                     r.option_name("auth-type") + " (" + transport::sasl::auth_type_list(protocol == Protocol::smtp) +
                     ").");
  }
  s.auth = *auth;
  s.auth_type_given = options.given(r.prefix() + "auth-type");
  s.username = r.get("username");
  const std::string what = std::string(t.name) + " password";
  std::optional<std::string> password;
  if (!r.prefix().empty()) password = secret(options, r.prefix() + "password", "", what, report);
  if (!password) password = secret(options, "password", std::string(t.password_env), what, report);
  s.password = password.value_or("");
  util::register_login(s.username, s.password);
  s.allow_plaintext_auth = options.flag("allow-plaintext-auth");
  return s;
}

transport::mailbox::Options to_mailbox_options(const ConnectionSettings& s) {
  transport::mailbox::Options o;
  o.endpoint = s.endpoint;
  o.security = s.security;
  o.tls = s.tls;
  o.auth = effective_auth(s);
  const std::string name(traits(s.protocol).name);
  if (s.username.empty()) throw CheckError(name + " needs --username.");
  require_token_source(s);
  if (s.password.empty() && !uses_token(s.auth, s.token_source)) {
    throw CheckError(name + " needs --password (or --password-file, or " +
                     std::string(traits(s.protocol).password_env) + ").");
  }
  o.username = s.username;
  o.password = s.password;
  o.allow_plaintext_auth = s.allow_plaintext_auth;
  return o;
}

transport::smtp::SessionOptions to_smtp_options(const ConnectionSettings& s) {
  transport::smtp::SessionOptions o;
  o.endpoint = s.endpoint;
  o.security = s.security;
  o.tls = s.tls;
  o.auth = effective_auth(s);
  if (o.auth.kind != transport::sasl::AuthType::Kind::none) {
    if (s.username.empty()) throw CheckError("SMTP authentication needs --username (or --smtp-username).");
    require_token_source(s);
    if (s.password.empty() && !uses_token(s.auth, s.token_source))
      throw CheckError("SMTP authentication needs --password (or --smtp-password).");
    o.username = s.username;
    o.password = s.password;
  }
  o.allow_plaintext_auth = s.allow_plaintext_auth;
  o.helo_name = local_host_name();
  return o;
}

std::string auth_text(Protocol protocol, transport::sasl::AuthType requested,
                      const std::optional<transport::sasl::Mechanism>& mechanism, bool own_login,
                      const std::string& username) {
  namespace sasl = transport::sasl;
  if (requested.kind == sasl::AuthType::Kind::none) return "no auth";
  const std::string command = protocol == Protocol::imap ? "AUTHENTICATE" : "AUTH";
  const bool automatic = requested.kind == sasl::AuthType::Kind::automatic;
  std::string method;
  if (mechanism) {
    method = command + " " + std::string(sasl::mechanism_name(*mechanism));
  } else if (own_login || (protocol != Protocol::smtp && requested.is(sasl::Mechanism::login))) {
    // The mailbox protocols' own command: what login means there, and auto's last resort.
    method = protocol == Protocol::imap ? "LOGIN" : "USER/PASS";
  } else if (!automatic) {
    method = command + " " + std::string(sasl::mechanism_name(requested.mechanism));
  } else {
    method = command + " (not reached)";  // auto, and the check ended before choosing
  }
  return method + " as " + util::sanitize_line(username, 80);
}

std::string local_host_name() {
  char name[256] = {0};
  if (::gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "localhost";
  return name;
}

}  // namespace check_mail::modes::mail
