// The login step of the IMAP session: the LOGIN command, or AUTHENTICATE through the SASL
// engine's IMAP adapter (RFC 3501 6.2.2, RFC 4959 SASL-IR). Credentials appear in the
// transcript only as "<redacted>".
#include "check_mail/mailbox/imap_session.hpp"
#include "check_mail/sasl/sasl_engine.hpp"
#include "mailbox_internal.hpp"

namespace check_mail::transport::imap {

using mailbox::Phase;

void Session::login() {
  phase_ = Phase::login;
  if (preauthenticated_) {
    result_.logged_in = true;
    return;
  }
  mailbox::detail::require_protected_channel(connection_->is_tls(), options_);
  const std::vector<sasl::Mechanism> candidates =
      mailbox::detail::sasl_candidates(options_, connection_->is_tls(), capabilities_.auth_mechanisms());
  const auto start = Deadline::Clock::now();
  capabilities_known_ = false;  // until the server says what it offers after login
  if (candidates.empty()) {
    if (capabilities_.has("LOGINDISABLED")) {
      throw TransportError(ErrorKind::unsupported, "server refuses LOGIN here (LOGINDISABLED)");
    }
    const Reply reply = command({atom("LOGIN"), string(options_.username), string(options_.password, true)});
    update_capabilities(expect_ok(reply, "LOGIN"));
  } else {
    result_.auth_mechanism = authenticate(candidates);
  }
  result_.timings.login = seconds_since(start);
  result_.logged_in = true;
  // Capabilities often grow after login (Dovecot sends them in the OK); ask if they did not come.
  if (!capabilities_known_) {
    phase_ = Phase::capability;
    capability();
  }
}

sasl::Mechanism Session::authenticate(const std::vector<sasl::Mechanism>& candidates) {
  Reply last;
  mailbox::detail::SaslExchange exchange;
  // RFC 3501 6.2.2: BAD (the mechanism name is not understood) and NO [CANNOT] (RFC 5530) say
  // the mechanism cannot be used; so does a NO to the command itself when nothing was sent
  // yet and no response code tells otherwise, and a refusal that says "not supported".
  const auto answer = [&](Reply reply) {
    sasl::ServerAnswer answer;
    last = std::move(reply);
    const bool answers_bare_command = exchange.reply_answers_bare_command();
    if (last.final.kind == Response::Kind::continuation) {
      answer.kind = sasl::ServerAnswer::Kind::challenge;
      answer.challenge = last.final.text;
      return answer;
    }
    const auto status = parse_status(last.final.text);
    if (last.final.kind == Response::Kind::tagged && status) {
      if (status->condition == StatusResponse::Condition::ok) {
        answer.kind = sasl::ServerAnswer::Kind::success;
      } else {
        answer.unsupported =
            status->condition == StatusResponse::Condition::bad || status->code == "CANNOT" ||
            mailbox::detail::refusal_says_unsupported(answers_bare_command, status->code, status->text);
      }
    }
    return answer;
  };
  sasl::Adapter adapter;
  adapter.initial_response_fits = [&](std::string_view, std::size_t) { return capabilities_.has("SASL-IR"); };
  adapter.start = [&](std::string_view mechanism, const std::optional<sasl::ClientMessage>& initial) {
    exchange.started(initial.has_value());
    result_.auth_mechanism = sasl::parse_mechanism(mechanism);  // the one tried, for a refusal too
    std::vector<Argument> arguments{atom("AUTHENTICATE"), atom(std::string(mechanism))};
    if (initial) arguments.push_back(Argument{initial->wire, false, true});
    return answer(command(arguments, true));
  };
  adapter.respond = [&](const sasl::ClientMessage& response) {
    return answer(continue_command(last.tag, response.wire, response.shown));
  };
  adapter.cancel = [&] { return answer(continue_command(last.tag, "*", "*")); };
  adapter.refused = [&](std::string_view mechanism) {
    (void)expect_ok(last, "AUTHENTICATE " + std::string(mechanism));
  };
  adapter.note = [&](std::string_view text) { protocol_->note(text); };

  sasl::Credentials credentials = mailbox::detail::sasl_credentials(options_);
  credentials.channel_binding = connection_->channel_binding();
  const sasl::Mechanism mechanism =
      sasl::authenticate(adapter, candidates, credentials, {capabilities_.auth_mechanisms()});
  update_capabilities(last);
  return mechanism;
}

}  // namespace check_mail::transport::imap
