// The asynchronous roundtrip's bookkeeping with fake legs, and its state file.
#include "roundtrip_async.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "roundtrip_state.hpp"

using namespace check_mail::modes::roundtrip;
namespace mb = check_mail::transport::mailbox;
namespace ts = check_mail::transport::smtp;
using check_mail::transport::ErrorKind;

namespace {

constexpr double kNow = 1700000000;

ts::Result sent(const std::string& token, double at) {
  ts::Result result;
  result.message_token = token;
  result.sent_epoch = at;
  return result;
}

mb::FoundMessage arrived(const std::string& token, double received) {
  mb::FoundMessage found;
  found.token = token;
  found.received_epoch = received;
  return found;
}

AsyncLegs legs(ts::Result smtp, mb::Result poll, std::vector<std::string>* asked = nullptr) {
  AsyncLegs l;
  l.send = [smtp] { return smtp; };
  l.poll = [poll, asked](const std::vector<std::string>& tokens) {
    if (asked) *asked = tokens;
    return poll;
  };
  return l;
}

}  // namespace

TEST(RoundtripAsync, ReportsArrivalsLossesAndKeepsTheRest) {
  State state;
  state.pending = {{"old", kNow - 7200, "a@b"}, {"mid", kNow - 600, "a@b"}, {"late", kNow - 60, "a@b"}};
  mb::Result poll;
  poll.searched = true;
  poll.found_all = {arrived("mid", kNow - 590), arrived("stranger", kNow)};
  poll.found = poll.found_all.front();
  std::vector<std::string> asked;
  const AsyncOutcome outcome = run_async(legs(sent("new", kNow - 1), poll, &asked), state, "a@b", 3600, kNow);
  EXPECT_EQ(asked, (std::vector<std::string>{"old", "mid", "late", "new"}));
  ASSERT_EQ(outcome.arrived.size(), 1u);
  EXPECT_EQ(outcome.arrived[0].message.token, "mid");
  EXPECT_DOUBLE_EQ(outcome.arrived[0].delivery_seconds, 10.0);
  ASSERT_EQ(outcome.lost.size(), 1u);
  EXPECT_EQ(outcome.lost[0].token, "old");
  EXPECT_EQ(outcome.pending, 2u);
  ASSERT_EQ(state.pending.size(), 2u);
  EXPECT_EQ(state.pending[0].token, "late");
  EXPECT_EQ(state.pending[1].token, "new");
}

TEST(RoundtripAsync, FailedPollKeepsEverything) {
  State state;
  state.pending = {{"old", kNow - 7200, ""}};
  mb::Result poll;
  poll.failure = mb::Failure{mb::Phase::connect, ErrorKind::connect_refused, "refused", "", ""};
  const AsyncOutcome outcome = run_async(legs(sent("new", kNow), poll), state, "", 3600, kNow);
  EXPECT_TRUE(outcome.lost.empty());
  EXPECT_EQ(state.pending.size(), 2u);
  EXPECT_EQ(outcome.pending, 2u);
}

TEST(RoundtripAsync, FailedSendStillPollsForTheOthers) {
  State state;
  state.pending = {{"old", kNow - 10, ""}};
  ts::Result failed;
  failed.failure = ts::Failure{ts::Phase::connect, ErrorKind::connect_refused, "refused", std::nullopt};
  mb::Result poll;
  poll.found_all = {arrived("old", kNow - 5)};
  const AsyncOutcome outcome = run_async(legs(failed, poll), state, "", 3600, kNow);
  ASSERT_EQ(outcome.arrived.size(), 1u);
  EXPECT_TRUE(state.pending.empty());
}

TEST(RoundtripAsync, TheBoundForgetsTheOldestAsLost) {
  State state;
  for (std::size_t i = 0; i < State::max_pending; ++i) state.pending.push_back({"t" + std::to_string(i), kNow, ""});
  const AsyncOutcome outcome = run_async(legs(sent("new", kNow), mb::Result{}), state, "", 3600, kNow);
  ASSERT_EQ(outcome.lost.size(), 1u);
  EXPECT_EQ(outcome.lost[0].token, "t0");
  EXPECT_EQ(state.pending.size(), State::max_pending);
}

TEST(RoundtripState, RoundTripsAndRejectsDamage) {
  State state;
  state.pending = {{"abc", 1700000000.125, "monitor@example.test"}};
  std::string error;
  const auto parsed = parse_state(serialize_state(state), &error);
  ASSERT_TRUE(parsed) << error;
  ASSERT_EQ(parsed->pending.size(), 1u);
  EXPECT_EQ(parsed->pending[0].token, "abc");
  EXPECT_DOUBLE_EQ(parsed->pending[0].sent_epoch, 1700000000.125);
  EXPECT_EQ(parsed->pending[0].recipient, "monitor@example.test");
  for (const char* bad : {"", "[]", "{\"version\":2,\"pending\":[]}", "{\"version\":1}",
                          "{\"version\":1,\"pending\":[{\"token\":\"a b\",\"sent\":1}]}",
                          "{\"version\":1,\"pending\":[{\"token\":\"a\",\"sent\":-1}]}",
                          "{\"version\":1,\"pending\":[{\"token\":\"a\"}]}"}) {
    EXPECT_FALSE(parse_state(bad, &error)) << bad;
  }
}

TEST(RoundtripState, FileIsPrivateAndADamagedOneIsReported) {
  char dir_template[] = "/tmp/roundtrip-state-XXXXXX";
  ASSERT_NE(::mkdtemp(dir_template), nullptr);
  const std::string path = std::string(dir_template) + "/state.json";
  std::string problem;
  EXPECT_TRUE(load_state(path, &problem).pending.empty());
  EXPECT_TRUE(problem.empty());  // no file yet: the first run
  State state;
  state.pending = {{"tok", 1.5, ""}};
  ASSERT_FALSE(save_state(path, state));
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(load_state(path, &problem).pending.size(), 1u);
  std::ofstream(path) << "{broken";
  EXPECT_TRUE(load_state(path, &problem).pending.empty());
  EXPECT_NE(problem.find("damaged"), std::string::npos) << problem;
  ::unlink(path.c_str());
  ::rmdir(dir_template);
}

// Two checks that read the same state, each sending one message and one seeing an old one
// arrive: applied one after the other to the file, both changes survive.
TEST(RoundtripState, Issue14Item9ChangesOfConcurrentRunsAreMerged) {
  State before;
  before.pending = {{"old", 10, "a@b"}, {"older", 5, "a@b"}};
  State first = before;
  first.pending.push_back({"first", 20, "a@b"});
  first.pending.erase(first.pending.begin());  // "old" arrived
  State second = before;
  second.pending.push_back({"second", 21, "a@b"});

  State on_disk = merge_state(before, changes_between(before, first), nullptr);
  on_disk = merge_state(on_disk, changes_between(before, second), nullptr);
  std::vector<std::string> tokens;
  for (const SentMessage& message : on_disk.pending) tokens.push_back(message.token);
  EXPECT_EQ(tokens, (std::vector<std::string>{"older", "first", "second"}));

  State full;
  for (int i = 0; i < static_cast<int>(State::max_pending); ++i)
    full.pending.push_back({std::to_string(i), 100.0 + i, ""});
  std::vector<SentMessage> dropped;
  const State merged = merge_state(full, StateChanges{{{"new", 1000, ""}}, {}}, &dropped);
  EXPECT_EQ(merged.pending.size(), State::max_pending);
  ASSERT_EQ(dropped.size(), 1u);
  EXPECT_EQ(dropped.front().token, "0");
}
