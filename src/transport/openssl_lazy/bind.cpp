// Binds a lazy OpenSSL stub (cmake/openssl-lazy-stubs.sh) on its first call: loads libcrypto and
// libssl once, looks the function up and fills the stub's slot, so later calls jump straight
// to OpenSSL. Should the library be missing, the check still ends the plugin's way: one
// UNKNOWN status line and exit code 3, not a loader error on stderr.
#include <dlfcn.h>
#include <unistd.h>

#include <cstring>

extern "C" {
extern void* check_mail_openssl_slots[];
extern const unsigned check_mail_openssl_stub_count;
extern const unsigned check_mail_openssl_crypto_count;  // stubs [0, n) are libcrypto's, the rest libssl's
extern const unsigned check_mail_openssl_name_offsets[];
extern const char check_mail_openssl_names[];
extern const char check_mail_openssl_crypto_soname[];
extern const char check_mail_openssl_ssl_soname[];

void* check_mail_openssl_bind(unsigned index);
}

namespace {

[[noreturn]] void fail(const char* what, const char* detail) {
  // Not through the report: this can happen in the middle of any OpenSSL call.
  const char* parts[] = {"UNKNOWN: Cannot load OpenSSL: ", what, " (", detail ? detail : "unknown error", ")\n"};
  for (const char* part : parts) {
    std::size_t left = std::strlen(part);
    while (left > 0) {
      ssize_t n = ::write(STDOUT_FILENO, part, left);
      if (n <= 0) break;
      part += n;
      left -= static_cast<std::size_t>(n);
    }
  }
  _exit(3);
}

void* open_library(const char* soname) {
  void* library = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
  if (!library) fail(soname, dlerror());
  return library;
}

}  // namespace

extern "C" void* check_mail_openssl_bind(unsigned index) {
  // dlopen() is thread-safe and returns the same handle when called again, so two threads
  // binding at once do the same work twice and store the same pointer.
  static void* const crypto = open_library(check_mail_openssl_crypto_soname);
  static void* const ssl = open_library(check_mail_openssl_ssl_soname);
  if (index >= check_mail_openssl_stub_count) fail("bad stub index", nullptr);
  const char* name = check_mail_openssl_names + check_mail_openssl_name_offsets[index];
  void* function = dlsym(index < check_mail_openssl_crypto_count ? crypto : ssl, name);
  if (!function) fail(name, dlerror());
  __atomic_store_n(&check_mail_openssl_slots[index], function, __ATOMIC_RELEASE);
  return function;
}
