#pragma once
// HTTP(S) requests through libcurl. libcurl is loaded with dlopen() on the first request, so
// modes that never speak HTTP do not pay for loading it and its dependencies at start-up.
// Redirects are not followed (the SmarterMail API never redirects, and a redirect to another
// host or to plain HTTP must not be able to answer for the server checked). Host names are
// resolved within the deadline before libcurl runs, whose own resolver thread could outlive it.
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "check_mail/net/deadline.hpp"
#include "check_mail/tls/tls.hpp"

namespace check_mail::transport {

struct HttpOptions {
  bool insecure = false;    // skip certificate and host name verification
  bool verify_host = true;  // false: the chain is verified, the host name is not
  std::string cafile;       // CA bundle instead of the system store
  std::string capath;
  std::string client_cert;  // PEM client certificate (and key, unless client_key)
  std::string client_key;
  std::string ciphers;                // OpenSSL cipher list (TLS 1.2 and older)
  std::optional<TlsVersion> tls_min;  // unset: libcurl's defaults
  std::optional<TlsVersion> tls_max;
  std::string proxy;         // --proxyurl
  std::string peer_address;  // connect here, keep the URL's host for TLS and Host (--http-peer-addr)
  std::size_t max_body = 16u << 20;
};

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::string body;
};

struct HttpResponse {
  long status = 0;
  std::string reason;  // the status line's reason phrase ("Unauthorized")
  std::string content_type;
  std::string body;
  std::string redirect_url;  // a 3xx reply's Location, credentials removed: redirects are never followed
};

// A request that produced no HTTP reply: refused, timed out, DNS, TLS, too large, ...
class HttpError : public std::runtime_error {
public:
  enum class Kind { Resolve, Connect, Timeout, Tls, TlsVerify, TooLarge, Transfer, Library };
  HttpError(Kind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  [[nodiscard]] Kind kind() const { return kind_; }

private:
  Kind kind_;
};

class HttpClient {
public:
  explicit HttpClient(HttpOptions options) : options_(std::move(options)) {}
  // Lines of the exchange for --debug, with credentials already removed by the caller's
  // redactor (the Authorization header is never logged).
  void set_trace(std::function<void(const std::string&)> trace) { trace_ = std::move(trace); }

  // Performs the request within what is left of the deadline. Throws HttpError.
  HttpResponse perform(const HttpRequest& request, const Deadline& deadline) const;

private:
  HttpResponse perform_unredacted(const HttpRequest& request, const Deadline& deadline) const;

  HttpOptions options_;
  std::function<void(const std::string&)> trace_;
};

}  // namespace check_mail::transport
