#pragma once
// One deadline for a whole check: every blocking step (DNS, connect, TLS, each read and write,
// retries) asks it how long it may still wait, so the check always ends inside --timeout.
#include <chrono>

namespace check_mail::transport {

class Deadline {
public:
  using Clock = std::chrono::steady_clock;

  explicit Deadline(std::chrono::milliseconds budget) : start_(Clock::now()), end_(start_ + budget) {}
  static Deadline after_seconds(double seconds) {
    return Deadline(std::chrono::milliseconds(static_cast<long long>(seconds * 1000.0)));
  }

  [[nodiscard]] bool expired() const { return Clock::now() >= end_; }
  // Milliseconds left, never negative; suitable for poll() and curl's timeouts.
  [[nodiscard]] long long remaining_ms() const {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end_ - Clock::now()).count();
    return left > 0 ? left : 0;
  }
  // Seconds since the deadline was created (the check's start).
  [[nodiscard]] double elapsed_seconds() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }
  [[nodiscard]] Clock::time_point start() const { return start_; }
  [[nodiscard]] Clock::time_point end() const { return end_; }

private:
  Clock::time_point start_;
  Clock::time_point end_;
};

// Seconds from `start` to now on the deadline's clock: the phase timings of every protocol.
inline double seconds_since(Deadline::Clock::time_point start) {
  return std::chrono::duration<double>(Deadline::Clock::now() - start).count();
}

}  // namespace check_mail::transport
