// The IMAP session: the whole run, the connection, the command machinery (tags, quoted strings
// and literals, tagged replies), greeting, capabilities, STARTTLS and LOGOUT. Login is in
// imap_session_auth.cpp, the mailbox steps in imap_session_mailbox.cpp.
#include "check_mail/mailbox/imap_session.hpp"

#include <cstdio>

#include "check_mail/util/strings.hpp"
#include "mailbox_internal.hpp"

namespace check_mail::transport::imap {

using mailbox::Phase;

mailbox::Result run_imap_check(const mailbox::Options& options, const Deadline& deadline) {
  return Session(options, deadline).run();
}

void Session::dialogue() {
  read_greeting();
  if (!capabilities_known_) capability();
  if (options_.security == mailbox::Security::starttls) starttls();
  login();
  open_mailbox();
  if (!options_.search.empty()) search();
  if (result_.found && options_.delete_found) remove();
  say_goodbye();
}

void Session::describe_refusal(mailbox::Failure& failure) const {
  if (!refusal_) return;
  failure.response = refusal_->summary();
  failure.response_code = refusal_->code;
}

bool Session::may_say_goodbye() const { return !(refusal_ && refusal_->condition == StatusResponse::Condition::bye); }

std::string Session::next_tag() {
  char tag[16];
  std::snprintf(tag, sizeof tag, "A%04u", ++tag_counter_);
  return tag;
}

Session::Reply Session::read(const std::string& tag, bool stop_at_continuation) {
  ImapReplyReader reader(tag, stop_at_continuation);
  protocol_->read_reply(reader);
  return Reply{tag, std::move(reader.untagged), std::move(reader.final)};
}

Session::Reply Session::command(const std::vector<Argument>& arguments, bool stop_at_continuation) {
  const std::string tag = next_tag();
  const bool literal_plus = capabilities_.has("LITERAL+");
  std::string line = tag;
  std::string display = tag;
  for (const Argument& argument : arguments) {
    line += ' ';
    display += ' ';
    if (!argument.is_string) {
      line += argument.text;
      display += argument.secret ? "<redacted>" : argument.text;
      continue;
    }
    if (argument.text.find('\0') != std::string::npos) {
      throw TransportError(ErrorKind::config, "an IMAP argument cannot contain a NUL byte");
    }
    if (const auto quoted = quote(argument.text)) {
      line += *quoted;
      display += argument.secret ? "<redacted>" : *quoted;
      continue;
    }
    // 8-bit text (UTF-8 user names, passwords, subjects) goes as a literal: "{n}" ends the line,
    // the server says "+" (unless LITERAL+), then the bytes follow and the command goes on.
    const std::string marker = "{" + std::to_string(argument.text.size()) + (literal_plus ? "+}" : "}");
    protocol_->send_line(line + marker, display + marker);
    if (!literal_plus) {
      Reply reply = read(tag, true);
      if (reply.final.kind != Response::Kind::continuation) return reply;  // refused before the literal
    }
    protocol_->send_raw(argument.text, argument.secret ? "<redacted literal>" : argument.text);
    line.clear();
    display.clear();
  }
  protocol_->send_line(line, display.empty() ? std::string_view("<end of command>") : std::string_view(display));
  return read(tag, stop_at_continuation);
}

Session::Reply Session::continue_command(const std::string& tag, std::string_view line, std::string_view display) {
  protocol_->send_line(line, display);
  return read(tag, true);
}

const Session::Reply& Session::expect_ok(const Reply& reply, std::string_view what) {
  const Response& final = reply.final;
  if (final.kind == Response::Kind::continuation) {
    throw TransportError(ErrorKind::protocol, std::string(what) + ": unexpected continuation request");
  }
  const auto status = parse_status(final.text);
  if (!status) {
    throw TransportError(ErrorKind::protocol,
                         std::string(what) + ": malformed response '" + util::sanitize_line(final.text, 80) + "'");
  }
  if (final.kind == Response::Kind::untagged) {  // BYE: the server is closing the session
    refusal_ = status;
    throw TransportError(ErrorKind::rejected, std::string(what) + ": server ended the session: " + status->summary());
  }
  if (status->condition == StatusResponse::Condition::ok) return reply;
  refusal_ = status;
  throw TransportError(ErrorKind::rejected, std::string(what) + " refused: " + status->summary());
}

void Session::update_capabilities(const Reply& reply) {
  for (const Response& response : reply.untagged) {
    if (response.text.size() >= 10 && util::iequals(response.text.substr(0, 10), "CAPABILITY")) {
      capabilities_ = parse_capabilities(std::string_view(response.text).substr(10));
      capabilities_known_ = true;
    }
  }
  if (const auto status = parse_status(reply.final.text); status && status->code == "CAPABILITY") {
    capabilities_ = parse_capabilities(status->code_arguments);
    capabilities_known_ = true;
  }
  if (capabilities_known_) result_.capabilities = capabilities_.names;
}

void Session::read_greeting() {
  phase_ = Phase::greeting;
  const auto start = Deadline::Clock::now();
  Reply reply = read("", false);
  const auto status = parse_status(reply.final.text);
  if (reply.final.kind != Response::Kind::untagged || !status) {
    // A POP3 server's "+OK ..." is a continuation to the IMAP parser: quote it as it came.
    const std::string& received =
        reply.final.kind == Response::Kind::continuation ? reply.final.line : reply.final.text;
    throw TransportError(ErrorKind::protocol, "not an IMAP greeting: " + util::sanitize_line(received, 120));
  }
  result_.greeting = util::sanitize_line(status->text, 200);
  if (status->condition == StatusResponse::Condition::bye) {
    refusal_ = status;
    throw TransportError(ErrorKind::rejected, "server refused the connection: " + status->summary());
  }
  if (status->condition != StatusResponse::Condition::ok && status->condition != StatusResponse::Condition::preauth) {
    throw TransportError(ErrorKind::protocol, "not an IMAP greeting: " + status->summary());
  }
  preauthenticated_ = status->condition == StatusResponse::Condition::preauth;
  update_capabilities(reply);
  result_.timings.greeting = seconds_since(start);
}

void Session::capability() {
  phase_ = Phase::capability;
  update_capabilities(expect_ok(command({atom("CAPABILITY")}), "CAPABILITY"));
}

void Session::starttls() {
  phase_ = Phase::starttls;
  if (preauthenticated_) {
    throw TransportError(ErrorKind::unsupported, "server pre-authenticated the connection: STARTTLS is impossible");
  }
  if (!capabilities_.has("STARTTLS")) throw TransportError(ErrorKind::unsupported, "STARTTLS not offered by server");
  const auto start = Deadline::Clock::now();
  expect_ok(command({atom("STARTTLS")}), "STARTTLS");
  result_.timings.starttls = seconds_since(start);

  SecureConnectionSetup(connection_, protocol_, result_, phase_).upgrade(options_.tls, deadline_);
  // RFC 3501 6.2.1: what was learnt before TLS may have been forged; ask again.
  capabilities_ = Capabilities{};
  capabilities_known_ = false;
  capability();
}

void Session::logout() {
  phase_ = Phase::logout;
  const auto start = Deadline::Clock::now();
  try {
    const std::string tag = next_tag();
    protocol_->send_line(tag + " LOGOUT");
    ImapReplyReader reader(tag, false, /*stop_at_bye=*/false);
    protocol_->read_reply(reader);
    const auto status = parse_status(reader.final.text);
    result_.logout_acknowledged = status && status->condition == StatusResponse::Condition::ok;
    result_.timings.logout = seconds_since(start);
  } catch (const TransportError& error) {
    // The check is complete (or already failed): a missing goodbye changes nothing.
    protocol_->note(std::string("LOGOUT: ") + error.what());
  }
}

}  // namespace check_mail::transport::imap
