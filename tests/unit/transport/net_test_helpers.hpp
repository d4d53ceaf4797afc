#pragma once
// Shared helpers for the socket-level tests.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <string>

#include "check_mail/net/error.hpp"
#include "check_mail/protocol/connection.hpp"

namespace check_mail::transport::testing {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// Allowance beyond a deadline for thread wake-ups on a loaded 2-core machine.
inline constexpr auto kMargin = 300ms;

using transport::seconds_since;  // the deadline's clock, as the sessions time their phases

// Runs f, which must throw TransportError, and returns it.
inline TransportError expect_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const TransportError& e) {
    return e;
  }
  ADD_FAILURE() << "expected a TransportError";
  return TransportError(ErrorKind::io, "<none thrown>");
}

inline Connection connect_plain(std::uint16_t port, const Deadline& deadline, std::string host = "127.0.0.1") {
  ConnectTimings timings;
  return Connection::open(Endpoint{std::move(host), port, AddressFamily::any}, deadline, timings);
}

}  // namespace check_mail::transport::testing
