#include "roundtrip_poll.hpp"

#include <algorithm>

namespace check_mail::modes::roundtrip {
namespace {

using transport::Deadline;
using Clock = Deadline::Clock;

// Kept free at the end so the result can still be written before the watchdog fires.
constexpr double kMarginSeconds = 0.05;
// A later poll may be slower than the slowest so far (a server under load): plan with 1.5 times.
constexpr double kPollEstimateFactor = 1.5;
// The first pause; each one after is twice as long, up to the poll interval. A fast path is
// measured closely, a slow one is not polled more often than the interval says.
constexpr double kFirstPauseSeconds = 0.1;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

}  // namespace

std::optional<double> delivery_seconds(const transport::mailbox::FoundMessage& found, double sent_epoch) {
  // seen_at is a steady-clock instant; the token's time is wall-clock: convert through "now".
  const double wall_now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  const double seen_epoch = wall_now - seconds_since(found.seen_at);
  return std::max(0.0, seen_epoch - sent_epoch);
}

Outcome run(const Legs& legs, double interval_seconds, const Deadline& deadline) {
  Outcome outcome;
  outcome.smtp = legs.send();
  if (outcome.smtp.failure || !outcome.smtp.sent_epoch || outcome.smtp.message_token.empty()) return outcome;
  const double sent_epoch = *outcome.smtp.sent_epoch;
  const std::string token = outcome.smtp.message_token;

  const auto polling_start = Clock::now();
  double slowest_poll = 0;
  double pause = std::min(kFirstPauseSeconds, interval_seconds);
  for (;;) {
    const auto poll_start = Clock::now();
    transport::mailbox::Result result = legs.poll(token);
    ++outcome.polls;
    slowest_poll = std::max(slowest_poll, seconds_since(poll_start));
    const bool timed_out = result.failure && result.failure->kind == transport::ErrorKind::timeout;
    // Running out of time in a later poll means the message did not come in time; anything
    // else (and a first poll that cannot even finish) is a failure of the mailbox side.
    if (timed_out && outcome.polls > 1) {
      outcome.lost = true;
      break;
    }
    const bool failed = result.failure.has_value();
    outcome.fetch = std::move(result);
    if (failed) break;
    if (const auto& found = outcome.fetch->found) {
      outcome.delivery_seconds = delivery_seconds(*found, sent_epoch);
      // Received dates have whole seconds: this is the lower bound of the delay (true delay is
      // up to one second more), never negative.
      if (found->received_epoch) outcome.received_delay_seconds = std::max(0.0, *found->received_epoch - sent_epoch);
      break;
    }
    const double reserve = slowest_poll * kPollEstimateFactor + kMarginSeconds;
    const double left = static_cast<double>(deadline.remaining_ms()) / 1000.0;
    if (left < reserve) {
      outcome.lost = true;
      break;
    }
    const double wait = std::min(pause, left - reserve);
    pause = std::min(pause * 2, interval_seconds);
    const auto sleep_start = Clock::now();
    legs.sleep(std::chrono::milliseconds(static_cast<long long>(wait * 1000.0)));
    outcome.sleeping_seconds += seconds_since(sleep_start);
  }
  outcome.polling_seconds = seconds_since(polling_start);
  return outcome;
}

}  // namespace check_mail::modes::roundtrip
