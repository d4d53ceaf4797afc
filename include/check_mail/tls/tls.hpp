#pragma once
// TLS (OpenSSL) over an already connected non-blocking socket: options, the handshake under the
// check's Deadline, record I/O, and what the handshake revealed (protocol, cipher, certificate,
// verification result). OpenSSL is initialised lazily by the first handshake, so checks that
// never use TLS pay nothing for it. OpenSSL types stay out of this header.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "check_mail/net/deadline.hpp"

struct ssl_st;
struct ssl_ctx_st;

namespace check_mail::transport {

enum class TlsVersion { tls1_0, tls1_1, tls1_2, tls1_3 };

// Accepts "1.0".."1.3", optionally prefixed "tls"/"tlsv" (any case). nullopt otherwise.
[[nodiscard]] std::optional<TlsVersion> parse_tls_version(std::string_view text);
// "TLSv1.2" style name as OpenSSL reports it.
[[nodiscard]] std::string_view tls_version_name(TlsVersion version);

struct TlsOptions {
  // Skip chain and host-name verification. The certificate is still captured and verified for
  // information, so the mode can still report expiry and what verification would have said.
  bool insecure = false;
  // With insecure and the system store: whether to still evaluate the chain against the store
  // for the would-be verdict (only --verbose shows it). A private CA's issuer is missing from
  // the hashed directory, and that miss costs reading the whole system CA bundle.
  bool evaluate_when_insecure = true;
  // Name sent as SNI and verified against the certificate; empty: the host connected to.
  // IP literals get no SNI and are matched against the certificate's IP addresses.
  std::string server_name;
  // Trust anchors. All empty: the system store (a lazily read hashed directory when there is one).
  std::string ca_file;
  std::string ca_path;
  std::string ca_pem;  // PEM text in memory (tests, embedding); used instead of the system store
  // Client certificate for mutual TLS (PEM). key_file empty: the key is in cert_file.
  std::string cert_file;
  std::string key_file;
  std::string key_password;
  std::string ciphers;       // OpenSSL cipher list for TLS <= 1.2; empty: library default
  std::string ciphersuites;  // TLS 1.3 suites; empty: library default
  // Oldest protocol accepted. Below 1.2 also lowers OpenSSL's security level (unless a cipher
  // list is given) because legacy servers need SHA-1 signatures and old ciphers.
  TlsVersion min_version = TlsVersion::tls1_2;
  std::optional<TlsVersion> max_version;
};

struct CertificateInfo {
  std::string subject;  // RFC 2253 one-liner: "CN=mail.example.com,O=Example"
  std::string issuer;
  std::string serial;                          // hex
  std::vector<std::string> subject_alt_names;  // "DNS:mail.example.com", "IP:192.0.2.1"
  std::string not_before;                      // ISO 8601 UTC: "2025-01-31T12:00:00Z"
  std::string not_after;
  std::int64_t not_before_epoch = 0;  // Unix seconds
  std::int64_t not_after_epoch = 0;
  double days_until_expiry = 0;  // from now; negative once expired
};

struct TlsInfo {
  std::string protocol;     // "TLSv1.3"
  std::string cipher;       // "TLS_AES_256_GCM_SHA384"
  std::string server_name;  // the name verified (and sent as SNI unless an IP literal)
  std::optional<CertificateInfo> peer_certificate;
  // Chain, dates and host name all checked out. Computed even when verification was skipped.
  bool verified = false;
  bool verification_skipped = false;  // TlsOptions::insecure was set
  long verify_code = 0;               // X509_V_* result
  std::string verify_message;         // "ok", "certificate has expired", "Hostname mismatch", ...
  double handshake_seconds = 0;
};

// RFC 5056 channel-binding data of a TLS session, for the SASL -PLUS mechanisms.
struct ChannelBinding {
  std::string type;  // "tls-exporter" (TLS 1.3, RFC 9266) or "tls-server-end-point" (RFC 5929)
  std::string data;  // the binding bytes
};

// A client TLS session on a socket it does not own. Move-only.
class TlsSession {
public:
  // Runs the client handshake on the connected non-blocking fd, verifying `host` (or
  // options.server_name). Throws TransportError: tls_verify ("certificate verify failed: <why>"),
  // tls (handshake failure, e.g. "TLS handshake failed: wrong version number (is the port plain
  // text?)"), closed ("connection closed during TLS handshake"), timeout, config (bad options).
  static TlsSession handshake(int fd, std::string_view host, const TlsOptions& options, const Deadline& deadline);

  TlsSession(TlsSession&&) noexcept;
  TlsSession& operator=(TlsSession&&) noexcept;
  TlsSession(const TlsSession&) = delete;
  TlsSession& operator=(const TlsSession&) = delete;
  ~TlsSession();

  // Reads up to `capacity` decrypted bytes, waiting until some arrive. 0 means the peer closed.
  [[nodiscard]] std::size_t read_some(char* buffer, std::size_t capacity, const Deadline& deadline);
  // Writes all bytes. Throws TransportError(closed/timeout/tls).
  void write_all(std::string_view bytes, const Deadline& deadline);
  // Sends close_notify without waiting for the peer's (best effort, never throws).
  void shutdown() noexcept;

  [[nodiscard]] const TlsInfo& info() const noexcept { return info_; }
  // The channel binding SASL -PLUS mechanisms bind to: tls-exporter on TLS 1.3, else
  // tls-server-end-point. nullopt when it cannot be computed (e.g. an unknown signature hash).
  [[nodiscard]] std::optional<ChannelBinding> channel_binding() const;

private:
  struct SslDeleter {
    void operator()(ssl_st* ssl) const noexcept;
  };
  struct ContextDeleter {
    void operator()(ssl_ctx_st* context) const noexcept;
  };
  TlsSession() = default;

  std::unique_ptr<ssl_ctx_st, ContextDeleter> context_;
  std::unique_ptr<ssl_st, SslDeleter> ssl_;
  int fd_ = -1;
  TlsInfo info_;
};

// Makes an OpenSSL context (SSL_CTX*) trust the system CA store, read lazily: the hashed
// directory (SSL_CERT_DIR or OpenSSL's default) first, the bundle file (SSL_CERT_FILE or the
// default) only when an issuer is not found there. Reading Debian's whole bundle is costly,
// so the TLS sessions use this, and HTTPS too (CURLOPT_SSL_CTX_FUNCTION). Throws
// TransportError(config) when the store cannot be set up.
void use_system_trust_store(ssl_ctx_st* context);

}  // namespace check_mail::transport
