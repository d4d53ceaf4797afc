// The TLS session's channel binding (RFC 5056) for the SASL -PLUS mechanisms: tls-exporter on
// TLS 1.3 (RFC 9266), tls-server-end-point before it (RFC 5929; tls-exporter is only safe with
// the extended master secret, and tls-unique is not defined for TLS 1.3).
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "check_mail/tls/tls.hpp"

namespace check_mail::transport {
namespace {

std::optional<ChannelBinding> exporter(SSL* ssl) {
  static constexpr char kLabel[] = "EXPORTER-Channel-Binding";  // RFC 9266 2, empty context
  unsigned char out[32];
  if (SSL_export_keying_material(ssl, out, sizeof out, kLabel, sizeof kLabel - 1, nullptr, 0, 1) != 1) {
    return std::nullopt;
  }
  return ChannelBinding{"tls-exporter", std::string(reinterpret_cast<const char*>(out), sizeof out)};
}

// RFC 5929 4.1: the hash of the server's certificate, with the hash of its signature algorithm,
// SHA-256 where that is MD5 or SHA-1.
std::optional<ChannelBinding> server_end_point(SSL* ssl) {
  X509* certificate = SSL_get1_peer_certificate(ssl);
  if (certificate == nullptr) return std::nullopt;
  std::optional<ChannelBinding> binding;
  int digest_nid = NID_undef;
  if (X509_get_signature_info(certificate, &digest_nid, nullptr, nullptr, nullptr) == 1) {
    const EVP_MD* md = digest_nid == NID_md5 || digest_nid == NID_sha1 ? EVP_sha256() : EVP_get_digestbynid(digest_nid);
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (md != nullptr && X509_digest(certificate, md, out, &length) == 1) {
      binding = ChannelBinding{"tls-server-end-point", std::string(reinterpret_cast<const char*>(out), length)};
    }
  }
  X509_free(certificate);
  return binding;
}

}  // namespace

std::optional<ChannelBinding> TlsSession::channel_binding() const {
  if (!ssl_) return std::nullopt;
  return SSL_version(ssl_.get()) >= TLS1_3_VERSION ? exporter(ssl_.get()) : server_end_point(ssl_.get());
}

}  // namespace check_mail::transport
