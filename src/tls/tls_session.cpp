// The client handshake and record I/O on a non-blocking socket, with OpenSSL's failures turned
// into one-line messages that name the cause.
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <cerrno>
#include <cstring>

#include "check_mail/net/error.hpp"
#include "check_mail/net/resolver.hpp"
#include "check_mail/net/socket.hpp"
#include "check_mail/tls/tls_bio.hpp"
#include "tls_internal.hpp"

namespace check_mail::transport {
namespace {

std::string strip_brackets(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  return std::string(host);
}

X509* peer_certificate(SSL* ssl) {
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
  return SSL_get0_peer_certificate(ssl);
#else
  X509* certificate = SSL_get_peer_certificate(ssl);
  X509_free(certificate);  // still referenced by the session; keep the borrowed-pointer semantics
  return certificate;
#endif
}

// Sets SNI and the name the certificate must match.
void set_peer_name(SSL* ssl, const std::string& name) {
  if (is_ip_literal(name)) {
    if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), name.c_str()) != 1) {
      throw TransportError(ErrorKind::config, "invalid IP address for TLS verification: " + name);
    }
    return;  // RFC 6066: no SNI for IP literals
  }
  SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  if (SSL_set1_host(ssl, name.c_str()) != 1 || SSL_set_tlsext_host_name(ssl, name.c_str()) != 1) {
    throw TransportError(ErrorKind::config, "invalid TLS server name '" + name + "'");
  }
}

// The handshake failed with SSL_ERROR_SSL or SSL_ERROR_SYSCALL: find the most useful message.
[[noreturn]] void throw_handshake_failure(SSL* ssl, int ssl_error, int saved_errno, bool insecure) {
  // The verify result stays X509_V_OK until a certificate was checked, so any other value
  // is the reason the handshake was aborted.
  const long verify = SSL_get_verify_result(ssl);
  if (!insecure && verify != X509_V_OK) {
    ERR_clear_error();
    throw TransportError(ErrorKind::tls_verify,
                         std::string("certificate verify failed: ") + X509_verify_cert_error_string(verify));
  }
  const unsigned long first = ERR_peek_error();
  const int reason = first != 0 ? ERR_GET_REASON(first) : 0;
  if (ssl_error == SSL_ERROR_SYSCALL || ssl_error == SSL_ERROR_ZERO_RETURN) {
    ERR_clear_error();
    if (saved_errno == ECONNRESET) throw TransportError(ErrorKind::closed, "connection reset during TLS handshake");
    if (saved_errno == 0 || saved_errno == EPIPE) {
      throw TransportError(ErrorKind::closed, "connection closed during TLS handshake");
    }
    throw TransportError(ErrorKind::io, std::string("TLS handshake failed: ") + std::strerror(saved_errno));
  }
#ifdef SSL_R_UNEXPECTED_EOF_WHILE_READING
  if (reason == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
    ERR_clear_error();
    throw TransportError(ErrorKind::closed, "connection closed during TLS handshake");
  }
#endif
  if (reason == SSL_R_WRONG_VERSION_NUMBER || reason == SSL_R_PACKET_LENGTH_TOO_LONG ||
      reason == SSL_R_RECORD_LENGTH_MISMATCH) {
    const std::string what = tls_detail::drain_openssl_errors();
    throw TransportError(ErrorKind::tls, "TLS handshake failed: " + what + " (is the port plain text?)");
  }
  std::string what = tls_detail::drain_openssl_errors();
  if (what.empty()) what = "unknown error";
  throw TransportError(ErrorKind::tls, "TLS handshake failed: " + what);
}

void fill_info(SSL* ssl, TlsInfo& info) {
  info.protocol = SSL_get_version(ssl);
  const char* cipher = SSL_get_cipher_name(ssl);
  info.cipher = cipher != nullptr ? cipher : "";
  if (X509* certificate = peer_certificate(ssl)) info.peer_certificate = tls_detail::describe_certificate(certificate);
  info.verify_code = SSL_get_verify_result(ssl);
  info.verify_message = X509_verify_cert_error_string(info.verify_code);
  info.verified = info.peer_certificate.has_value() && info.verify_code == X509_V_OK;
}

}  // namespace

void TlsSession::SslDeleter::operator()(ssl_st* ssl) const noexcept { SSL_free(ssl); }
void TlsSession::ContextDeleter::operator()(ssl_ctx_st* context) const noexcept { SSL_CTX_free(context); }

TlsSession::TlsSession(TlsSession&&) noexcept = default;
TlsSession& TlsSession::operator=(TlsSession&&) noexcept = default;
TlsSession::~TlsSession() = default;

TlsSession TlsSession::handshake(int fd, std::string_view host, const TlsOptions& options, const Deadline& deadline) {
  const auto start = Deadline::Clock::now();
  ERR_clear_error();
  TlsSession session;
  session.fd_ = fd;
  session.context_.reset(tls_detail::make_client_context(options).release());
  session.ssl_.reset(SSL_new(session.context_.get()));
  SSL* ssl = session.ssl_.get();
  if (ssl == nullptr)
    throw TransportError(ErrorKind::tls, "cannot create a TLS session: " + tls_detail::drain_openssl_errors());
  BIO* bio = new_nosigpipe_socket_bio(fd);
  SSL_set_bio(ssl, bio, bio);  // the SSL now owns the BIO

  session.info_.server_name = options.server_name.empty() ? strip_brackets(host) : options.server_name;
  session.info_.verification_skipped = options.insecure;
  set_peer_name(ssl, session.info_.server_name);

  for (;;) {
    ERR_clear_error();
    errno = 0;
    const int rc = SSL_connect(ssl);
    if (rc == 1) break;
    const int saved_errno = errno;
    const int error = SSL_get_error(ssl, rc);
    if (error == SSL_ERROR_WANT_READ) {
      wait_ready(fd, Readiness::readable, deadline, "during TLS handshake");
    } else if (error == SSL_ERROR_WANT_WRITE) {
      wait_ready(fd, Readiness::writable, deadline, "during TLS handshake");
    } else {
      throw_handshake_failure(ssl, error, saved_errno, options.insecure);
    }
  }
  fill_info(ssl, session.info_);
  if (tls_detail::skips_trust_store(options)) session.info_.verify_message = "not evaluated (--insecure)";
  session.info_.handshake_seconds = std::chrono::duration<double>(Deadline::Clock::now() - start).count();
  return session;
}

std::size_t TlsSession::read_some(char* buffer, std::size_t capacity, const Deadline& deadline) {
  SSL* ssl = ssl_.get();
  for (;;) {
    ERR_clear_error();
    errno = 0;
    std::size_t received = 0;
    if (SSL_read_ex(ssl, buffer, capacity, &received) == 1) return received;
    const int saved_errno = errno;
    switch (SSL_get_error(ssl, 0)) {
      case SSL_ERROR_WANT_READ: wait_ready(fd_, Readiness::readable, deadline, "waiting for data from server"); break;
      case SSL_ERROR_WANT_WRITE: wait_ready(fd_, Readiness::writable, deadline, "waiting for data from server"); break;
      case SSL_ERROR_ZERO_RETURN: return 0;
      case SSL_ERROR_SYSCALL:
        ERR_clear_error();
        if (saved_errno == 0) return 0;
        if (saved_errno == ECONNRESET) throw TransportError(ErrorKind::closed, "connection reset by server");
        throw TransportError(ErrorKind::io, std::string("TLS read failed: ") + std::strerror(saved_errno));
      default: {
        const std::string what = tls_detail::drain_openssl_errors();
        throw TransportError(ErrorKind::tls,
                             "TLS read failed: " + (what.empty() ? std::string("unknown error") : what));
      }
    }
  }
}

void TlsSession::write_all(std::string_view bytes, const Deadline& deadline) {
  SSL* ssl = ssl_.get();
  while (!bytes.empty()) {
    ERR_clear_error();
    errno = 0;
    std::size_t written = 0;
    if (SSL_write_ex(ssl, bytes.data(), bytes.size(), &written) == 1) {
      bytes.remove_prefix(written);
      continue;
    }
    const int saved_errno = errno;
    switch (SSL_get_error(ssl, 0)) {
      case SSL_ERROR_WANT_READ: wait_ready(fd_, Readiness::readable, deadline, "sending data to server"); break;
      case SSL_ERROR_WANT_WRITE: wait_ready(fd_, Readiness::writable, deadline, "sending data to server"); break;
      case SSL_ERROR_ZERO_RETURN: throw TransportError(ErrorKind::closed, "connection closed by server while sending");
      case SSL_ERROR_SYSCALL:
        ERR_clear_error();
        if (saved_errno == EPIPE || saved_errno == ECONNRESET || saved_errno == 0) {
          throw TransportError(ErrorKind::closed, "connection closed by server while sending");
        }
        throw TransportError(ErrorKind::io, std::string("TLS write failed: ") + std::strerror(saved_errno));
      default: {
        const std::string what = tls_detail::drain_openssl_errors();
        throw TransportError(ErrorKind::tls,
                             "TLS write failed: " + (what.empty() ? std::string("unknown error") : what));
      }
    }
  }
}

void TlsSession::shutdown() noexcept {
  if (ssl_) {
    (void)SSL_shutdown(ssl_.get());  // one non-blocking attempt; the socket is closed right after
    ERR_clear_error();
  }
}

}  // namespace check_mail::transport
