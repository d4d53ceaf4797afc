#pragma once
// An OpenSSL BIO over a socket that writes with MSG_NOSIGNAL. OpenSSL's own socket BIO uses
// write(), which raises SIGPIPE (killing the plugin) when the peer has gone away.
struct bio_st;

namespace check_mail::transport {

// New BIO reading/writing fd (not owned: freeing the BIO leaves the fd open). Never null;
// throws TransportError(tls) if OpenSSL cannot allocate it.
[[nodiscard]] bio_st* new_nosigpipe_socket_bio(int fd);

}  // namespace check_mail::transport
