// The system trust store, loaded lazily. OpenSSL's default (SSL_CTX_set_default_verify_paths)
// parses the whole CA bundle file up front, on every run, while registering the hashed directory
// costs next to nothing (docs/building.md has the figures). So the hashed directory
// (SSL_CERT_DIR or OpenSSL's default) is consulted first, file by file, and the bundle file
// (SSL_CERT_FILE or the default) only when the directory lacks an issuer: same trust, no cost
// for the common case. Distributions without hash links simply always fall through to the file.
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <cstdlib>
#include <string>

#include "check_mail/net/error.hpp"
#include "tls_internal.hpp"

namespace check_mail::transport::tls_detail {
namespace {

struct LazyFile {
  std::string path;
  bool loaded = false;
};

LazyFile* state_of(X509_LOOKUP* lookup) { return static_cast<LazyFile*>(X509_LOOKUP_get_method_data(lookup)); }

void free_state(X509_LOOKUP* lookup) {
  delete state_of(lookup);
  X509_LOOKUP_set_method_data(lookup, nullptr);
}

// Copies a store object into `ret` as a borrowed reference, as OpenSSL's own lookups do.
bool borrow(const X509_OBJECT* found, X509_OBJECT* ret) {
  if (X509* cert = X509_OBJECT_get0_X509(found)) {
    if (X509_OBJECT_set1_X509(ret, cert) != 1) return false;
    X509_free(cert);
    return true;
  }
  if (X509_CRL* crl = X509_OBJECT_get0_X509_CRL(found)) {
    if (X509_OBJECT_set1_X509_CRL(ret, crl) != 1) return false;
    X509_CRL_free(crl);
    return true;
  }
  return false;
}

// The bundle file parsed once per process and path (parsing is the cost): an HTTPS check opens
// two connections, login then request, each with its own context. Keyed by the path, so a
// changed SSL_CERT_FILE (tests, or a long-lived caller) is read anew rather than served from the
// first file. The certificates are copied into each context's store by reference, so replacing
// the cached bundle is safe. nullptr if unreadable.
X509_STORE* parsed_bundle(const std::string& path) {
  struct Cached {
    std::string path;
    X509_STORE* store = nullptr;
    bool parsed = false;
  };
  static Cached cached;
  if (cached.parsed && cached.path == path) return cached.store;
  X509_STORE_free(cached.store);
  cached = Cached{path, nullptr, true};
  X509_STORE* parsed = X509_STORE_new();
  X509_LOOKUP* file = parsed != nullptr ? X509_STORE_add_lookup(parsed, X509_LOOKUP_file()) : nullptr;
  if (file == nullptr || X509_load_cert_crl_file(file, path.c_str(), X509_FILETYPE_PEM) <= 0) {
    ERR_clear_error();
    X509_STORE_free(parsed);
    return nullptr;
  }
  cached.store = parsed;
  return parsed;
}

int lazy_get_by_subject(X509_LOOKUP* lookup, X509_LOOKUP_TYPE type, const X509_NAME* name, X509_OBJECT* ret) {
  LazyFile* state = state_of(lookup);
  X509_STORE* store = X509_LOOKUP_get_store(lookup);
  if (state == nullptr || store == nullptr) return 0;
  if (!state->loaded) {
    state->loaded = true;  // one attempt, whatever its outcome
    X509_STORE* bundle = parsed_bundle(state->path);
    if (bundle == nullptr) return 0;
    const STACK_OF(X509_OBJECT)* objects = X509_STORE_get0_objects(bundle);
    for (int i = 0; i < sk_X509_OBJECT_num(objects); ++i) {
      const X509_OBJECT* object = sk_X509_OBJECT_value(objects, i);
      if (X509* certificate = X509_OBJECT_get0_X509(object))
        X509_STORE_add_cert(store, certificate);
      else if (X509_CRL* crl = X509_OBJECT_get0_X509_CRL(object))
        X509_STORE_add_crl(store, crl);
    }
    ERR_clear_error();  // a certificate already in the store is not worth reporting
  }
  if (X509_STORE_lock(store) != 1) return 0;
  const X509_OBJECT* found =
      X509_OBJECT_retrieve_by_subject(X509_STORE_get0_objects(store), type, const_cast<X509_NAME*>(name));
  const bool ok = found != nullptr && borrow(found, ret);
  X509_STORE_unlock(store);
  return ok ? 1 : 0;
}

// Created on first TLS use, kept for the life of the process.
X509_LOOKUP_METHOD* lazy_file_method() {
  static X509_LOOKUP_METHOD* const method = [] {
    X509_LOOKUP_METHOD* m = X509_LOOKUP_meth_new("check_mail lazy CA file");
    if (m != nullptr) {
      X509_LOOKUP_meth_set_get_by_subject(m, lazy_get_by_subject);
      X509_LOOKUP_meth_set_free(m, free_state);
    }
    return m;
  }();
  return method;
}

std::string from_env_or(const char* variable, const char* fallback) {
  const char* value = std::getenv(variable);
  return value != nullptr && *value != '\0' ? value : fallback;
}

}  // namespace

}  // namespace check_mail::transport::tls_detail

namespace check_mail::transport {

using tls_detail::from_env_or;
using tls_detail::lazy_file_method;
using tls_detail::LazyFile;

void use_system_trust_store(SSL_CTX* context) {
  X509_STORE* store = SSL_CTX_get_cert_store(context);
  const std::string dir = from_env_or(X509_get_default_cert_dir_env(), X509_get_default_cert_dir());
  const std::string file = from_env_or(X509_get_default_cert_file_env(), X509_get_default_cert_file());

  X509_LOOKUP* by_dir = X509_STORE_add_lookup(store, X509_LOOKUP_hash_dir());
  if (by_dir == nullptr || X509_LOOKUP_add_dir(by_dir, dir.c_str(), X509_FILETYPE_PEM) != 1) ERR_clear_error();

  X509_LOOKUP_METHOD* method = lazy_file_method();
  X509_LOOKUP* by_file = method != nullptr ? X509_STORE_add_lookup(store, method) : nullptr;
  if (by_file == nullptr) {
    // Cannot defer: fall back to OpenSSL's eager default.
    ERR_clear_error();
    if (SSL_CTX_set_default_verify_paths(context) != 1) {
      throw TransportError(ErrorKind::config, "cannot load the system CA store");
    }
    return;
  }
  X509_LOOKUP_set_method_data(by_file, new LazyFile{file, false});
}

}  // namespace check_mail::transport
