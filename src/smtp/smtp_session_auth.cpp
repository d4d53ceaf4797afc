// The AUTH step of the SMTP session (RFC 4954): the SASL engine's SMTP adapter.
#include "check_mail/sasl/sasl_engine.hpp"
#include "check_mail/smtp/smtp_session.hpp"

namespace check_mail::transport::smtp {
namespace {

// RFC 5321 4.5.3.1.4: a command line is at most 512 octets with CRLF; RFC 4954 4 sends a longer
// initial response after an empty 334 instead.
constexpr std::size_t kMaxCommandLine = 512;

// What counts as "this mechanism cannot be used here, another may work" (RFC 4954 6): 504
// unrecognized authentication type (5.5.4), 534 mechanism too weak (5.7.9), 538 encryption
// required for the mechanism (5.7.11). 535 (credentials invalid) and 454 (temporary) do not.
bool refuses_mechanism(const Reply& reply) { return reply.code == 504 || reply.code == 534 || reply.code == 538; }

}  // namespace

void Session::authenticate() {
  phase_ = Phase::auth;
  if (!connection_->is_tls() && !options_.allow_plaintext_auth) {
    throw TransportError(ErrorKind::config, "refusing to send credentials over an unencrypted connection");
  }
  const std::vector<std::string> none;
  sasl::ExchangeContext context{result_.capabilities ? result_.capabilities->auth_mechanisms : none};
  const sasl::Conditions conditions{connection_->is_tls(), options_.allow_plaintext_auth,
                                    static_cast<bool>(options_.access_token)};
  const std::vector<sasl::Mechanism> candidates = sasl::candidates(options_.auth, context.offered, conditions);
  sasl::Credentials credentials;
  credentials.authzid = options_.authzid;
  credentials.username = options_.username;
  credentials.password = options_.password;
  credentials.cram_md5_secret = options_.shared_secret;
  credentials.channel_binding = connection_->channel_binding();
  credentials.access_token = options_.access_token;
  credentials.oauth_refusal = options_.oauth_refusal;

  Reply refusal;
  const auto answer = [&](const Reply& reply) {
    sasl::ServerAnswer answer;
    if (reply.code == 334) {
      answer.kind = sasl::ServerAnswer::Kind::challenge;
      answer.challenge = reply.lines.empty() ? std::string() : reply.lines.front();
    } else if (reply.code == 235) {
      answer.kind = sasl::ServerAnswer::Kind::success;
    } else {
      refusal = reply;
      answer.unsupported = refuses_mechanism(reply);
    }
    return answer;
  };
  sasl::Adapter adapter;
  adapter.initial_response_fits = [](std::string_view mechanism, std::size_t size) {
    return std::string_view("AUTH ").size() + mechanism.size() + 1 + size + 2 <= kMaxCommandLine;
  };
  adapter.start = [&](std::string_view mechanism, const std::optional<sasl::ClientMessage>& initial) {
    result_.auth_mechanism = sasl::parse_mechanism(mechanism);  // the one tried, for a refusal too
    const std::string line = "AUTH " + std::string(mechanism);
    if (!initial) return answer(command(line));
    return answer(command(line + " " + initial->wire, line + " " + initial->shown));
  };
  adapter.respond = [&](const sasl::ClientMessage& response) { return answer(command(response.wire, response.shown)); };
  adapter.cancel = [&] { return answer(command("*", "*")); };
  adapter.refused = [&](std::string_view mechanism) { refuse("AUTH " + std::string(mechanism) + " failed", refusal); };
  adapter.note = [&](std::string_view text) { protocol_->note(text); };

  const auto start = Deadline::Clock::now();
  result_.auth_mechanism = sasl::authenticate(adapter, candidates, credentials, context);
  result_.timings.auth = seconds_since(start);
}

}  // namespace check_mail::transport::smtp
