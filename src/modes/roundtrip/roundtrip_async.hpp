#pragma once
// The asynchronous roundtrip, for paths slower than a check may wait: each run sends a new test
// message, then makes one poll for every message still waited for (kept in the State between
// runs), reports those that arrived since the last run and those waited for too long (lost).
// Sending and polling are passed in, so the bookkeeping is tested without servers.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "check_mail/mailbox/mailbox.hpp"
#include "check_mail/smtp/smtp_session.hpp"
#include "roundtrip_state.hpp"

namespace check_mail::modes::roundtrip {

struct Arrival {
  SentMessage message;
  // Send time -> arrival in the mailbox: by the topmost Received header, else IMAP's
  // INTERNALDATE (both whole seconds), else by when this run's poll saw it.
  double delivery_seconds = 0;
};

struct AsyncOutcome {
  transport::smtp::Result smtp;
  std::optional<transport::mailbox::Result> fetch;  // unset when nothing was waited for
  std::vector<Arrival> arrived;                     // since the last run, this run's message included
  std::vector<SentMessage> lost;                    // waited for longer than lost_after; forgotten now
  std::size_t pending = 0;                          // still waited for after this run
};

struct AsyncLegs {
  std::function<transport::smtp::Result()> send;
  // One poll for every message carrying one of these tokens; deletes what it finds.
  std::function<transport::mailbox::Result(const std::vector<std::string>& tokens)> poll;
};

// Updates state (the new message added, arrivals and lost ones removed). A failed poll leaves the
// waited-for messages as they are: a mailbox that cannot be read says nothing about them.
[[nodiscard]] AsyncOutcome run_async(const AsyncLegs& legs, State& state, const std::string& recipient,
                                     double lost_after_seconds, double now_epoch);

}  // namespace check_mail::modes::roundtrip
