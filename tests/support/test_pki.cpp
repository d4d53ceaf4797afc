#include "support/test_pki.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>

namespace check_mail::test_support {
namespace {

struct KeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct CertFree {
  void operator()(X509* cert) const { X509_free(cert); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, KeyFree>;
using CertPtr = std::unique_ptr<X509, CertFree>;

constexpr long kDay = 24 * 60 * 60;

void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("test PKI: ") + what + " failed");
}

KeyPtr new_key() {
  KeyPtr key(EVP_EC_gen("P-256"));
  check(key != nullptr, "EC key generation");
  return key;
}

void add_extension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  check(extension != nullptr, "certificate extension");
  X509_add_ext(cert, extension, -1);
  X509_EXTENSION_free(extension);
}

struct CertSpec {
  std::string common_name;
  std::string alt_names;    // "DNS:localhost,IP:127.0.0.1"; empty: none
  long not_before = -kDay;  // seconds from now
  long not_after = 90 * kDay;
  bool is_ca = false;
  bool client = false;
};

CertPtr make_certificate(const CertSpec& spec, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key) {
  static long serial = 1;
  CertPtr cert(X509_new());
  check(cert != nullptr, "X509_new");
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial++);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), spec.not_before);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), spec.not_after);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("check_mail tests"), -1,
                             -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(spec.common_name.c_str()),
                             -1, -1, 0);
  X509* signer = issuer != nullptr ? issuer : cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(signer));
  if (spec.is_ca) {
    add_extension(cert.get(), signer, NID_basic_constraints, "critical,CA:TRUE");
    add_extension(cert.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    add_extension(cert.get(), signer, NID_basic_constraints, "critical,CA:FALSE");
    add_extension(cert.get(), signer, NID_ext_key_usage, spec.client ? "clientAuth" : "serverAuth");
  }
  add_extension(cert.get(), signer, NID_subject_key_identifier, "hash");
  if (!spec.alt_names.empty()) add_extension(cert.get(), signer, NID_subject_alt_name, spec.alt_names.c_str());
  check(X509_sign(cert.get(), issuer_key != nullptr ? issuer_key : key, EVP_sha256()) > 0, "X509_sign");
  return cert;
}

std::string to_pem(X509* cert) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert);
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<std::size_t>(length));
  BIO_free(bio);
  return pem;
}

std::string to_pem(EVP_PKEY* key, const EVP_CIPHER* cipher = nullptr, const std::string& password = {}) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, cipher,
                           cipher != nullptr ? reinterpret_cast<const unsigned char*>(password.data()) : nullptr,
                           static_cast<int>(password.size()), nullptr, nullptr);
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<std::size_t>(length));
  BIO_free(bio);
  return pem;
}

KeyPtr key_from_pem(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  KeyPtr key(PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr));
  BIO_free(bio);
  check(key != nullptr, "reading key");
  return key;
}

}  // namespace

const TestPki& TestPki::instance() {
  static const TestPki pki;
  return pki;
}

TestPki::TestPki() {
  const KeyPtr ca_key = new_key();
  const CertPtr ca =
      make_certificate({"check_mail test CA", "", -kDay, 3650 * kDay, true, false}, ca_key.get(), nullptr, nullptr);
  ca_ = {to_pem(ca.get()), to_pem(ca_key.get())};

  const auto issue = [&](const CertSpec& spec, bool self_signed) {
    const KeyPtr key = new_key();
    const CertPtr cert = self_signed ? make_certificate(spec, key.get(), nullptr, nullptr)
                                     : make_certificate(spec, key.get(), ca.get(), ca_key.get());
    return CertKey{to_pem(cert.get()), to_pem(key.get())};
  };
  const std::string localhost = "DNS:localhost,IP:127.0.0.1";
  valid_ = issue({"localhost", localhost, -kDay, 90 * kDay, false, false}, false);
  expired_ = issue({"localhost", localhost, -30 * kDay, -2 * kDay, false, false}, false);
  not_yet_valid_ = issue({"localhost", localhost, 2 * kDay, 30 * kDay, false, false}, false);
  self_signed_ = issue({"localhost", localhost, -kDay, 90 * kDay, false, false}, true);
  wrong_host_ = issue({"wrong.example", "DNS:wrong.example", -kDay, 90 * kDay, false, false}, false);
  client_ = issue({"check_mail client", "", -kDay, 90 * kDay, false, true}, false);
}

const CertKey& TestPki::get(CertKind kind) const {
  switch (kind) {
    case CertKind::valid: return valid_;
    case CertKind::expired: return expired_;
    case CertKind::not_yet_valid: return not_yet_valid_;
    case CertKind::self_signed: return self_signed_;
    case CertKind::wrong_host: return wrong_host_;
    case CertKind::client: return client_;
  }
  return valid_;
}

std::string TestPki::encrypted_key_pem(CertKind kind, const std::string& password) const {
  const KeyPtr key = key_from_pem(get(kind).key_pem);
  return to_pem(key.get(), EVP_aes_256_cbc(), password);
}

std::string TestPki::ca_hash_name() const {
  BIO* bio = BIO_new_mem_buf(ca_.cert_pem.data(), static_cast<int>(ca_.cert_pem.size()));
  const CertPtr ca(PEM_read_bio_X509(bio, nullptr, nullptr, nullptr));
  BIO_free(bio);
  check(ca != nullptr, "reading CA");
  char name[32];
  std::snprintf(name, sizeof name, "%08lx.0", X509_subject_name_hash(ca.get()));
  return name;
}

static std::string temp_root() {
  const char* dir = std::getenv("TMPDIR");
  return dir != nullptr && *dir != '\0' ? dir : "/tmp";
}

static void write_file(const std::string& path, int fd, const std::string& contents) {
  std::size_t written = 0;
  while (written < contents.size()) {
    const ssize_t n = ::write(fd, contents.data() + written, contents.size() - written);
    if (n <= 0) break;
    written += static_cast<std::size_t>(n);
  }
  ::close(fd);
  check(written == contents.size(), ("writing " + path).c_str());
}

TempDir::TempDir() {
  std::string pattern = temp_root() + "/check_mail_test_XXXXXX";
  check(::mkdtemp(pattern.data()) != nullptr, "mkdtemp");
  path_ = pattern;
}

TempDir::~TempDir() {
  for (const std::string& file : files_) std::remove(file.c_str());
  ::rmdir(path_.c_str());
}

void TempDir::add_file(const std::string& name, const std::string& contents) {
  const std::string path = path_ + "/" + name;
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  check(fd >= 0, "creating a file in the temporary directory");
  files_.push_back(path);
  write_file(path, fd, contents);
}

TempFile::TempFile(const std::string& contents) {
  std::string pattern = temp_root() + "/check_mail_test_XXXXXX";
  const int fd = ::mkstemp(pattern.data());
  check(fd >= 0, "mkstemp");
  path_ = pattern;
  write_file(path_, fd, contents);
}

TempFile::~TempFile() { std::remove(path_.c_str()); }

}  // namespace check_mail::test_support
