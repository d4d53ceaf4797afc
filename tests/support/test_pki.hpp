#pragma once
// Certificates for TLS tests, generated in memory with the OpenSSL C API the first time they are
// asked for (EC P-256 keys: milliseconds, not the ~100 ms of RSA), so no test needs files.
#include <string>
#include <vector>

namespace check_mail::test_support {

struct CertKey {
  std::string cert_pem;
  std::string key_pem;
};

enum class CertKind {
  valid,          // CN/SAN localhost + IP 127.0.0.1, signed by the test CA, valid for 90 more days
  expired,        // as valid, but expired 2 days ago
  not_yet_valid,  // as valid, but valid only from 2 days from now
  self_signed,    // localhost, signed by itself (not by the CA)
  wrong_host,     // signed by the CA, but for wrong.example only
  client,         // a client certificate signed by the CA
};

class TestPki {
public:
  // The process-wide set (thread-safe lazy initialisation).
  static const TestPki& instance();

  [[nodiscard]] const std::string& ca_pem() const { return ca_.cert_pem; }
  [[nodiscard]] const CertKey& get(CertKind kind) const;

  // OpenSSL's hashed-directory file name for the CA ("1a2b3c4d.0"), for SSL_CERT_DIR tests.
  [[nodiscard]] std::string ca_hash_name() const;

  // The key of `kind` as PEM encrypted with AES-256-CBC under password.
  [[nodiscard]] std::string encrypted_key_pem(CertKind kind, const std::string& password) const;

private:
  TestPki();
  CertKey ca_;
  CertKey valid_;
  CertKey expired_;
  CertKey not_yet_valid_;
  CertKey self_signed_;
  CertKey wrong_host_;
  CertKey client_;
};

// A file with the given contents in the temporary directory, removed on destruction.
class TempFile {
public:
  explicit TempFile(const std::string& contents);
  ~TempFile();
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  [[nodiscard]] const std::string& path() const { return path_; }

private:
  std::string path_;
};

// A directory in the temporary directory, removed (with the files added) on destruction.
class TempDir {
public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  void add_file(const std::string& name, const std::string& contents);
  [[nodiscard]] const std::string& path() const { return path_; }

private:
  std::string path_;
  std::vector<std::string> files_;
};

}  // namespace check_mail::test_support
