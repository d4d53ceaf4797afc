#include "check_mail/tls/tls_bio.hpp"

#include <openssl/bio.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstdint>

#include "check_mail/net/error.hpp"

namespace check_mail::transport {
namespace {

int fd_of(BIO* bio) { return static_cast<int>(reinterpret_cast<std::intptr_t>(BIO_get_data(bio))); }

bool would_block(int error) { return error == EAGAIN || error == EWOULDBLOCK || error == EINTR; }

int bio_write(BIO* bio, const char* data, int length) {
  BIO_clear_retry_flags(bio);
  const ssize_t sent = ::send(fd_of(bio), data, static_cast<std::size_t>(length), MSG_NOSIGNAL);
  if (sent < 0 && would_block(errno)) BIO_set_retry_write(bio);
  return static_cast<int>(sent);
}

int bio_read(BIO* bio, char* data, int length) {
  BIO_clear_retry_flags(bio);
  const ssize_t received = ::recv(fd_of(bio), data, static_cast<std::size_t>(length), 0);
  if (received < 0 && would_block(errno)) BIO_set_retry_read(bio);
  return static_cast<int>(received);
}

int bio_puts(BIO* bio, const char* text) {
  int length = 0;
  while (text[length] != '\0') ++length;
  return bio_write(bio, text, length);
}

long bio_ctrl(BIO* /*bio*/, int command, long /*number*/, void* /*pointer*/) {
  // The socket has no user-space buffer: flushing is always complete; nothing else is supported.
  return command == BIO_CTRL_FLUSH ? 1 : 0;
}

// Created once on first TLS use and kept for the life of the process.
const BIO_METHOD* method() {
  static BIO_METHOD* const instance = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK | BIO_TYPE_DESCRIPTOR,
                                 "check_mail socket (MSG_NOSIGNAL)");
    if (m != nullptr) {
      BIO_meth_set_write(m, bio_write);
      BIO_meth_set_read(m, bio_read);
      BIO_meth_set_puts(m, bio_puts);
      BIO_meth_set_ctrl(m, bio_ctrl);
    }
    return m;
  }();
  return instance;
}

}  // namespace

bio_st* new_nosigpipe_socket_bio(int fd) {
  const BIO_METHOD* m = method();
  BIO* bio = m != nullptr ? BIO_new(m) : nullptr;
  if (bio == nullptr) throw TransportError(ErrorKind::tls, "cannot allocate an OpenSSL BIO");
  BIO_set_data(bio, reinterpret_cast<void*>(static_cast<std::intptr_t>(fd)));
  BIO_set_init(bio, 1);
  return bio;
}

}  // namespace check_mail::transport
