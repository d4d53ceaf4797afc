#include "check_mail/sasl/sasl_engine.hpp"

#include <utility>

#include "check_mail/net/error.hpp"
#include "check_mail/util/base64.hpp"
#include "check_mail/util/strings.hpp"

namespace check_mail::transport::sasl {
namespace {

constexpr std::string_view kRedacted = "<redacted>";

ClientMessage message_of(std::string_view decoded) { return {util::base64_encode(decoded), std::string(kRedacted)}; }

// Cancels the exchange (so the dialogue stays in step) and rethrows what made it fail.
[[noreturn]] void cancel_and_rethrow(const Adapter& adapter) {
  try {
    (void)adapter.cancel();
  } catch (const TransportError&) {
    // The original failure says more than a cancel that went wrong too.
  }
  throw;
}

// One exchange with one mechanism, up to the server's final answer.
ServerAnswer exchange(const Adapter& adapter, const MechanismInfo& mechanism, ClientSteps& steps) {
  std::optional<std::string> initial = steps.initial_response();
  const std::optional<std::string> initial_copy = initial;
  std::optional<ClientMessage> sent;
  if (initial) {
    // RFC 4954 4, RFC 4959, RFC 5034 4: an empty initial response is sent as "=".
    ClientMessage message = initial->empty() ? ClientMessage{"=", std::string(kRedacted)} : message_of(*initial);
    if (adapter.initial_response_fits(mechanism.name, message.wire.size())) {
      sent = std::move(message);
      initial.reset();
    }
  }
  // A server that ignores an initial response asks for it with an empty first challenge.
  const std::optional<std::string> resend = sent ? initial_copy : std::nullopt;
  ServerAnswer answer = adapter.start(mechanism.name, sent);
  bool first = true;
  while (answer.kind == ServerAnswer::Kind::challenge) {
    std::string response;
    const bool first_challenge = std::exchange(first, false);
    if (initial) {  // the server's (empty) first challenge asks for the initial response
      response = std::move(*initial);
      initial.reset();
    } else if (first_challenge && resend && util::trim(answer.challenge).empty()) {
      response = *resend;
    } else {
      try {
        const auto challenge = util::base64_decode(util::trim(answer.challenge));
        if (!challenge) {
          throw TransportError(ErrorKind::protocol,
                               "malformed " + std::string(mechanism.name) + " challenge from server (not base64)");
        }
        response = steps.respond(*challenge);
      } catch (const TransportError&) {
        cancel_and_rethrow(adapter);
      }
    }
    answer = adapter.respond(message_of(response));
  }
  return answer;
}

}  // namespace

Mechanism authenticate(const Adapter& adapter, const std::vector<Mechanism>& candidates, const Credentials& credentials,
                       const ExchangeContext& context) {
  if (candidates.empty()) {
    throw TransportError(ErrorKind::unsupported, "server offers no supported AUTH mechanism (offers: " +
                                                     util::join(context.offered, " ") + ")");
  }
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    const MechanismInfo& mechanism = info(candidates[i]);
    const std::unique_ptr<ClientSteps> steps = mechanism.start(credentials, context);
    const ServerAnswer answer = exchange(adapter, mechanism, *steps);
    if (answer.kind == ServerAnswer::Kind::success) {
      steps->succeeded();
      return mechanism.mechanism;
    }
    if (answer.unsupported && i + 1 < candidates.size()) {
      adapter.note(std::string(mechanism.name) + " refused as unsupported; trying " +
                   std::string(mechanism_name(candidates[i + 1])));
      continue;
    }
    try {
      adapter.refused(mechanism.name);
    } catch (const TransportError& error) {
      const std::string reason = steps->refusal_reason();
      if (reason.empty()) throw;
      throw TransportError(error.kind(), std::string(error.what()) + " (" + reason + ")");
    }
    throw TransportError(ErrorKind::rejected, "AUTH " + std::string(mechanism.name) + " failed");
  }
  throw TransportError(ErrorKind::unsupported, "no SASL mechanism left to try");
}

}  // namespace check_mail::transport::sasl
