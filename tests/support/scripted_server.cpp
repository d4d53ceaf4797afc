#include "support/scripted_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string_view>

#include "check_mail/tls/tls_bio.hpp"

namespace check_mail::test_support {

namespace step {
Step send(std::string text) { return Step{Step::Kind::send, std::move(text), false, {}, 0, {}, {}}; }
Step send_slowly(std::string text, std::chrono::milliseconds per_byte) {
  return Step{Step::Kind::send_slowly, std::move(text), false, per_byte, 0, {}, {}};
}
Step expect(std::string line) { return Step{Step::Kind::expect, std::move(line), false, {}, 0, {}, {}}; }
Step expect_prefix(std::string prefix) { return Step{Step::Kind::expect, std::move(prefix), true, {}, 0, {}, {}}; }
Step read_line() { return Step{Step::Kind::read_line, {}, false, {}, 0, {}, {}}; }
Step read_data() { return Step{Step::Kind::read_data, {}, false, {}, 0, {}, {}}; }
Step read_any() { return Step{Step::Kind::read_any, {}, false, {}, 0, {}, {}}; }
Step sleep(std::chrono::milliseconds duration) { return Step{Step::Kind::sleep, {}, false, duration, 0, {}, {}}; }
Step close() { return Step{Step::Kind::close, {}, false, {}, 0, {}, {}}; }
Step reset() { return Step{Step::Kind::reset, {}, false, {}, 0, {}, {}}; }
Step flood(std::size_t bytes) { return Step{Step::Kind::flood, {}, false, {}, bytes, {}, {}}; }
Step start_tls(CertKey cert) { return Step{Step::Kind::start_tls, {}, false, {}, 0, std::move(cert), {}}; }
Step silent() { return Step{Step::Kind::silent, {}, false, {}, 0, {}, {}}; }
Step answer(std::function<std::string(const std::string& line, ssl_st* ssl)> respond) {
  return Step{Step::Kind::answer, {}, false, {}, 0, {}, std::move(respond)};
}
}  // namespace step

// One accepted connection, plain or TLS, with waits that the owner's wake fd can interrupt.
class ScriptedServer::Peer {
public:
  enum class Io { ok, stopped, closed, error };

  Peer(int fd, int wake_fd, std::chrono::milliseconds max_wait, int max_tls_version)
      : fd_(fd), wake_fd_(wake_fd), max_wait_(max_wait), max_tls_version_(max_tls_version) {}
  ~Peer() { close(); }
  Peer(const Peer&) = delete;
  Peer& operator=(const Peer&) = delete;

  std::string error;

  // Waits for `events` on the socket; false if stopped or max_wait passed.
  bool wait(short events) {
    pollfd fds[2] = {{fd_, events, 0}, {wake_fd_, POLLIN, 0}};
    for (;;) {
      const int rc = ::poll(fds, 2, static_cast<int>(max_wait_.count()));
      if (rc < 0 && errno == EINTR) continue;
      if (rc <= 0) {
        error = "server wait timed out";
        return false;
      }
      if ((fds[1].revents & POLLIN) != 0) return false;
      return true;
    }
  }

  // Sleeps for `duration` unless stopped first; false if stopped.
  bool pause(std::chrono::milliseconds duration) {
    pollfd wake{wake_fd_, POLLIN, 0};
    const auto end = std::chrono::steady_clock::now() + duration;
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
      if (left.count() <= 0) return true;
      const int rc = ::poll(&wake, 1, static_cast<int>(left.count()));
      if (rc > 0) return false;
      if (rc < 0 && errno != EINTR) return true;
    }
  }

  Io send_all(std::string_view bytes) {
    while (!bytes.empty()) {
      if (ssl_ != nullptr) {
        std::size_t written = 0;
        ERR_clear_error();
        if (SSL_write_ex(ssl_, bytes.data(), bytes.size(), &written) == 1) {
          bytes.remove_prefix(written);
          continue;
        }
        const Io io = handle_ssl_error(SSL_get_error(ssl_, 0));
        if (io != Io::ok) return io;
        continue;
      }
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n >= 0) {
        bytes.remove_prefix(static_cast<std::size_t>(n));
      } else if (errno == EAGAIN || errno == EINTR) {
        if (!wait(POLLOUT)) return Io::stopped;
      } else {
        return errno == EPIPE || errno == ECONNRESET ? Io::closed : Io::error;
      }
    }
    return Io::ok;
  }

  // Appends received bytes to the buffer.
  Io read_some() {
    char chunk[16384];
    for (;;) {
      if (ssl_ != nullptr) {
        std::size_t received = 0;
        ERR_clear_error();
        if (SSL_read_ex(ssl_, chunk, sizeof chunk, &received) == 1) {
          buffer_.append(chunk, received);
          return Io::ok;
        }
        const Io io = handle_ssl_error(SSL_get_error(ssl_, 0));
        if (io != Io::ok) return io;
        continue;
      }
      const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n > 0) {
        buffer_.append(chunk, static_cast<std::size_t>(n));
        return Io::ok;
      }
      if (n == 0) return Io::closed;
      if (errno == EAGAIN || errno == EINTR) {
        if (!wait(POLLIN)) return Io::stopped;
        continue;
      }
      return errno == ECONNRESET ? Io::closed : Io::error;
    }
  }

  Io read_line(std::string& line) {
    for (;;) {
      const std::size_t newline = buffer_.find('\n');
      if (newline != std::string::npos) {
        line = buffer_.substr(0, newline);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        buffer_.erase(0, newline + 1);
        return Io::ok;
      }
      const Io io = read_some();
      if (io != Io::ok) return io;
    }
  }

  Io read_any() {
    if (!buffer_.empty()) {
      buffer_.clear();
      return Io::ok;
    }
    const Io io = read_some();
    buffer_.clear();
    return io;
  }

  Io start_tls(const CertKey& cert) {
    ctx_ = SSL_CTX_new(TLS_server_method());
    if (ctx_ == nullptr || !load(cert)) {
      error = "cannot set up the server TLS context";
      return Io::error;
    }
    if (max_tls_version_ != 0) SSL_CTX_set_max_proto_version(ctx_, max_tls_version_);
    ssl_ = SSL_new(ctx_);
    BIO* bio = transport::new_nosigpipe_socket_bio(fd_);
    SSL_set_bio(ssl_, bio, bio);
    for (;;) {
      ERR_clear_error();
      const int rc = SSL_accept(ssl_);
      if (rc == 1) return Io::ok;
      const Io io = handle_ssl_error(SSL_get_error(ssl_, rc));
      if (io != Io::ok) {
        if (error.empty()) error = "server TLS handshake failed";
        return io;
      }
    }
  }

  void close() {
    if (ssl_ != nullptr) {
      (void)SSL_shutdown(ssl_);
      SSL_free(ssl_);
      ssl_ = nullptr;
    }
    if (ctx_ != nullptr) {
      SSL_CTX_free(ctx_);
      ctx_ = nullptr;
    }
    ERR_clear_error();
    if (fd_ >= 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }

  void reset() {
    const linger abort_on_close{1, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof abort_on_close);
    if (ssl_ != nullptr) {
      SSL_free(ssl_);  // no close_notify: the point is an abrupt end
      ssl_ = nullptr;
    }
    close();
  }

  // The TLS session, once started (nullptr in plain text).
  [[nodiscard]] SSL* ssl() const { return ssl_; }

private:
  // Ok to retry (after waiting), or the final outcome.
  Io handle_ssl_error(int ssl_error) {
    switch (ssl_error) {
      case SSL_ERROR_WANT_READ: return wait(POLLIN) ? Io::ok : Io::stopped;
      case SSL_ERROR_WANT_WRITE: return wait(POLLOUT) ? Io::ok : Io::stopped;
      case SSL_ERROR_ZERO_RETURN: return Io::closed;
      case SSL_ERROR_SYSCALL: ERR_clear_error(); return Io::closed;
      default: {
        char text[256];
        ERR_error_string_n(ERR_get_error(), text, sizeof text);
        error = text;
        ERR_clear_error();
        return Io::error;
      }
    }
  }

  bool load(const CertKey& cert) {
    BIO* cert_bio = BIO_new_mem_buf(cert.cert_pem.data(), static_cast<int>(cert.cert_pem.size()));
    X509* x509 = PEM_read_bio_X509(cert_bio, nullptr, nullptr, nullptr);
    BIO_free(cert_bio);
    BIO* key_bio = BIO_new_mem_buf(cert.key_pem.data(), static_cast<int>(cert.key_pem.size()));
    EVP_PKEY* key = PEM_read_bio_PrivateKey(key_bio, nullptr, nullptr, nullptr);
    BIO_free(key_bio);
    const bool ok = x509 != nullptr && key != nullptr && SSL_CTX_use_certificate(ctx_, x509) == 1 &&
                    SSL_CTX_use_PrivateKey(ctx_, key) == 1;
    X509_free(x509);
    EVP_PKEY_free(key);
    return ok;
  }

  int fd_;
  int wake_fd_;
  std::chrono::milliseconds max_wait_;
  int max_tls_version_;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  std::string buffer_;
};

ScriptedServer::ScriptedServer(std::vector<Step> script, Options options)
    : script_(std::move(script)), options_(std::move(options)) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (listen_fd_ < 0 || wake_fd_ < 0) throw std::runtime_error("scripted server: socket/eventfd failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(listen_fd_, 8) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw std::runtime_error(std::string("scripted server: cannot listen: ") + std::strerror(errno));
  }
  port_ = ntohs(address.sin_port);
  thread_ = std::thread([this] { run(); });
}

ScriptedServer::~ScriptedServer() {
  const std::uint64_t one = 1;
  (void)!::write(wake_fd_, &one, sizeof one);
  if (thread_.joinable()) thread_.join();
  ::close(listen_fd_);
  ::close(wake_fd_);
}

bool ScriptedServer::wait_done(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return done_cv_.wait_for(lock, timeout, [this] { return done_; });
}

std::vector<std::string> ScriptedServer::failures() const {
  const std::lock_guard lock(mutex_);
  return failures_;
}

std::vector<std::string> ScriptedServer::received_lines() const {
  const std::lock_guard lock(mutex_);
  return lines_;
}

std::string ScriptedServer::data() const {
  const std::lock_guard lock(mutex_);
  return data_;
}

void ScriptedServer::fail(const std::string& message) {
  const std::lock_guard lock(mutex_);
  failures_.push_back(message);
}

void ScriptedServer::record_line(const std::string& line) {
  const std::lock_guard lock(mutex_);
  lines_.push_back(line);
}

void ScriptedServer::run() {
  pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
  int rc = 0;
  do {
    rc = ::poll(fds, 2, static_cast<int>(options_.max_wait.count()));
  } while (rc < 0 && errno == EINTR);
  if (rc > 0 && (fds[1].revents & POLLIN) == 0) {
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) {
      const int on = 1;  // send each scripted write at once, as a real server's replies would be
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
      Peer peer(fd, wake_fd_, options_.max_wait, options_.max_tls_version);
      run_script(peer);
    } else {
      fail(std::string("accept failed: ") + std::strerror(errno));
    }
  } else if (rc == 0) {
    fail("no client connected");
  }
  const std::lock_guard lock(mutex_);
  done_ = true;
  done_cv_.notify_all();
}

void ScriptedServer::run_script(Peer& peer) {
  using Io = Peer::Io;
  const auto io_failure = [&](Io io, const std::string& during) {
    if (io == Io::stopped && peer.error.empty()) return;  // the test is over
    fail(during + ": " + (io == Io::closed ? std::string("connection closed by client") : peer.error));
  };
  if (options_.implicit_tls) {
    const Io io = peer.start_tls(*options_.implicit_tls);
    if (io != Io::ok) return io_failure(io, "implicit TLS handshake");
  }
  for (const Step& s : script_) {
    switch (s.kind) {
      case Step::Kind::send: {
        const Io io = peer.send_all(s.text);
        if (io != Io::ok) return io_failure(io, "sending");
        break;
      }
      case Step::Kind::send_slowly:
        for (const char c : s.text) {
          const Io io = peer.send_all(std::string_view(&c, 1));
          if (io != Io::ok) return io_failure(io, "sending slowly");
          if (!peer.pause(s.delay)) return;
        }
        break;
      case Step::Kind::expect:
      case Step::Kind::read_line: {
        std::string line;
        const Io io = peer.read_line(line);
        if (io != Io::ok) return io_failure(io, "waiting for '" + s.text + "'");
        record_line(line);
        if (s.kind == Step::Kind::expect) {
          const bool match = s.prefix ? line.rfind(s.text, 0) == 0 : line == s.text;
          if (!match) return fail("expected '" + s.text + "', got '" + line + "'");
        }
        break;
      }
      case Step::Kind::read_data: {
        std::string content;
        for (;;) {
          std::string line;
          const Io io = peer.read_line(line);
          if (io != Io::ok) return io_failure(io, "reading message data");
          if (line == ".") break;
          content += line + "\r\n";
        }
        const std::lock_guard lock(mutex_);
        data_ = std::move(content);
        break;
      }
      case Step::Kind::read_any: {
        const Io io = peer.read_any();
        if (io != Io::ok) return io_failure(io, "reading");
        break;
      }
      case Step::Kind::sleep:
        if (!peer.pause(s.delay)) return;
        break;
      case Step::Kind::close: peer.close(); return;
      case Step::Kind::reset: peer.reset(); return;
      case Step::Kind::flood: {
        const std::string chunk(64 * 1024, 'A');
        std::size_t left = s.count;
        while (left > 0) {
          const std::size_t n = left < chunk.size() ? left : chunk.size();
          const Io io = peer.send_all(std::string_view(chunk).substr(0, n));
          if (io == Io::closed || io == Io::stopped) return;  // the client gave up, as it should
          if (io != Io::ok) return io_failure(io, "flooding");
          left -= n;
        }
        break;
      }
      case Step::Kind::start_tls: {
        const Io io = peer.start_tls(s.cert);
        if (io != Io::ok) return io_failure(io, "TLS handshake");
        break;
      }
      case Step::Kind::answer: {
        std::string line;
        const Io io = peer.read_line(line);
        if (io != Io::ok) return io_failure(io, "waiting for a line to answer");
        record_line(line);
        const Io sent = peer.send_all(s.respond(line, peer.ssl()));
        if (sent != Io::ok) return io_failure(sent, "answering '" + line + "'");
        break;
      }
      case Step::Kind::silent:
        for (;;) {
          const Io io = peer.read_any();
          if (io != Io::ok) return;
        }
    }
  }
}

}  // namespace check_mail::test_support
