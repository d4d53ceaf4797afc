#pragma once
// The kind of the TransportError a call throws, for parser tests (a test failure, and
// ErrorKind::io, when it throws none). Header-only: the pure parser tests link no support code.
#include <gtest/gtest.h>

#include <functional>

#include "check_mail/net/error.hpp"

namespace check_mail::test {

inline transport::ErrorKind kind_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const transport::TransportError& e) {
    return e.kind();
  }
  ADD_FAILURE() << "no TransportError thrown";
  return transport::ErrorKind::io;
}

}  // namespace check_mail::test
