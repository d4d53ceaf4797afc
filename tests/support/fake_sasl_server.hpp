#pragma once
// A fake protocol adapter for the SASL engine: it plays the server's answers in order and
// records what the client sent, as it went on the wire and as the transcript would show it.
// Header-only: the engine tests (tests/unit/transport/sasl_engine_test.cpp,
// tests/unit/oauth/oauth_engine_test.cpp) link no socket or TLS support code.
#include <cstddef>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "check_mail/net/error.hpp"
#include "check_mail/sasl/sasl_engine.hpp"

namespace check_mail::test_support {

struct FakeSaslServer {
  std::deque<transport::sasl::ServerAnswer> answers;
  std::vector<std::string> wire;
  std::vector<std::string> shown;
  std::vector<std::string> notes;
  std::size_t max_initial = 1000;
  std::string refused_mechanism;

  transport::sasl::ServerAnswer next() {
    if (answers.empty()) throw transport::TransportError(transport::ErrorKind::closed, "script ended");
    transport::sasl::ServerAnswer answer = answers.front();
    answers.pop_front();
    return answer;
  }

  // The command is "AUTH <mechanism>", as SMTP and POP3 spell it.
  transport::sasl::Adapter adapter() {
    using transport::sasl::ClientMessage;
    transport::sasl::Adapter a;
    a.initial_response_fits = [this](std::string_view, std::size_t size) { return size <= max_initial; };
    a.start = [this](std::string_view mechanism, const std::optional<ClientMessage>& initial) {
      wire.push_back("AUTH " + std::string(mechanism) + (initial ? " " + initial->wire : ""));
      shown.push_back("AUTH " + std::string(mechanism) + (initial ? " " + initial->shown : ""));
      return next();
    };
    a.respond = [this](const ClientMessage& message) {
      wire.push_back(message.wire);
      shown.push_back(message.shown);
      return next();
    };
    a.cancel = [this] {
      wire.push_back("*");
      shown.push_back("*");
      return next();
    };
    a.refused = [this](std::string_view mechanism) {
      refused_mechanism = mechanism;
      throw transport::TransportError(transport::ErrorKind::rejected,
                                      "AUTH " + std::string(mechanism) + " failed: 535 no");
    };
    a.note = [this](std::string_view text) { notes.emplace_back(text); };
    return a;
  }
};

inline transport::sasl::ServerAnswer success() { return {transport::sasl::ServerAnswer::Kind::success, {}, false}; }
// unsupported: the server says the mechanism cannot be used (the engine falls back to the next).
inline transport::sasl::ServerAnswer failure(bool unsupported = false) {
  return {transport::sasl::ServerAnswer::Kind::failure, {}, unsupported};
}

}  // namespace check_mail::test_support
