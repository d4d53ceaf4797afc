// The SmarterMail spools mode without HTTP: reply body -> decode_data_reply -> map_spools -> counters
// -> rendering (see smartermail_target.hpp for the invariants).
#include "smartermail_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return check_mail::fuzz::smartermail_target(check_mail::fuzz::SmarterMailMode::spools, data, size);
}
