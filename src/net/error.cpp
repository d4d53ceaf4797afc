#include "check_mail/net/error.hpp"

namespace check_mail::transport {

std::string_view error_kind_name(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::dns: return "dns";
    case ErrorKind::connect_refused: return "connect_refused";
    case ErrorKind::connect_unreachable: return "connect_unreachable";
    case ErrorKind::timeout: return "timeout";
    case ErrorKind::tls: return "tls";
    case ErrorKind::tls_verify: return "tls_verify";
    case ErrorKind::closed: return "closed";
    case ErrorKind::protocol: return "protocol";
    case ErrorKind::too_long: return "too_long";
    case ErrorKind::io: return "io";
    case ErrorKind::rejected: return "rejected";
    case ErrorKind::unsupported: return "unsupported";
    case ErrorKind::config: return "config";
  }
  return "unknown";
}

bool leaves_dialogue_in_step(ErrorKind kind) noexcept {
  return kind == ErrorKind::rejected || kind == ErrorKind::unsupported || kind == ErrorKind::config;
}

}  // namespace check_mail::transport
