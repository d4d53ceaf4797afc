#include "check_mail/modes/mail/retests.hpp"

#include <gtest/gtest.h>

#include <chrono>

#include "check_mail/modes/mode.hpp"

namespace check_mail::modes {
namespace {

using namespace std::chrono_literals;

cli::Options given(std::initializer_list<std::pair<std::string, std::string>> values) {
  cli::Options options;
  options.set_defaults(retest_option_specs("Retests"));
  for (const auto& [name, value] : values) options.set(name, {value});
  return options;
}

TEST(Retests, DefaultsAreTheSeeds) {
  const Retests retests = read_retests(given({}));
  EXPECT_EQ(retests.count, 0);
  EXPECT_DOUBLE_EQ(retests.interval_seconds, 10);
}

TEST(Retests, BadValuesAreCheckErrors) {
  for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{{"retests", "-1"},
                                                                                    {"retests", "101"},
                                                                                    {"retests", "two"},
                                                                                    {"retest-interval", "-0.5"},
                                                                                    {"retest-interval", "soon"},
                                                                                    {"retest-interval", "7200"}}) {
    EXPECT_THROW((void)read_retests(given({{name, value}})), CheckError) << name << "=" << value;
  }
}

TEST(Retests, SuccessEndsTheAttempts) {
  int calls = 0;
  const int attempts = run_attempts({5, 0}, transport::Deadline(5s), [&](int attempt) {
    EXPECT_EQ(attempt, ++calls);
    return attempt < 3;  // fails twice, then succeeds
  });
  EXPECT_EQ(attempts, 3);
  EXPECT_EQ(calls, 3);
}

TEST(Retests, FailuresUseUpTheRetests) {
  int calls = 0;
  EXPECT_EQ(run_attempts({2, 0.01}, transport::Deadline(5s), [&](int) { return ++calls > 0; }), 3);
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(run_attempts({0, 0}, transport::Deadline(5s), [](int) { return true; }), 1);
}

TEST(Retests, NoPauseThatTheDeadlineCannotHold) {
  // Ten retests ten seconds apart in a 200 ms budget: one attempt, no waiting.
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(run_attempts({10, 10}, transport::Deadline(200ms), [](int) { return true; }), 1);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 100ms);
}

TEST(Retests, PausesBetweenAttempts) {
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(run_attempts({2, 0.05}, transport::Deadline(5s), [](int) { return true; }), 3);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 100ms);
}

TEST(Retests, SummaryText) {
  EXPECT_EQ(attempts_text(1), "");
  EXPECT_EQ(attempts_text(3), " after 3 attempts");
}

}  // namespace
}  // namespace check_mail::modes
