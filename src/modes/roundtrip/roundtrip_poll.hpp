#pragma once
// The roundtrip itself: send a test message with a fresh tracking token, then poll the mailbox
// until a poll sees the token or the check's time runs out. Sending, polling and sleeping are
// passed in as functions, so the timing logic is tested without servers.
#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "check_mail/mailbox/mailbox.hpp"
#include "check_mail/net/deadline.hpp"
#include "check_mail/smtp/smtp_session.hpp"

namespace check_mail::modes::roundtrip {

struct Outcome {
  transport::smtp::Result smtp;                     // the SMTP leg
  std::optional<transport::mailbox::Result> fetch;  // the poll that saw the message, else the last one
  int polls = 0;
  bool lost = false;  // the SMTP leg succeeded, every poll worked, none saw the message in time
  // Token's send time -> the poll that saw the message (wall clock; includes the poll's own
  // connect and login, so it is at most one poll interval plus one poll late).
  std::optional<double> delivery_seconds;
  // Token's send time -> the topmost Received header: the delivery into the mailbox as the
  // server recorded it (one-second resolution, never negative).
  std::optional<double> received_delay_seconds;
  double polling_seconds = 0;   // end of the SMTP leg -> end of the last poll
  double sleeping_seconds = 0;  // of which idle between polls
};

struct Legs {
  std::function<transport::smtp::Result()> send;
  // One poll for the message with this token (a whole session: connect, log in, search, and
  // delete what it finds).
  std::function<transport::mailbox::Result(const std::string& token)> poll;
  std::function<void(std::chrono::milliseconds)> sleep;
};

// Polls while a further poll can still finish before the deadline: the pauses start at 0.1 s and
// double up to interval_seconds; the last poll starts as late as the time left allows (the
// slowest poll so far, with a margin).
// A poll failure other than running out of time ends the roundtrip with that failure.
[[nodiscard]] Outcome run(const Legs& legs, double interval_seconds, const transport::Deadline& deadline);

// Seconds the poll that saw the message was after the token's send time.
[[nodiscard]] std::optional<double> delivery_seconds(const transport::mailbox::FoundMessage& found, double sent_epoch);

}  // namespace check_mail::modes::roundtrip
