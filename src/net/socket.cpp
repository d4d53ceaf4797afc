#include "check_mail/net/socket.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>

#include "check_mail/net/error.hpp"

namespace check_mail::transport {

Socket& Socket::operator=(Socket&& other) noexcept {
  if (this != &other) {
    close();
    fd_ = other.release();
  }
  return *this;
}

int Socket::release() noexcept {
  const int fd = fd_;
  fd_ = -1;
  return fd;
}

void Socket::close() noexcept {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

std::string timeout_message(const Deadline& deadline, std::string_view activity) {
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.2f", deadline.elapsed_seconds());
  return "timeout after " + std::string(seconds) + " s " + std::string(activity);
}

namespace {

// poll() for one fd with an explicit budget in milliseconds; returns false on timeout.
bool poll_for(int fd, Readiness readiness, long long budget_ms) {
  pollfd entry{};
  entry.fd = fd;
  entry.events = readiness == Readiness::readable ? POLLIN : POLLOUT;
  const auto start = Deadline::Clock::now();
  for (;;) {
    const long long spent =
        std::chrono::duration_cast<std::chrono::milliseconds>(Deadline::Clock::now() - start).count();
    const long long left = std::max(0LL, budget_ms - spent);
    const int rc = ::poll(&entry, 1, static_cast<int>(std::min<long long>(left, INT_MAX)));
    if (rc > 0) return true;  // ready, or POLLERR/POLLHUP: the next I/O call reports the error
    if (rc == 0) return false;
    if (errno != EINTR) throw TransportError(ErrorKind::io, std::string("poll failed: ") + std::strerror(errno));
  }
}

std::string where(const ResolvedAddress& address, std::uint16_t port) {
  return address.text() + " port " + std::to_string(port);
}

struct AttemptFailure {
  ErrorKind kind;
  std::string message;
};

AttemptFailure classify_connect_error(int error, const ResolvedAddress& address, std::uint16_t port) {
  switch (error) {
    case ECONNREFUSED: return {ErrorKind::connect_refused, "connection refused by " + where(address, port)};
    case ETIMEDOUT: return {ErrorKind::timeout, "timeout connecting to " + where(address, port)};
    // Accepted and at once reset (a server shedding load, a firewall): not "unreachable".
    case ECONNRESET: return {ErrorKind::closed, "connection reset by " + where(address, port) + " while connecting"};
    default:
      return {ErrorKind::connect_unreachable,
              "cannot connect to " + where(address, port) + ": " + std::strerror(error)};
  }
}

void set_nodelay(int fd) {
  const int on = 1;
  // Best effort: a socket without it still works, only slower.
  (void)::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
}

}  // namespace

void wait_ready(int fd, Readiness readiness, const Deadline& deadline, std::string_view activity) {
  if (readiness == Readiness::readable) {
    // About to wait for the peer's answer: acknowledge what has arrived now instead of up to
    // 40 ms later. A server whose small writes wait for our ACK (Nagle: e.g. Postfix's reply
    // to the EHLO after STARTTLS, queued behind its TLS 1.3 session ticket) would otherwise
    // stall on Linux's delayed ACK. TCP_QUICKACK is not sticky, hence before every wait.
    // Best effort: not a TCP socket, or not Linux, only means no quick ACK.
#ifdef TCP_QUICKACK
    const int on = 1;
    (void)::setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &on, sizeof on);
#endif
  }
  if (!poll_for(fd, readiness, deadline.remaining_ms())) {
    throw TransportError(ErrorKind::timeout, timeout_message(deadline, activity));
  }
}

ConnectedSocket connect_tcp(const std::vector<ResolvedAddress>& addresses, std::uint16_t port,
                            const Deadline& deadline) {
  if (addresses.empty()) throw TransportError(ErrorKind::dns, "no address to connect to");
  AttemptFailure last{ErrorKind::timeout, ""};
  for (std::size_t i = 0; i < addresses.size(); ++i) {
    const ResolvedAddress& address = addresses[i];
    const long long remaining = deadline.remaining_ms();
    if (remaining <= 0) {
      last = {ErrorKind::timeout, timeout_message(deadline, "connecting to " + where(address, port))};
      break;
    }
    const long long share = remaining / static_cast<long long>(addresses.size() - i);

    Socket socket(::socket(address.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP));
    if (!socket.valid()) {
      last = classify_connect_error(errno, address, port);
      continue;
    }
    int error = 0;
    if (::connect(socket.fd(), address.sockaddr_ptr(), address.length) != 0) {
      error = errno;
      if (error == EINPROGRESS || error == EINTR) {
        if (!poll_for(socket.fd(), Readiness::writable, share)) {
          last = {ErrorKind::timeout, timeout_message(deadline, "connecting to " + where(address, port))};
          continue;
        }
        socklen_t length = sizeof error;
        if (::getsockopt(socket.fd(), SOL_SOCKET, SO_ERROR, &error, &length) != 0) error = errno;
      }
    }
    if (error != 0) {
      last = classify_connect_error(error, address, port);
      continue;
    }
    set_nodelay(socket.fd());
    return ConnectedSocket{std::move(socket), address};
  }
  if (addresses.size() > 1) last.message += " (" + std::to_string(addresses.size()) + " addresses tried)";
  throw TransportError(last.kind, last.message);
}

}  // namespace check_mail::transport
