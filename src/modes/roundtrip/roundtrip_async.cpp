#include "roundtrip_async.hpp"

#include <algorithm>

#include "roundtrip_poll.hpp"

namespace check_mail::modes::roundtrip {

AsyncOutcome run_async(const AsyncLegs& legs, State& state, const std::string& recipient, double lost_after_seconds,
                       double now_epoch) {
  AsyncOutcome outcome;
  outcome.smtp = legs.send();
  if (!outcome.smtp.failure && outcome.smtp.sent_epoch && !outcome.smtp.message_token.empty()) {
    state.pending.push_back(SentMessage{outcome.smtp.message_token, *outcome.smtp.sent_epoch, recipient});
  }
  // Beyond the bound the oldest are given up on: they count as lost.
  while (state.pending.size() > State::max_pending) {
    outcome.lost.push_back(state.pending.front());
    state.pending.erase(state.pending.begin());
  }
  if (state.pending.empty()) return outcome;

  std::vector<std::string> tokens;
  for (const SentMessage& message : state.pending) tokens.push_back(message.token);
  outcome.fetch = legs.poll(tokens);
  if (outcome.fetch->failure) {
    outcome.pending = state.pending.size();
    return outcome;
  }

  for (const transport::mailbox::FoundMessage& found : outcome.fetch->found_all) {
    const auto it = std::find_if(state.pending.begin(), state.pending.end(),
                                 [&](const SentMessage& message) { return message.token == found.token; });
    if (it == state.pending.end()) continue;
    Arrival arrival{*it, 0};
    const std::optional<double> arrived_epoch = found.received_epoch ? found.received_epoch : found.internal_epoch;
    if (arrived_epoch) {
      arrival.delivery_seconds = std::max(0.0, *arrived_epoch - it->sent_epoch);
    } else {
      arrival.delivery_seconds = delivery_seconds(found, it->sent_epoch).value_or(0.0);
    }
    outcome.arrived.push_back(std::move(arrival));
    state.pending.erase(it);
  }
  auto overdue = [&](const SentMessage& message) { return now_epoch - message.sent_epoch > lost_after_seconds; };
  for (const SentMessage& message : state.pending) {
    if (overdue(message)) outcome.lost.push_back(message);
  }
  state.pending.erase(std::remove_if(state.pending.begin(), state.pending.end(), overdue), state.pending.end());
  outcome.pending = state.pending.size();
  return outcome;
}

}  // namespace check_mail::modes::roundtrip
