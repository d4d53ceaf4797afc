// libcurl, the distribution's shared library, loaded on the first HTTP request so that the
// SMTP, IMAP and POP3 modes never map it (nor GnuTLS, LDAP, SSH... that it brings along). The
// curl headers give the types and constants only; the few entry points are looked up with dlsym.
#define CURL_DISABLE_DEPRECATION 1
#include "check_mail/http/http.hpp"

#include <curl/curl.h>
#include <dlfcn.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "check_mail/http/redact.hpp"
#include "check_mail/net/error.hpp"
#include "check_mail/net/resolver.hpp"
#include "check_mail/tls/tls.hpp"
#include "check_mail/util/strings.hpp"
#include "check_mail/version.hpp"

namespace check_mail::transport {
namespace {

// The ELF ".note.dlopen" note (the convention of systemd's ELF_NOTE_DLOPEN), which lets
// packaging tools see the dependency that dlopen() hides from DT_NEEDED: owner "FDO", type
// 0x407c0c0a, a NUL-terminated JSON array as the descriptor, every part 4-byte aligned. The
// assembler makes a ".note*" section SHT_NOTE, and the linker puts it in a PT_NOTE segment.
constexpr char kDlopenNoteJson[] =
    R"json([{"feature":"http","description":"HTTP modes (SmarterMail REST API)","priority":"required",)json"
    R"json("soname":["libcurl.so.4"]}])json";
struct DlopenNote {
  std::uint32_t name_size, descriptor_size, type;
  char name[4];
  alignas(4) char json[sizeof kDlopenNoteJson];
};
// AddressSanitizer pads and realigns instrumented globals, which would break the note's layout.
#if defined(__clang__)
#define CHECK_MAIL_NOTE_ATTRIBUTES [[gnu::used, gnu::section(".note.dlopen"), clang::no_sanitize("address")]]
#else
#define CHECK_MAIL_NOTE_ATTRIBUTES [[gnu::used, gnu::section(".note.dlopen")]]
#endif
CHECK_MAIL_NOTE_ATTRIBUTES alignas(4) constexpr DlopenNote kDlopenNote = [] {
  DlopenNote note{sizeof "FDO", sizeof kDlopenNoteJson, 0x407c0c0a, "FDO", {}};
  std::copy(std::begin(kDlopenNoteJson), std::end(kDlopenNoteJson), note.json);
  return note;
}();

struct CurlApi {
  CURLcode (*global_init)(long);
  CURL* (*easy_init)();
  CURLcode (*easy_setopt)(CURL*, CURLoption, ...);
  CURLcode (*easy_perform)(CURL*);
  CURLcode (*easy_getinfo)(CURL*, CURLINFO, ...);
  void (*easy_cleanup)(CURL*);
  const char* (*easy_strerror)(CURLcode);
  curl_slist* (*slist_append)(curl_slist*, const char*);
  void (*slist_free_all)(curl_slist*);
};

template <typename T>
bool bind(void* library, const char* name, T& function) {
  function = reinterpret_cast<T>(dlsym(library, name));
  return function != nullptr;
}

// Set up once per process, on the first request; the library stays until exit.
const CurlApi& curl_api() {
  static const CurlApi api = [] {
    CurlApi loaded{};
    void* library = nullptr;
    // Debian's libcurl drags in GnuTLS through librtmp; we never use either, so spare the
    // time its load-time constructor spends initialising itself (documented GnuTLS switch).
    ::setenv("GNUTLS_NO_IMPLICIT_INIT", "1", 0);
    // RTLD_LAZY: libcurl and its thirty-odd libraries bind a function when it is first called,
    // not all of them at load (docs/building.md has the measurement). It weakens nothing: a
    // library linked with BIND_NOW is bound at load all the same, and the others' PLT stays
    // writable whichever flag is given (only -z now at their link makes it read-only).
    for (const char* name : {"libcurl.so.4", "libcurl.so", "libcurl-gnutls.so.4"})
      if ((library = dlopen(name, RTLD_LAZY | RTLD_LOCAL))) break;
    if (!library) throw HttpError(HttpError::Kind::Library, std::string("Cannot load libcurl: ") + dlerror());
    bool ok = bind(library, "curl_global_init", loaded.global_init) &&
              bind(library, "curl_easy_init", loaded.easy_init) &&
              bind(library, "curl_easy_setopt", loaded.easy_setopt) &&
              bind(library, "curl_easy_perform", loaded.easy_perform) &&
              bind(library, "curl_easy_getinfo", loaded.easy_getinfo) &&
              bind(library, "curl_easy_cleanup", loaded.easy_cleanup) &&
              bind(library, "curl_easy_strerror", loaded.easy_strerror) &&
              bind(library, "curl_slist_append", loaded.slist_append) &&
              bind(library, "curl_slist_free_all", loaded.slist_free_all);
    if (!ok) throw HttpError(HttpError::Kind::Library, "Cannot load libcurl: missing entry points");
    if (loaded.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
      throw HttpError(HttpError::Kind::Library, "Cannot initialise libcurl");
    return loaded;
  }();
  return api;
}

struct Transfer {
  std::string body;
  std::size_t max_body = 0;
  bool too_large = false;
  long status = 0;
  std::string reason;
  std::string content_type;
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  std::size_t length = size * count;
  if (transfer->body.size() + length > transfer->max_body) {
    transfer->too_large = true;
    return 0;  // makes curl stop with CURLE_WRITE_ERROR
  }
  // Room for the largest reply at once: address space only until written, and the body never
  // moves, so a big reply costs its size and not twice it (old and new block while growing).
  if (transfer->body.capacity() < transfer->max_body) transfer->body.reserve(transfer->max_body);
  transfer->body.append(data, length);
  return length;
}

// Keeps the status line's reason phrase, which curl does not expose: for a redirect chain the
// last status line wins.
std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  std::string_view line(data, size * count);
  if (line.substr(0, 5) == "HTTP/") {
    auto space = line.find(' ');
    auto second = space == std::string_view::npos ? space : line.find(' ', space + 1);
    transfer->reason = second == std::string_view::npos ? "" : std::string(util::trim(line.substr(second + 1)));
    transfer->content_type.clear();
  } else if (line.size() > 13 && util::iequals(line.substr(0, 13), "content-type:")) {
    transfer->content_type = std::string(util::trim(line.substr(13)));
  }
  return size * count;
}

// The system store as the mail modes read it (lazily); see use_system_trust_store.
CURLcode trust_system_store(CURL*, void* ssl_context, void*) {
  try {
    use_system_trust_store(static_cast<ssl_ctx_st*>(ssl_context));
    return CURLE_OK;
  } catch (...) {
    return CURLE_SSL_CACERT_BADFILE;
  }
}

// "host:port" of a URL, for messages.
std::string authority(const std::string& url) {
  auto start = url.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  auto end = url.find_first_of("/?#", start);
  return url.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

// "host:port" of a proxy URL, without "user:password@" (and without a scheme).
std::string proxy_authority(const std::string& proxy) {
  std::string text = authority(proxy.find("://") == std::string::npos ? "http://" + proxy : proxy);
  auto at = text.rfind('@');
  return at == std::string::npos ? text : text.substr(at + 1);
}

std::string host_of(const std::string& authority_text) {
  if (!authority_text.empty() && authority_text[0] == '[')
    return authority_text.substr(1, authority_text.find(']') - 1);
  return authority_text.substr(0, authority_text.rfind(':'));
}

std::string lower_first(std::string text) {
  if (!text.empty() && text[0] >= 'A' && text[0] <= 'Z') text[0] = static_cast<char>(text[0] - 'A' + 'a');
  return text;
}

long curl_tls_version(std::optional<TlsVersion> min, std::optional<TlsVersion> max) {
  long value = CURL_SSLVERSION_TLSv1;  // TLS, any version libcurl allows
  if (min) {
    switch (*min) {
      case TlsVersion::tls1_0: value = CURL_SSLVERSION_TLSv1_0; break;
      case TlsVersion::tls1_1: value = CURL_SSLVERSION_TLSv1_1; break;
      case TlsVersion::tls1_2: value = CURL_SSLVERSION_TLSv1_2; break;
      case TlsVersion::tls1_3: value = CURL_SSLVERSION_TLSv1_3; break;
    }
  }
  if (max) {
    switch (*max) {
      case TlsVersion::tls1_0: value |= CURL_SSLVERSION_MAX_TLSv1_0; break;
      case TlsVersion::tls1_1: value |= CURL_SSLVERSION_MAX_TLSv1_1; break;
      case TlsVersion::tls1_2: value |= CURL_SSLVERSION_MAX_TLSv1_2; break;
      case TlsVersion::tls1_3: value |= CURL_SSLVERSION_MAX_TLSv1_3; break;
    }
  }
  return value;
}

std::string budget_text(const Deadline& deadline) {
  double seconds = std::chrono::duration<double>(deadline.end() - deadline.start()).count();
  return util::format_number(std::round(seconds * 1000) / 1000) + "s";
}

// "host:port:address[,address...]" for CURLOPT_RESOLVE: the names resolved by the deadline-bound
// resolver (src/net/resolver.cpp), so that a hanging DNS server ends in our timeout. libcurl's
// threaded resolver would time out too, but its clean-up waits for the lookup thread to finish.
// Empty when there is nothing to resolve (an IP literal) or the authority cannot be parsed (then
// libcurl reports the malformed URL).
std::string resolved_entry(const std::string& authority_text, long default_port, const Deadline& deadline) {
  std::string host = host_of(authority_text);
  if (host.empty() || is_ip_literal(host)) return {};
  auto colon = authority_text.rfind(':');
  bool has_port = colon != std::string::npos && authority_text.find(']', colon) == std::string::npos;
  auto port = has_port ? util::parse_integer(authority_text.substr(colon + 1), 1, 65535)
                       : std::optional<long long>(default_port);
  if (!port || (!has_port && authority_text.find(':') != std::string::npos && authority_text[0] != '[')) return {};
  std::string entry = host + ":" + std::to_string(*port) + ":";
  bool first = true;
  for (const ResolvedAddress& address :
       resolve_host(host, static_cast<std::uint16_t>(*port), AddressFamily::any, deadline)) {
    entry += (first ? "" : ",") + (address.family == AF_INET6 ? "[" + address.text() + "]" : address.text());
    first = false;
  }
  return entry;
}

// resolved_entry, its failures as HttpError. what: "" or "proxy ", for the message.
std::string resolve_within(const std::string& authority_text, long default_port, const Deadline& deadline,
                           const std::string& url, const std::string& what) {
  try {
    return resolved_entry(authority_text, default_port, deadline);
  } catch (const TransportError& e) {
    if (e.kind() == ErrorKind::timeout)
      throw HttpError(HttpError::Kind::Timeout, "Timeout after " + budget_text(deadline) + " waiting for " + url +
                                                    " (resolving the " + what + "host name)");
    throw HttpError(HttpError::Kind::Resolve, "Cannot resolve " + what + "host name '" + host_of(authority_text) + "'");
  }
}

}  // namespace

HttpResponse HttpClient::perform(const HttpRequest& request, const Deadline& deadline) const {
  // Every message carries URLs (ours, the proxy's as libcurl quotes it, a Location): one place
  // removes their credentials.
  try {
    return perform_unredacted(request, deadline);
  } catch (const HttpError& e) {
    throw HttpError(e.kind(), redact_userinfo(e.what(), options_.proxy));
  }
}

HttpResponse HttpClient::perform_unredacted(const HttpRequest& request, const Deadline& deadline) const {
  const std::string target = authority(request.url);
  if (deadline.expired())
    throw HttpError(HttpError::Kind::Timeout, "Timeout after " + budget_text(deadline) + " waiting for " + request.url);
  const CurlApi& api = curl_api();

  std::unique_ptr<CURL, void (*)(CURL*)> curl(api.easy_init(), api.easy_cleanup);
  if (!curl) throw HttpError(HttpError::Kind::Library, "Cannot initialise libcurl");
  std::unique_ptr<curl_slist, void (*)(curl_slist*)> headers(nullptr, api.slist_free_all);
  for (const std::string& header : request.headers) headers.reset(api.slist_append(headers.release(), header.c_str()));
  std::unique_ptr<curl_slist, void (*)(curl_slist*)> resolve(nullptr, api.slist_free_all);

  Transfer transfer;
  transfer.max_body = options_.max_body;
  char error[CURL_ERROR_SIZE] = {0};
  CURL* h = curl.get();
  const std::string user_agent = std::string(kProgramName) + "/" + kVersion;
  api.easy_setopt(h, CURLOPT_URL, request.url.c_str());
  api.easy_setopt(h, CURLOPT_ERRORBUFFER, error);
  api.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  api.easy_setopt(h, CURLOPT_USERAGENT, user_agent.c_str());
  api.easy_setopt(h, CURLOPT_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS));
  api.easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  // HTTP/1.1: libcurl would otherwise negotiate HTTP/2 over TLS, where status lines have no
  // reason phrase to report.
  api.easy_setopt(h, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
  api.easy_setopt(h, CURLOPT_TIMEOUT_MS, std::max(1LL, deadline.remaining_ms()));
  api.easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  api.easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
  api.easy_setopt(h, CURLOPT_WRITEDATA, &transfer);
  api.easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
  api.easy_setopt(h, CURLOPT_HEADERDATA, &transfer);
  api.easy_setopt(h, CURLOPT_SSL_VERIFYPEER, options_.insecure ? 0L : 1L);
  api.easy_setopt(h, CURLOPT_SSL_VERIFYHOST, options_.insecure || !options_.verify_host ? 0L : 2L);
  if (!options_.client_cert.empty()) api.easy_setopt(h, CURLOPT_SSLCERT, options_.client_cert.c_str());
  if (!options_.client_key.empty()) api.easy_setopt(h, CURLOPT_SSLKEY, options_.client_key.c_str());
  if (!options_.ciphers.empty()) api.easy_setopt(h, CURLOPT_SSL_CIPHER_LIST, options_.ciphers.c_str());
  if (options_.tls_min || options_.tls_max)
    api.easy_setopt(h, CURLOPT_SSLVERSION, curl_tls_version(options_.tls_min, options_.tls_max));
  if (!options_.cafile.empty()) api.easy_setopt(h, CURLOPT_CAINFO, options_.cafile.c_str());
  if (!options_.capath.empty()) api.easy_setopt(h, CURLOPT_CAPATH, options_.capath.c_str());
  if (!options_.insecure && options_.cafile.empty() && options_.capath.empty() &&
      api.easy_setopt(h, CURLOPT_SSL_CTX_FUNCTION, &trust_system_store) == CURLE_OK) {
    // libcurl's own default reads the whole CA bundle on every run; the lazily read
    // store finds a public CA in the hashed directory. (An OpenSSL libcurl: others refuse the
    // option and keep their default.)
    api.easy_setopt(h, CURLOPT_CAINFO, static_cast<const char*>(nullptr));
    api.easy_setopt(h, CURLOPT_CAPATH, static_cast<const char*>(nullptr));
  }
  api.easy_setopt(h, CURLOPT_PROXY, options_.proxy.c_str());  // "" disables the environment's proxy
  std::vector<std::string> entries;
  if (!options_.peer_address.empty()) {
    std::string port = target.substr(target.rfind(':') + 1);
    entries.push_back(host_of(target) + ":" + port + ":" + options_.peer_address);
  } else if (options_.proxy.empty()) {
    entries.push_back(
        resolve_within(target, request.url.rfind("https:", 0) == 0 ? 443 : 80, deadline, request.url, ""));
  }
  if (!options_.proxy.empty())  // libcurl resolves the proxy's name, the proxy the server's
    entries.push_back(resolve_within(proxy_authority(options_.proxy), 1080, deadline, request.url, "proxy "));
  for (const std::string& entry : entries)
    if (!entry.empty()) resolve.reset(api.slist_append(resolve.release(), entry.c_str()));
  if (resolve) api.easy_setopt(h, CURLOPT_RESOLVE, resolve.get());
  if (request.method != "GET") {
    api.easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    api.easy_setopt(h, CURLOPT_POSTFIELDS, request.body.c_str());
    api.easy_setopt(h, CURLOPT_POSTFIELDSIZE, static_cast<long>(request.body.size()));
  }
  if (trace_) trace_(request.method + " " + redact_userinfo(request.url, options_.proxy));

  CURLcode code = api.easy_perform(h);
  if (code != CURLE_OK) {
    std::string detail = error[0] ? util::sanitize_line(error) : api.easy_strerror(code);
    long os_errno = 0;
    api.easy_getinfo(h, CURLINFO_OS_ERRNO, &os_errno);
    switch (code) {
      case CURLE_COULDNT_RESOLVE_HOST:
        throw HttpError(HttpError::Kind::Resolve, "Cannot resolve host name '" + host_of(target) + "'");
      case CURLE_COULDNT_RESOLVE_PROXY:
        throw HttpError(HttpError::Kind::Resolve, "Cannot resolve proxy host name: " + detail);
      case CURLE_COULDNT_CONNECT:
        // Through a proxy it is the proxy that could not be reached (named without its credentials).
        throw HttpError(HttpError::Kind::Connect,
                        "Cannot connect to " +
                            (options_.proxy.empty() ? target : "proxy " + proxy_authority(options_.proxy)) + ": " +
                            (os_errno ? lower_first(std::strerror(static_cast<int>(os_errno))) : detail));
      case CURLE_OPERATION_TIMEDOUT:
        throw HttpError(HttpError::Kind::Timeout,
                        "Timeout after " + budget_text(deadline) + " waiting for " + request.url);
      case CURLE_PEER_FAILED_VERIFICATION:
        throw HttpError(HttpError::Kind::TlsVerify,
                        "TLS certificate verification failed for " + target + ": " + detail);
      case CURLE_SSL_CONNECT_ERROR:
        throw HttpError(HttpError::Kind::Tls, "TLS handshake with " + target + " failed: " + detail);
      case CURLE_OUT_OF_MEMORY:
        // What this libcurl reports for a header line or header block past its limit (100 KiB).
        throw HttpError(HttpError::Kind::TooLarge,
                        "HTTP transfer failed for " + request.url + ": reply headers too large (or out of memory)");
      case CURLE_WRITE_ERROR:
        if (transfer.too_large)
          throw HttpError(HttpError::Kind::TooLarge, "Reply from " + request.url + " is larger than " +
                                                         std::to_string(options_.max_body >> 20) + " MiB");
        [[fallthrough]];
      default: throw HttpError(HttpError::Kind::Transfer, "HTTP transfer failed for " + request.url + ": " + detail);
    }
  }
  HttpResponse response;
  api.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
  char* location = nullptr;
  api.easy_getinfo(h, CURLINFO_REDIRECT_URL, &location);
  if (location) response.redirect_url = redact_userinfo(util::sanitize_line(location), options_.proxy);
  response.reason = transfer.reason;
  response.content_type = transfer.content_type;
  response.body = std::move(transfer.body);
  if (trace_) {
    trace_("HTTP " + std::to_string(response.status) + " " + response.reason + " (" +
           std::to_string(response.body.size()) + " bytes)");
    if (!response.redirect_url.empty())
      trace_("redirect to " + response.redirect_url + " not followed (redirects never are)");
  }
  return response;
}

}  // namespace check_mail::transport
