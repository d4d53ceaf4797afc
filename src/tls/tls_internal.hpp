#pragma once
// Helpers shared by the TLS sources; private to check_mail_net (OpenSSL types allowed here).
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <memory>
#include <string>

#include "check_mail/tls/tls.hpp"

namespace check_mail::transport::tls_detail {

struct CtxFree {
  void operator()(SSL_CTX* context) const noexcept { SSL_CTX_free(context); }
};
using ContextPtr = std::unique_ptr<SSL_CTX, CtxFree>;

// A client context configured from options: protocol range, ciphers, trust anchors, verify
// mode, client certificate. Throws TransportError(config) naming the bad setting.
[[nodiscard]] ContextPtr make_client_context(const TlsOptions& options);

// True when the context gets no trust anchors at all: an insecure check that did not ask for
// the would-be verdict and names no CA of its own (TlsOptions::evaluate_when_insecure).
[[nodiscard]] inline bool skips_trust_store(const TlsOptions& options) {
  return options.insecure && !options.evaluate_when_insecure && options.ca_pem.empty() && options.ca_file.empty() &&
         options.ca_path.empty();
}

// Subject, issuer, validity and names of a certificate.
[[nodiscard]] CertificateInfo describe_certificate(X509* certificate);

// Drains OpenSSL's error queue into "reason1; reason2" (empty if the queue was empty).
[[nodiscard]] std::string drain_openssl_errors();

}  // namespace check_mail::transport::tls_detail
