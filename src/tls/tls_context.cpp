// Building the OpenSSL client context from TlsOptions.
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cctype>
#include <cstring>

#include "check_mail/net/error.hpp"
#include "tls_internal.hpp"

namespace check_mail::transport {

std::optional<TlsVersion> parse_tls_version(std::string_view text) {
  std::string lower;
  for (const char c : text) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string_view rest = lower;
  if (rest.starts_with("tlsv")) {
    rest.remove_prefix(4);
  } else if (rest.starts_with("tls")) {
    rest.remove_prefix(3);
  }
  if (rest == "1" || rest == "1.0") return TlsVersion::tls1_0;
  if (rest == "1.1") return TlsVersion::tls1_1;
  if (rest == "1.2") return TlsVersion::tls1_2;
  if (rest == "1.3") return TlsVersion::tls1_3;
  return std::nullopt;
}

std::string_view tls_version_name(TlsVersion version) {
  switch (version) {
    case TlsVersion::tls1_0: return "TLSv1";
    case TlsVersion::tls1_1: return "TLSv1.1";
    case TlsVersion::tls1_2: return "TLSv1.2";
    case TlsVersion::tls1_3: return "TLSv1.3";
  }
  return "TLS";
}

namespace tls_detail {
namespace {

int to_openssl(TlsVersion version) {
  switch (version) {
    case TlsVersion::tls1_0: return TLS1_VERSION;
    case TlsVersion::tls1_1: return TLS1_1_VERSION;
    case TlsVersion::tls1_2: return TLS1_2_VERSION;
    case TlsVersion::tls1_3: return TLS1_3_VERSION;
  }
  return TLS1_2_VERSION;
}

[[noreturn]] void config_error(const std::string& what) {
  const std::string reasons = drain_openssl_errors();
  throw TransportError(ErrorKind::config, reasons.empty() ? what : what + ": " + reasons);
}

void load_pem_anchors(SSL_CTX* context, const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (bio == nullptr) config_error("cannot read CA certificates");
  X509_STORE* store = SSL_CTX_get_cert_store(context);
  int added = 0;
  while (X509* certificate = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr)) {
    if (X509_STORE_add_cert(store, certificate) == 1) ++added;
    X509_free(certificate);
  }
  BIO_free(bio);
  ERR_clear_error();  // the loop ends with a harmless "no start line"
  if (added == 0) throw TransportError(ErrorKind::config, "no CA certificate found in the given PEM text");
}

int password_callback(char* buffer, int size, int /*rwflag*/, void* userdata) {
  const auto* password = static_cast<const std::string*>(userdata);
  if (password == nullptr || size <= 0) return 0;
  const std::size_t n = std::min(password->size(), static_cast<std::size_t>(size));
  std::memcpy(buffer, password->data(), n);
  return static_cast<int>(n);
}

void load_client_certificate(SSL_CTX* context, const TlsOptions& options) {
  if (options.cert_file.empty()) {
    if (!options.key_file.empty())
      throw TransportError(ErrorKind::config, "TLS key file given without a certificate file");
    return;
  }
  if (SSL_CTX_use_certificate_chain_file(context, options.cert_file.c_str()) != 1) {
    config_error("cannot load client certificate '" + options.cert_file + "'");
  }
  const std::string& key_file = options.key_file.empty() ? options.cert_file : options.key_file;
  // The password is only needed while the key is decrypted here; do not leave the pointer behind.
  SSL_CTX_set_default_passwd_cb(context, password_callback);
  SSL_CTX_set_default_passwd_cb_userdata(context, const_cast<std::string*>(&options.key_password));
  const int loaded = SSL_CTX_use_PrivateKey_file(context, key_file.c_str(), SSL_FILETYPE_PEM);
  SSL_CTX_set_default_passwd_cb_userdata(context, nullptr);
  if (loaded != 1) config_error("cannot load client key '" + key_file + "' (wrong password?)");
  if (SSL_CTX_check_private_key(context) != 1) {
    config_error("client key '" + key_file + "' does not match certificate '" + options.cert_file + "'");
  }
}

}  // namespace

ContextPtr make_client_context(const TlsOptions& options) {
  ContextPtr context(SSL_CTX_new(TLS_client_method()));
  if (!context) config_error("cannot create a TLS context");
  SSL_CTX* ctx = context.get();

  SSL_CTX_set_min_proto_version(ctx, to_openssl(options.min_version));
  if (options.max_version && SSL_CTX_set_max_proto_version(ctx, to_openssl(*options.max_version)) != 1) {
    config_error("cannot set the maximum TLS version");
  }
  if (options.max_version && *options.max_version < options.min_version) {
    throw TransportError(ErrorKind::config, "maximum TLS version is below the minimum");
  }
  if (!options.ciphers.empty()) {
    if (SSL_CTX_set_cipher_list(ctx, options.ciphers.c_str()) != 1) {
      config_error("invalid TLS cipher list '" + options.ciphers + "'");
    }
  } else if (options.min_version < TlsVersion::tls1_2) {
    // Legacy protocols were explicitly asked for: allow what they need.
    SSL_CTX_set_cipher_list(ctx, "DEFAULT:@SECLEVEL=0");
  }
  if (!options.ciphersuites.empty() && SSL_CTX_set_ciphersuites(ctx, options.ciphersuites.c_str()) != 1) {
    config_error("invalid TLS 1.3 cipher suites '" + options.ciphersuites + "'");
  }
  // Servers that close without close_notify are common; replies are self-delimiting anyway.
#ifdef SSL_OP_IGNORE_UNEXPECTED_EOF
  SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
#endif
  // One connection per run: a session cache would never be hit.
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);

  if (!options.ca_pem.empty()) {
    load_pem_anchors(ctx, options.ca_pem);
  } else if (!options.ca_file.empty() || !options.ca_path.empty()) {
    const char* file = options.ca_file.empty() ? nullptr : options.ca_file.c_str();
    const char* path = options.ca_path.empty() ? nullptr : options.ca_path.c_str();
    if (SSL_CTX_load_verify_locations(ctx, file, path) != 1) {
      config_error("cannot load CA certificates from '" + (file != nullptr ? options.ca_file : options.ca_path) + "'");
    }
  } else if (!tls_detail::skips_trust_store(options)) {
    use_system_trust_store(ctx);  // also when insecure: the would-be verdict is still reported
  }
  // Verification still runs in insecure mode (its result is reported), it just does not abort.
  SSL_CTX_set_verify(ctx, options.insecure ? SSL_VERIFY_NONE : SSL_VERIFY_PEER, nullptr);
  load_client_certificate(ctx, options);
  return context;
}

std::string drain_openssl_errors() {
  std::string text;
  while (const unsigned long code = ERR_get_error()) {
    const char* reason = ERR_reason_error_string(code);
    std::string part = reason != nullptr ? reason : ("error " + std::to_string(code));
    if (text.find(part) != std::string::npos) continue;
    if (!text.empty()) text += "; ";
    text += part;
  }
  return text;
}

}  // namespace tls_detail
}  // namespace check_mail::transport
