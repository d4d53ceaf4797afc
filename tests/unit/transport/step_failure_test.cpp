// The one-line summary of a failed step, as SMTP, IMAP and POP3 sessions give it.
#include "check_mail/protocol/step_failure.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

using namespace check_mail::transport;

TEST(StepFailure, TransportErrorsArePrefixedUnlessTheyNameTheirStep) {
  EXPECT_EQ(step_failure_summary("EHLO", TransportError(ErrorKind::closed, "connection closed by server")),
            "EHLO: connection closed by server");
  for (ErrorKind kind : {ErrorKind::rejected, ErrorKind::unsupported, ErrorKind::config})
    EXPECT_EQ(step_failure_summary("login", TransportError(kind, "LOGIN refused: NO bad")), "LOGIN refused: NO bad");
  EXPECT_EQ(step_failure_summary("", TransportError(ErrorKind::dns, "cannot resolve x")), "cannot resolve x");
}

TEST(StepFailure, AnyOtherExceptionIsAnInternalError) {
  try {
    throw std::logic_error("oops");
  } catch (...) {
    EXPECT_EQ(internal_error_summary(), "internal error: oops");
  }
  try {
    throw 42;
  } catch (...) {
    EXPECT_EQ(internal_error_summary(), "internal error");
  }
}
