#include "check_mail/mailbox/pop3_session.hpp"

#include <algorithm>

#include "check_mail/mailbox/mail_headers.hpp"
#include "check_mail/sasl/sasl_engine.hpp"
#include "check_mail/util/strings.hpp"
#include "mailbox_internal.hpp"

namespace check_mail::transport::pop3 {
namespace {

using mailbox::Phase;

// TOP n <lines>: the header, plus the first body lines where --use-body puts the token.
constexpr int kBodyLinesForToken = 5;

std::string joined(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& line : lines) text.append(line).append("\r\n");
  return text;
}

}  // namespace

mailbox::Result run_pop3_check(const mailbox::Options& options, const Deadline& deadline) {
  return Session(options, deadline).run();
}

void Session::dialogue() {
  read_greeting();
  capability();
  if (options_.security == mailbox::Security::starttls) starttls();
  login();
  stat();
  if (!options_.search.empty()) search();
  if (result_.found && options_.delete_found) remove();
  say_goodbye();
}

void Session::describe_refusal(mailbox::Failure& failure) const {
  if (!refusal_) return;
  failure.response = refusal_->summary();
  failure.response_code = refusal_->status.code;
}

Reply Session::read(bool multi_line, bool continuation_allowed) {
  Pop3ReplyReader reader(multi_line, continuation_allowed);
  protocol_->read_reply(reader);
  return reader.take();
}

Reply Session::command(std::string_view line, bool multi_line, std::string_view display, bool continuation_allowed) {
  protocol_->send_line(line, display);
  return read(multi_line, continuation_allowed);
}

const Reply& Session::expect_ok(const Reply& reply, std::string_view what) {
  if (reply.ok()) return reply;
  if (reply.continuation()) {
    throw TransportError(ErrorKind::protocol, std::string(what) + ": unexpected continuation from server");
  }
  refusal_ = reply;
  throw TransportError(ErrorKind::rejected, std::string(what) + " refused: " + reply.summary());
}

void Session::read_greeting() {
  phase_ = Phase::greeting;
  const auto start = Deadline::Clock::now();
  const Reply reply = read(false);
  result_.greeting = util::sanitize_line(reply.status.text, 200);
  if (!reply.ok()) {
    refusal_ = reply;
    throw TransportError(ErrorKind::rejected, "server refused the connection: " + reply.summary());
  }
  result_.timings.greeting = seconds_since(start);
}

void Session::capability() {
  phase_ = Phase::capability;
  const Reply reply = command("CAPA", true);
  // RFC 1939 servers without CAPA answer -ERR: nothing is known, the check goes on. A -ERR with
  // a response code (RFC 3206's [SYS/TEMP], [SYS/PERM], RFC 2449's [IN-USE]) is the server
  // refusing the session, e.g. in maintenance: report it, with its code.
  if (!reply.ok() && !reply.continuation() && !reply.status.code.empty()) {
    refusal_ = reply;
    throw TransportError(ErrorKind::rejected, "CAPA refused: " + reply.summary());
  }
  capa_supported_ = reply.ok();
  capabilities_ = capa_supported_ ? parse_capabilities(reply.lines) : Capabilities{};
  result_.capabilities = capabilities_.lines;
}

void Session::starttls() {
  phase_ = Phase::starttls;
  // Without CAPA the server may still know STLS (RFC 2595): ask, and fail if it says no.
  if (capa_supported_ && !capabilities_.has("STLS")) {
    throw TransportError(ErrorKind::unsupported, "STLS not offered by server");
  }
  const auto start = Deadline::Clock::now();
  const Reply reply = command("STLS");
  if (!reply.ok()) {
    refusal_ = reply;
    throw TransportError(ErrorKind::unsupported, "STLS refused: " + reply.summary());
  }
  result_.timings.starttls = seconds_since(start);

  SecureConnectionSetup(connection_, protocol_, result_, phase_).upgrade(options_.tls, deadline_);
  // RFC 2595 4: discard what CAPA said before TLS and ask again.
  capability();
}

void Session::login() {
  phase_ = Phase::login;
  mailbox::detail::require_protected_channel(connection_->is_tls(), options_);
  const std::vector<sasl::Mechanism> candidates =
      mailbox::detail::sasl_candidates(options_, connection_->is_tls(), capabilities_.sasl_mechanisms());
  const auto start = Deadline::Clock::now();
  if (candidates.empty()) {
    expect_ok(command("USER " + options_.username), "USER");
    expect_ok(command("PASS " + options_.password, false, "PASS <redacted>"), "PASS");
  } else {
    result_.auth_mechanism = authenticate(candidates);
  }
  result_.timings.login = seconds_since(start);
  result_.logged_in = true;
}

sasl::Mechanism Session::authenticate(const std::vector<sasl::Mechanism>& candidates) {
  Reply last;
  mailbox::detail::SaslExchange exchange;
  // RFC 5034 4: a server rejects a mechanism it does not support with -ERR to the AUTH command
  // itself. Without an initial response nothing was sent yet, so such a -ERR without a response
  // code (RFC 3206 AUTH, SYS/TEMP, IN-USE say otherwise) counts, and so does one that says "not
  // supported".
  const auto answer = [&](Reply reply) {
    sasl::ServerAnswer answer;
    last = std::move(reply);
    const bool answers_bare_command = exchange.reply_answers_bare_command();
    if (last.continuation()) {
      answer.kind = sasl::ServerAnswer::Kind::challenge;
      answer.challenge = last.status.text;
    } else if (last.ok()) {
      answer.kind = sasl::ServerAnswer::Kind::success;
    } else {
      answer.unsupported =
          mailbox::detail::refusal_says_unsupported(answers_bare_command, last.status.code, last.status.text);
    }
    return answer;
  };
  sasl::Adapter adapter;
  // RFC 5034 4: the AUTH line, initial response and CRLF included, stays within 255 octets.
  adapter.initial_response_fits = [](std::string_view mechanism, std::size_t size) {
    return std::string_view("AUTH ").size() + mechanism.size() + 1 + size + 2 <= 255;
  };
  adapter.start = [&](std::string_view mechanism, const std::optional<sasl::ClientMessage>& initial) {
    exchange.started(initial.has_value());
    result_.auth_mechanism = sasl::parse_mechanism(mechanism);  // the one tried, for a refusal too
    const std::string line = "AUTH " + std::string(mechanism);
    if (!initial) return answer(command(line, false, {}, true));
    return answer(command(line + " " + initial->wire, false, line + " " + initial->shown, true));
  };
  adapter.respond = [&](const sasl::ClientMessage& response) {
    return answer(command(response.wire, false, response.shown, true));
  };
  adapter.cancel = [&] { return answer(command("*", false, "*", true)); };
  adapter.refused = [&](std::string_view mechanism) { (void)expect_ok(last, "AUTH " + std::string(mechanism)); };
  adapter.note = [&](std::string_view text) { protocol_->note(text); };

  sasl::Credentials credentials = mailbox::detail::sasl_credentials(options_);
  credentials.channel_binding = connection_->channel_binding();
  return sasl::authenticate(adapter, candidates, credentials, {capabilities_.sasl_mechanisms()});
}

void Session::stat() {
  phase_ = Phase::mailbox;
  const auto start = Deadline::Clock::now();
  const MaildropSize size = parse_stat(expect_ok(command("STAT"), "STAT").status.text);
  result_.message_count = size.messages;
  result_.mailbox_bytes = size.octets;
  result_.timings.mailbox = seconds_since(start);
}

bool Session::matches(std::uint64_t number, const Reply& top, mailbox::FoundMessage& found) const {
  const std::string text = joined(top.lines);
  const auto fields = mail::parse_header_block(text);
  const mailbox::Search& wanted = options_.search;
  std::optional<mail::Tracking> tracking;
  if (wanted.in_body) {
    const std::size_t body = text.find("\r\n\r\n");
    if (body != std::string::npos) tracking = mail::tracking_in_body(std::string_view(text).substr(body + 4));
  } else {
    tracking = mail::tracking_in_headers(fields);
  }
  const std::string subject = mail::decode_header_text(mail::header_value(fields, "Subject").value_or(""));
  const auto& tokens = wanted.tokens;
  if (!tokens.empty() && (!tracking || std::find(tokens.begin(), tokens.end(), tracking->token) == tokens.end())) {
    return false;
  }
  if (!wanted.subject.empty() && !mail::contains_ignoring_case(subject, wanted.subject)) return false;

  found.number = number;
  found.id = std::to_string(number);
  if (tracking) {
    found.token = tracking->token;
    found.sent_epoch = tracking->sent_epoch;
  }
  if (const auto date = mail::header_value(fields, "Date")) found.date_epoch = mail::parse_rfc5322_date(*date);
  if (const auto received = mail::header_value(fields, "Received"))
    found.received_epoch = mail::received_date(*received);
  found.subject = util::sanitize_line(subject, 200);
  return true;
}

void Session::search() {
  phase_ = Phase::search;
  const auto start = Deadline::Clock::now();
  const std::uint64_t count = result_.message_count.value_or(0);
  // Newest first: the message searched for is usually the last one delivered. A subject alone
  // wants the newest match; tokens every message carrying one (each token is sent once).
  const std::uint64_t oldest = count > options_.max_scanned_messages ? count - options_.max_scanned_messages + 1 : 1;
  const int body_lines = options_.search.in_body ? kBodyLinesForToken : 0;
  const std::size_t wanted_count =
      options_.search.tokens.empty() ? 1 : std::min(options_.search.tokens.size(), options_.max_found_messages);
  double reading = 0;
  for (std::uint64_t number = count; number >= oldest && number > 0; --number) {
    const auto top_start = Deadline::Clock::now();
    const Reply top = command("TOP " + std::to_string(number) + " " + std::to_string(body_lines), true);
    if (!top.ok()) {
      refusal_ = top;
      throw TransportError(ErrorKind::unsupported, "TOP " + std::to_string(number) + " refused: " + top.summary());
    }
    mailbox::FoundMessage found;
    if (!matches(number, top, found)) continue;
    found.seen_at = Deadline::Clock::now();
    // The unique id of this message only: a whole UIDL listing grows with the maildrop.
    if (const Reply uidl = command("UIDL " + std::to_string(number)); uidl.ok()) {
      found.id = parse_listing_line(uidl.status.text).value;
    }
    reading += seconds_since(top_start);
    result_.found_all.push_back(std::move(found));
    if (result_.found_all.size() >= wanted_count) break;
  }
  if (!result_.found_all.empty()) {
    result_.found = result_.found_all.front();
    result_.timings.fetch = reading;
  }
  result_.searched = true;
  result_.timings.search = seconds_since(start);
}

void Session::remove() {
  phase_ = Phase::remove;
  const auto start = Deadline::Clock::now();
  remove_found([&] {
    for (const mailbox::FoundMessage& found : result_.found_all) {
      expect_ok(command("DELE " + std::to_string(found.number)), "DELE");
    }
    delete_pending_ = true;
    result_.timings.remove = seconds_since(start);
  });
}

void Session::quit() {
  phase_ = Phase::logout;
  const auto start = Deadline::Clock::now();
  try {
    const Reply reply = command("QUIT");
    result_.logout_acknowledged = reply.ok();
    result_.timings.logout = seconds_since(start);
    if (delete_pending_ && !reply.ok()) {
      // RFC 1939 6: the server could not remove the messages marked for deletion.
      protocol_->note("QUIT refused: the deleted message was not removed");
      result_.delete_problem = "QUIT refused: " + reply.summary();
    }
    result_.deleted = delete_pending_ && reply.ok();
  } catch (const TransportError& error) {
    protocol_->note(std::string("QUIT: ") + error.what());
    if (delete_pending_) result_.delete_problem = std::string("QUIT (which commits DELE): ") + error.what();
  }
}

}  // namespace check_mail::transport::pop3
