#include "check_mail/mailbox/mailbox_session.hpp"

#include "mailbox_internal.hpp"

namespace check_mail::transport::mailbox {

Session::Session(const Options& options, const Deadline& deadline) : options_(options), deadline_(deadline) {
  result_.transcript = Transcript(deadline.start());
}

Result Session::run() noexcept {
  const auto start = Deadline::Clock::now();
  try {
    try {
      check_options();
      connect();
      dialogue();
      phase_ = Phase::done;
    } catch (const TransportError& error) {
      Failure failure = detail::transport_failure(phase_, error);
      if (error.kind() == ErrorKind::rejected) describe_refusal(failure);
      result_.failure = std::move(failure);
      if (leaves_dialogue_in_step(error.kind()) && protocol_ && may_say_goodbye()) say_goodbye();
    }
  } catch (...) {
    result_.failure = detail::internal_failure(phase_);
  }
  SecureConnectionSetup(connection_, protocol_, result_, phase_).close(start, goodbye_at_);
  return std::move(result_);
}

void Session::say_goodbye() {
  if (!in_step_ || !protocol_) return;
  goodbye_at_ = Deadline::Clock::now();
  const GoodbyeBound bound(*protocol_);
  goodbye();
}

void Session::check_options() const { detail::check_login_options(options_); }

void Session::connect() {
  const bool implicit_tls = options_.security == Security::implicit_tls;
  SecureConnectionSetup(connection_, protocol_, result_, phase_)
      .open(options_.endpoint, deadline_, options_.max_line, options_.record_transcript ? &result_.transcript : nullptr,
            implicit_tls ? &options_.tls : nullptr);
}

}  // namespace check_mail::transport::mailbox
