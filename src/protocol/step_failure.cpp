#include "check_mail/protocol/step_failure.hpp"

#include <exception>

namespace check_mail::transport {

std::string step_failure_summary(std::string_view step_label, const TransportError& error) {
  if (leaves_dialogue_in_step(error.kind()) || step_label.empty()) return error.what();
  return std::string(step_label) + ": " + error.what();
}

std::string internal_error_summary() noexcept {
  try {
    throw;
  } catch (const std::exception& error) {
    return std::string("internal error: ") + error.what();
  } catch (...) {
    return "internal error";
  }
}

}  // namespace check_mail::transport
