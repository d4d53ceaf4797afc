#include "check_mail/protocol/connection.hpp"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "check_mail/net/error.hpp"

namespace check_mail::transport {
namespace {

constexpr std::size_t kReadChunk = 16 * 1024;

}  // namespace

Connection Connection::open(const Endpoint& endpoint, const Deadline& deadline, ConnectTimings& timings,
                            const TlsOptions* implicit_tls) {
  auto start = Deadline::Clock::now();
  const auto addresses = resolve_host(endpoint.host, endpoint.port, endpoint.family, deadline);
  timings.dns = seconds_since(start);

  start = Deadline::Clock::now();
  ConnectedSocket connected = connect_tcp(addresses, endpoint.port, deadline);
  timings.connect = seconds_since(start);

  Connection connection(std::move(connected.socket), endpoint.host, connected.address.text());
  if (implicit_tls != nullptr) {
    const TlsInfo& info = connection.start_tls(*implicit_tls, deadline);
    timings.tls_handshake = info.handshake_seconds;
  }
  return connection;
}

Connection::Connection(Socket socket, std::string host, std::string peer_address)
    : socket_(std::move(socket)), host_(std::move(host)), peer_address_(std::move(peer_address)) {}

Connection::~Connection() { close(); }

void Connection::close() noexcept {
  if (tls_) tls_->shutdown();
  tls_.reset();
  socket_.close();
}

std::size_t Connection::receive_more(const Deadline& deadline) {
  if (!socket_.valid()) throw TransportError(ErrorKind::closed, "connection already closed");
  const std::span<char> space = buffer_.prepare(kReadChunk);
  std::size_t received = 0;
  try {
    if (tls_) {
      received = tls_->read_some(space.data(), space.size(), deadline);
    } else {
      for (;;) {
        const ssize_t n = ::recv(socket_.fd(), space.data(), space.size(), 0);
        if (n >= 0) {
          received = static_cast<std::size_t>(n);
          break;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
          wait_ready(socket_.fd(), Readiness::readable, deadline, "waiting for data from server");
          continue;
        }
        if (errno == ECONNRESET) throw TransportError(ErrorKind::closed, "connection reset by server");
        throw TransportError(ErrorKind::io, std::string("receive failed: ") + std::strerror(errno));
      }
    }
  } catch (...) {
    buffer_.commit(0);
    throw;
  }
  buffer_.commit(received);
  bytes_received_ += received;
  if (received == 0) {
    throw TransportError(ErrorKind::closed, buffer_.size() > 0 ? "connection closed by server in the middle of a line"
                                                               : "connection closed by server");
  }
  return received;
}

std::string Connection::read_line(const Deadline& deadline, std::size_t max_line) {
  buffer_.set_max_line(max_line);
  for (;;) {
    if (auto line = buffer_.take_line()) return std::move(*line);
    receive_more(deadline);
  }
}

std::string Connection::read_exact(std::size_t n, const Deadline& deadline) {
  std::string bytes;
  while (bytes.size() < n) {
    if (buffer_.size() == 0) receive_more(deadline);
    bytes += buffer_.take_bytes(n - bytes.size());
  }
  return bytes;
}

void Connection::write_all(std::string_view bytes, const Deadline& deadline) {
  if (!socket_.valid()) throw TransportError(ErrorKind::closed, "connection already closed");
  if (tls_) {
    tls_->write_all(bytes, deadline);
    bytes_sent_ += bytes.size();
    return;
  }
  while (!bytes.empty()) {
    const ssize_t n = ::send(socket_.fd(), bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n >= 0) {
      bytes.remove_prefix(static_cast<std::size_t>(n));
      bytes_sent_ += static_cast<std::uint64_t>(n);
      continue;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
      wait_ready(socket_.fd(), Readiness::writable, deadline, "sending data to server");
      continue;
    }
    if (errno == EPIPE || errno == ECONNRESET) {
      throw TransportError(ErrorKind::closed, "connection closed by server while sending");
    }
    throw TransportError(ErrorKind::io, std::string("send failed: ") + std::strerror(errno));
  }
}

const TlsInfo& Connection::start_tls(const TlsOptions& options, const Deadline& deadline) {
  if (tls_) throw TransportError(ErrorKind::protocol, "TLS is already active on this connection");
  if (buffer_.size() > 0) {
    throw TransportError(ErrorKind::protocol,
                         "server sent " + std::to_string(buffer_.size()) +
                             " unexpected bytes before the TLS handshake (possible STARTTLS command injection)");
  }
  tls_.emplace(TlsSession::handshake(socket_.fd(), host_, options, deadline));
  return tls_->info();
}

}  // namespace check_mail::transport
