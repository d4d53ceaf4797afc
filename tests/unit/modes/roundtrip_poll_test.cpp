// The roundtrip's send-and-poll loop with fake legs: when it polls, when it gives up, how it
// measures, all within the deadline.
#include "roundtrip_poll.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <thread>

using namespace check_mail::modes;
using namespace std::chrono_literals;
namespace mb = check_mail::transport::mailbox;
namespace ts = check_mail::transport::smtp;
using check_mail::transport::Deadline;
using check_mail::transport::ErrorKind;

namespace {

double now_epoch() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

ts::Result sent_message() {
  ts::Result result;
  result.message_token = "tok";
  result.sent_epoch = now_epoch();
  result.timings.total = 0.01;
  return result;
}

mb::Result empty_poll() {
  mb::Result result;
  result.searched = true;
  return result;
}

mb::Result found_poll(const std::string& token) {
  mb::Result result;
  result.searched = true;
  mb::FoundMessage found;
  found.token = token;
  found.seen_at = Deadline::Clock::now();
  found.received_epoch = std::floor(now_epoch());
  result.found = found;
  result.deleted = true;
  return result;
}

struct Recorder {
  std::vector<std::chrono::milliseconds> sleeps;
  std::vector<std::string> tokens;
};

roundtrip::Legs legs(Recorder& recorder, std::function<mb::Result(int)> poll_number) {
  roundtrip::Legs legs;
  legs.send = sent_message;
  legs.poll = [&recorder, poll_number](const std::string& token) {
    recorder.tokens.push_back(token);
    return poll_number(static_cast<int>(recorder.tokens.size()));
  };
  legs.sleep = [&recorder](std::chrono::milliseconds duration) {
    recorder.sleeps.push_back(duration);
    std::this_thread::sleep_for(duration);
  };
  return legs;
}

}  // namespace

TEST(RoundtripPoll, PausesDoubleUpToTheInterval) {
  Recorder recorder;
  const Deadline deadline(10s);
  roundtrip::Legs l = legs(recorder, [](int n) { return n < 6 ? empty_poll() : found_poll("tok"); });
  l.sleep = [&recorder](std::chrono::milliseconds duration) { recorder.sleeps.push_back(duration); };
  const roundtrip::Outcome outcome = roundtrip::run(l, 0.5, deadline);
  EXPECT_EQ(outcome.polls, 6);
  EXPECT_EQ(recorder.sleeps, (std::vector<std::chrono::milliseconds>{100ms, 200ms, 400ms, 500ms, 500ms}));
}

TEST(RoundtripPoll, FoundOnTheThirdPoll) {
  Recorder recorder;
  const Deadline deadline(5s);
  const roundtrip::Outcome outcome =
      roundtrip::run(legs(recorder, [](int n) { return n < 3 ? empty_poll() : found_poll("tok"); }), 0.02, deadline);
  EXPECT_EQ(outcome.polls, 3);
  EXPECT_FALSE(outcome.lost);
  ASSERT_TRUE(outcome.fetch);
  EXPECT_TRUE(outcome.fetch->found);
  EXPECT_EQ(recorder.tokens, (std::vector<std::string>{"tok", "tok", "tok"}));
  EXPECT_EQ(recorder.sleeps, (std::vector<std::chrono::milliseconds>{20ms, 20ms}));
  ASSERT_TRUE(outcome.delivery_seconds);
  EXPECT_GE(*outcome.delivery_seconds, 0.04);
  EXPECT_LT(*outcome.delivery_seconds, 1.0);
  ASSERT_TRUE(outcome.received_delay_seconds);
  EXPECT_GE(*outcome.received_delay_seconds, 0.0);  // never negative, though Received has whole seconds
  EXPECT_GE(outcome.sleeping_seconds, 0.04);
  EXPECT_GE(outcome.polling_seconds, outcome.sleeping_seconds);
}

TEST(RoundtripPoll, LostMessageStopsInsideTheDeadline) {
  Recorder recorder;
  const auto start = Deadline::Clock::now();
  const Deadline deadline(600ms);
  const roundtrip::Outcome outcome = roundtrip::run(legs(recorder,
                                                         [](int) {
                                                           std::this_thread::sleep_for(10ms);
                                                           return empty_poll();
                                                         }),
                                                    0.25, deadline);
  const double elapsed = std::chrono::duration<double>(Deadline::Clock::now() - start).count();
  EXPECT_TRUE(outcome.lost);
  EXPECT_LT(elapsed, 0.6);
  // Pauses of 0.1, 0.2, then 0.25 s (the interval) or less: the last poll as late as the time
  // left allows, never one that might not finish.
  EXPECT_GE(outcome.polls, 3);
  EXPECT_LE(outcome.polls, 5);
  ASSERT_GE(recorder.sleeps.size(), 2u);
  EXPECT_EQ(recorder.sleeps[0], 100ms);
  EXPECT_EQ(recorder.sleeps[1], 200ms);
  for (const auto sleep : recorder.sleeps) EXPECT_LE(sleep, 250ms);
  EXPECT_GT(outcome.polling_seconds, 0.45);
  EXPECT_FALSE(outcome.delivery_seconds);
}

TEST(RoundtripPoll, SmtpFailureMeansNoPoll) {
  Recorder recorder;
  roundtrip::Legs l = legs(recorder, [](int) { return empty_poll(); });
  l.send = [] {
    ts::Result result;
    result.failure = ts::Failure{ts::Phase::rcpt_to, ErrorKind::rejected, "RCPT TO refused", std::nullopt};
    return result;
  };
  const Deadline deadline(1s);
  const roundtrip::Outcome outcome = roundtrip::run(l, 0.01, deadline);
  EXPECT_EQ(outcome.polls, 0);
  EXPECT_FALSE(outcome.lost);
  EXPECT_TRUE(recorder.tokens.empty());
}

TEST(RoundtripPoll, MailboxFailureEndsThePolling) {
  Recorder recorder;
  const Deadline deadline(2s);
  const roundtrip::Outcome outcome = roundtrip::run(
      legs(recorder,
           [](int n) {
             if (n < 2) return empty_poll();
             mb::Result failed;
             failed.failure = mb::Failure{mb::Phase::login, ErrorKind::rejected, "LOGIN refused", "NO", ""};
             return failed;
           }),
      0.01, deadline);
  EXPECT_EQ(outcome.polls, 2);
  EXPECT_FALSE(outcome.lost);
  ASSERT_TRUE(outcome.fetch && outcome.fetch->failure);
  EXPECT_EQ(outcome.fetch->failure->summary, "LOGIN refused");
}

TEST(RoundtripPoll, TimeoutInALaterPollIsALostMessageNotAFailure) {
  Recorder recorder;
  const Deadline deadline(2s);
  const roundtrip::Outcome outcome = roundtrip::run(
      legs(recorder,
           [](int n) {
             if (n < 2) return empty_poll();
             mb::Result failed;
             failed.failure = mb::Failure{mb::Phase::search, ErrorKind::timeout, "search: timed out", "", ""};
             return failed;
           }),
      0.01, deadline);
  EXPECT_TRUE(outcome.lost);
  ASSERT_TRUE(outcome.fetch);
  EXPECT_FALSE(outcome.fetch->failure);  // the last complete poll
}

TEST(RoundtripPoll, DeliverySecondsFromTheSeenInstant) {
  mb::FoundMessage found;
  found.seen_at = Deadline::Clock::now() - 2s;
  const auto seconds = roundtrip::delivery_seconds(found, now_epoch() - 5.0);
  ASSERT_TRUE(seconds);
  EXPECT_NEAR(*seconds, 3.0, 0.1);
  EXPECT_EQ(roundtrip::delivery_seconds(found, now_epoch() + 100), 0.0);
}
