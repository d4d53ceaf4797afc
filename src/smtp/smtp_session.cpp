#include "check_mail/smtp/smtp_session.hpp"

#include <unistd.h>

#include <algorithm>
#include <climits>

#include "check_mail/protocol/step_failure.hpp"
#include "check_mail/util/strings.hpp"

namespace check_mail::transport::smtp {
namespace {

std::string local_host_name() {
  char name[HOST_NAME_MAX + 1] = {};
  if (::gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "localhost";
  return name;
}

// "<a@b>" and "a@b" both become "a@b": the angle brackets are added when sending.
std::string bare_address(std::string_view address) {
  if (address.size() >= 2 && address.front() == '<' && address.back() == '>') {
    address = address.substr(1, address.size() - 2);
  }
  return std::string(address);
}

// What a transport failure in a phase is prefixed with in the summary.
std::string_view phase_label(Phase phase) {
  switch (phase) {
    case Phase::banner: return "banner";
    case Phase::ehlo: return "EHLO";
    case Phase::starttls: return "STARTTLS";
    case Phase::auth: return "AUTH";
    case Phase::command: return "command";
    case Phase::mail_from: return "MAIL FROM";
    case Phase::rcpt_to: return "RCPT TO";
    case Phase::data: return "DATA";
    case Phase::message: return "message";
    case Phase::quit: return "QUIT";
    case Phase::dns:
    case Phase::connect:
    case Phase::tls_handshake:
    case Phase::done: break;
  }
  return {};
}

bool is_ascii(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

}  // namespace

std::string Session::mail_parameters(const std::string& sender, const std::vector<std::string>& recipients,
                                     const Message& message) const {
  const Capabilities none;
  const Capabilities& caps = result_.capabilities ? *result_.capabilities : none;
  std::string parameters;
  // An address with non-ASCII characters needs SMTPUTF8 (RFC 6531) all the way: without it a
  // server may accept the message and a later hop bounce it, while the check says OK.
  std::string utf8_address = is_ascii(sender) ? "" : sender;
  for (const std::string& recipient : recipients)
    if (utf8_address.empty() && !is_ascii(recipient)) utf8_address = recipient;
  if (!utf8_address.empty() && !caps.smtputf8) {
    throw TransportError(ErrorKind::unsupported, "the server does not offer SMTPUTF8, which the address '" +
                                                     util::sanitize_line(utf8_address, 80) + "' needs");
  }
  const bool eight_bit = !is_ascii(message.head) || !is_ascii(message.body);
  if (eight_bit && caps.eight_bit_mime) parameters += " BODY=8BITMIME";
  if (!utf8_address.empty()) parameters += " SMTPUTF8";
  if (caps.size) parameters += " SIZE=" + std::to_string(message.size());
  return parameters;
}

std::string_view phase_name(Phase phase) {
  switch (phase) {
    case Phase::dns: return "dns";
    case Phase::connect: return "connect";
    case Phase::tls_handshake: return "tls_handshake";
    case Phase::banner: return "banner";
    case Phase::ehlo: return "ehlo";
    case Phase::starttls: return "starttls";
    case Phase::auth: return "auth";
    case Phase::command: return "command";
    case Phase::mail_from: return "mail_from";
    case Phase::rcpt_to: return "rcpt_to";
    case Phase::data: return "data";
    case Phase::message: return "message";
    case Phase::quit: return "quit";
    case Phase::done: return "done";
  }
  return "unknown";
}

Session::Session(const SessionOptions& options, const Deadline& deadline) : options_(options), deadline_(deadline) {
  result_.transcript = Transcript(deadline.start());
}

Result run_smtp_check(const SessionOptions& options, const Deadline& deadline) {
  return Session(options, deadline).run();
}

Result Session::run() noexcept {
  const auto start = Deadline::Clock::now();
  try {
    try {
      check_options();
      connect();
      read_banner();
      ehlo();
      if (options_.security == Security::starttls) starttls();
      if (options_.auth.kind != sasl::AuthType::Kind::none) authenticate();
      // The replies to -C commands are judged by their expectations, not by their codes: an
      // anti-relay check expects a 550. So they never become the reply that tells how it went.
      std::optional<Reply> before_commands = result_.last_reply;
      if (!options_.extra_commands.empty()) send_extra_commands();
      if (!options_.recipients.empty()) {
        send_message();
        before_commands = result_.last_reply;
      } else {
        mark_response_time();
      }
      result_.final_reply = std::move(before_commands);
      quit();
      phase_ = Phase::done;
    } catch (const TransportError& error) {
      Failure failure;
      failure.phase = phase_;
      failure.kind = error.kind();
      failure.summary = step_failure_summary(phase_label(phase_), error);
      if (error.kind() == ErrorKind::rejected) failure.reply = result_.last_reply;
      const bool closing = failure.reply && failure.reply->code == 421;
      result_.failure = std::move(failure);
      // A polite goodbye, unless the server said 421: it is closing the channel (RFC 5321 3.8),
      // and one that keeps the socket open would only make the check wait.
      if (leaves_dialogue_in_step(error.kind()) && protocol_ && !closing) quit();
    }
  } catch (...) {
    result_.failure = Failure{phase_, ErrorKind::io, internal_error_summary(), std::nullopt};
  }
  SecureConnectionSetup(connection_, protocol_, result_, phase_).close(start, goodbye_at_);
  return std::move(result_);
}

void Session::check_options() const {
  if (options_.auth.kind != sasl::AuthType::Kind::none && options_.security == Security::none &&
      !options_.allow_plaintext_auth) {
    throw TransportError(ErrorKind::config,
                         "refusing to send credentials over an unencrypted connection "
                         "(use STARTTLS or implicit TLS, or allow plaintext authentication)");
  }
  if (options_.auth.kind != sasl::AuthType::Kind::none && options_.username.empty()) {
    throw TransportError(ErrorKind::config, "authentication requested without a user name");
  }
}

void Session::connect() {
  const bool implicit_tls = options_.security == Security::implicit_tls;
  connected_at_ =
      SecureConnectionSetup(connection_, protocol_, result_, phase_)
          .open(options_.endpoint, deadline_, options_.max_line,
                options_.record_transcript ? &result_.transcript : nullptr, implicit_tls ? &options_.tls : nullptr);
}

Reply Session::read_reply() {
  const bool enhanced = result_.capabilities && result_.capabilities->enhanced_status_codes;
  SmtpReplyReader reader(enhanced);
  protocol_->read_reply(reader);
  result_.last_reply = reader.take();
  return *result_.last_reply;
}

Reply Session::command(std::string_view line, std::string_view display) {
  protocol_->send_line(line, display);
  return read_reply();
}

void Session::refuse(std::string_view what, const Reply& reply) {
  throw TransportError(ErrorKind::rejected, std::string(what) + ": " + reply.summary());
}

void Session::send_extra_commands() {
  phase_ = Phase::command;
  for (const std::string& line : options_.extra_commands) result_.command_replies.push_back(command(line));
}

void Session::mark_response_time() {
  if (connection_) result_.timings.response = seconds_since(connected_at_);
}

void Session::read_banner() {
  phase_ = Phase::banner;
  const auto start = Deadline::Clock::now();
  const Reply reply = read_reply();
  result_.banner = reply;
  if (reply.code != 220) refuse("server did not accept the connection", reply);
  result_.timings.banner = seconds_since(start);
}

void Session::ehlo() {
  phase_ = Phase::ehlo;
  const auto start = Deadline::Clock::now();
  const std::string name = options_.helo_name.empty() ? local_host_name() : options_.helo_name;
  Reply reply = command("EHLO " + name);
  if (reply.code == 250) {
    result_.capabilities = parse_ehlo(reply);
  } else if (reply.klass() == 5) {
    // Pre-ESMTP server: HELO works, but nothing is known about its extensions.
    reply = command("HELO " + name);
    if (reply.code != 250) refuse("HELO refused", reply);
    Capabilities caps;
    if (!reply.lines.empty()) caps.domain = reply.lines.front().substr(0, reply.lines.front().find(' '));
    result_.capabilities = std::move(caps);
  } else {
    refuse("EHLO refused", reply);
  }
  result_.timings.ehlo = result_.timings.ehlo.value_or(0) + seconds_since(start);
}

void Session::starttls() {
  phase_ = Phase::starttls;
  if (!result_.capabilities || !result_.capabilities->starttls) {
    throw TransportError(ErrorKind::unsupported, "STARTTLS not offered by server");
  }
  const auto start = Deadline::Clock::now();
  const Reply reply = command("STARTTLS");
  if (reply.code != 220) refuse("STARTTLS refused", reply);
  result_.timings.starttls = seconds_since(start);

  SecureConnectionSetup(connection_, protocol_, result_, phase_).upgrade(options_.tls, deadline_);
  // RFC 3207: forget everything learnt before TLS and ask again.
  result_.capabilities.reset();
  ehlo();
}

void Session::send_message() {
  phase_ = Phase::mail_from;
  const std::string sender = bare_address(options_.mail_from);
  std::vector<std::string> recipients;
  for (const std::string& recipient : options_.recipients) recipients.push_back(bare_address(recipient));

  // The message is composed first: its size goes with MAIL FROM, so a server with a SIZE limit
  // refuses an oversized test message before it is uploaded (RFC 1870).
  MessageOptions message_options = options_.message;
  if (message_options.from.empty()) {
    message_options.from = sender.empty() ? "check_mail <postmaster@" + local_host_name() + ">" : sender;
  }
  if (message_options.to.empty()) message_options.to = recipients;
  const Message message = build_message(message_options, std::chrono::system_clock::now());

  std::string parameters = mail_parameters(sender, recipients, message);
  Reply reply = command("MAIL FROM:<" + sender + ">" + parameters);
  if (reply.code != 250) refuse("MAIL FROM <" + sender + "> refused", reply);

  phase_ = Phase::rcpt_to;
  for (const std::string& recipient : recipients) {
    reply = command("RCPT TO:<" + recipient + ">");
    if (reply.code != 250 && reply.code != 251) refuse("RCPT TO <" + recipient + "> refused", reply);
    result_.accepted_recipients.push_back(recipient);
  }

  phase_ = Phase::data;
  reply = command("DATA");
  if (reply.code != 354) refuse("DATA refused", reply);
  mark_response_time();

  phase_ = Phase::message;
  result_.message_token = message.token;
  result_.message_id = message.message_id;
  result_.sent_epoch = message.sent_epoch;

  const auto start = Deadline::Clock::now();
  DataEncoder encoder([this](std::string_view bytes) { protocol_->send_raw(bytes, {}); });
  write_message(message, encoder);
  encoder.finish();
  result_.message_bytes = encoder.bytes_out();
  if (Transcript* transcript = protocol_->transcript()) {
    transcript->client("<message of " + std::to_string(encoder.bytes_out()) + " bytes, " +
                       std::string(tracking_header) + ": " + message.tracking + ">");
  }
  reply = read_reply();
  const double upload = seconds_since(start);
  if (reply.code != 250) refuse("message rejected", reply);
  result_.timings.upload = upload;
  if (upload > 0) result_.upload_bytes_per_second = static_cast<double>(result_.message_bytes) / upload;
}

void Session::quit() {
  phase_ = Phase::quit;
  goodbye_at_ = Deadline::Clock::now();
  const GoodbyeBound bound(*protocol_);
  try {
    const Reply reply = command("QUIT");
    result_.quit_acknowledged = reply.code == 221;
  } catch (const TransportError& error) {
    // The transaction is complete (or already failed): a missing goodbye changes nothing.
    protocol_->note(std::string("QUIT: ") + error.what());
  }
}

}  // namespace check_mail::transport::smtp
