// TLS over Connection against the scripted server: verification outcomes, certificate facts,
// options, and handshake faults.
#include "check_mail/tls/tls.hpp"

#include <openssl/ssl.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>

#include "net_test_helpers.hpp"
#include "support/scripted_server.hpp"
#include "support/test_pki.hpp"

using namespace check_mail::transport;
using namespace check_mail::transport::testing;
using namespace check_mail::test_support;

namespace {

const TestPki& pki() { return TestPki::instance(); }

TlsOptions trusting_test_ca() {
  TlsOptions options;
  options.ca_pem = pki().ca_pem();
  return options;
}

ScriptedServer::Options implicit(CertKind kind) {
  ScriptedServer::Options options;
  options.implicit_tls = pki().get(kind);
  return options;
}

Connection open_tls(std::uint16_t port, const TlsOptions& tls, const Deadline& deadline,
                    const std::string& host = "localhost") {
  ConnectTimings timings;
  Connection connection = Connection::open(Endpoint{host, port}, deadline, timings, &tls);
  EXPECT_TRUE(timings.tls_handshake);
  return connection;
}

TransportError handshake_error(CertKind kind, const TlsOptions& tls, const std::string& host = "localhost") {
  ScriptedServer server({step::send("220 hi\r\n")}, implicit(kind));
  const Deadline deadline(3s);
  return expect_error([&] { (void)open_tls(server.port(), tls, deadline, host); });
}

}  // namespace

TEST(Tls, VerifiedHandshakeReportsCertificateFacts) {
  ScriptedServer server({step::send("220 secure\r\n"), step::expect("QUIT")}, implicit(CertKind::valid));
  const Deadline deadline(3s);
  Connection connection = open_tls(server.port(), trusting_test_ca(), deadline);
  ASSERT_TRUE(connection.is_tls());
  const TlsInfo& info = *connection.tls_info();
  EXPECT_EQ(info.protocol, "TLSv1.3");
  EXPECT_FALSE(info.cipher.empty());
  EXPECT_EQ(info.server_name, "localhost");
  EXPECT_TRUE(info.verified);
  EXPECT_FALSE(info.verification_skipped);
  EXPECT_EQ(info.verify_message, "ok");
  EXPECT_GT(info.handshake_seconds, 0.0);
  ASSERT_TRUE(info.peer_certificate);
  const CertificateInfo& cert = *info.peer_certificate;
  EXPECT_EQ(cert.subject, "CN=localhost,O=check_mail tests");
  EXPECT_EQ(cert.issuer, "CN=check_mail test CA,O=check_mail tests");
  EXPECT_NEAR(cert.days_until_expiry, 90.0, 0.01);
  EXPECT_EQ(cert.subject_alt_names, (std::vector<std::string>{"DNS:localhost", "IP:127.0.0.1"}));
  EXPECT_EQ(cert.not_after_epoch - cert.not_before_epoch, 91 * 86400);
  EXPECT_EQ(cert.not_after.size(), 20u);  // 2025-01-31T12:00:00Z
  EXPECT_EQ(cert.not_after.back(), 'Z');
  EXPECT_FALSE(cert.serial.empty());

  EXPECT_EQ(connection.read_line(deadline), "220 secure");
  connection.write_all("QUIT\r\n", deadline);
  EXPECT_EQ(connection.bytes_received(), 12u);  // application bytes, not TLS records
  EXPECT_TRUE(server.wait_done());
  EXPECT_TRUE(server.failures().empty());
}

TEST(Tls, IpLiteralIsVerifiedAgainstIpAddresses) {
  ScriptedServer server({step::send("220 hi\r\n")}, implicit(CertKind::valid));
  const Deadline deadline(3s);
  Connection connection = open_tls(server.port(), trusting_test_ca(), deadline, "127.0.0.1");
  EXPECT_TRUE(connection.tls_info()->verified);
  EXPECT_EQ(connection.tls_info()->server_name, "127.0.0.1");
}

TEST(Tls, ServerNameOverrideIsVerified) {
  ScriptedServer server({step::send("220 hi\r\n")}, implicit(CertKind::wrong_host));
  const Deadline deadline(3s);
  TlsOptions options = trusting_test_ca();
  options.server_name = "wrong.example";
  Connection connection = open_tls(server.port(), options, deadline, "127.0.0.1");
  EXPECT_TRUE(connection.tls_info()->verified);
}

TEST(Tls, ExpiredCertificateFailsVerification) {
  const TransportError error = handshake_error(CertKind::expired, trusting_test_ca());
  EXPECT_EQ(error.kind(), ErrorKind::tls_verify);
  EXPECT_STREQ(error.what(), "certificate verify failed: certificate has expired");
}

TEST(Tls, NotYetValidCertificateFailsVerification) {
  const TransportError error = handshake_error(CertKind::not_yet_valid, trusting_test_ca());
  EXPECT_EQ(error.kind(), ErrorKind::tls_verify);
  EXPECT_STREQ(error.what(), "certificate verify failed: certificate is not yet valid");
}

TEST(Tls, SelfSignedCertificateFailsVerification) {
  const TransportError error = handshake_error(CertKind::self_signed, trusting_test_ca());
  EXPECT_EQ(error.kind(), ErrorKind::tls_verify);
  EXPECT_STREQ(error.what(), "certificate verify failed: self-signed certificate");
}

TEST(Tls, WrongHostFailsVerification) {
  const TransportError error = handshake_error(CertKind::wrong_host, trusting_test_ca());
  EXPECT_EQ(error.kind(), ErrorKind::tls_verify);
  EXPECT_STREQ(error.what(), "certificate verify failed: hostname mismatch");
}

TEST(Tls, WrongIpFailsVerification) {
  const TransportError error = handshake_error(CertKind::wrong_host, trusting_test_ca(), "127.0.0.1");
  EXPECT_EQ(error.kind(), ErrorKind::tls_verify);
  EXPECT_STREQ(error.what(), "certificate verify failed: IP address mismatch");
}

TEST(Tls, SystemStoreDoesNotTrustTheTestCa) {
  const TransportError error = handshake_error(CertKind::valid, TlsOptions{});
  EXPECT_EQ(error.kind(), ErrorKind::tls_verify);
  EXPECT_STREQ(error.what(), "certificate verify failed: unable to get local issuer certificate");
}

TEST(Tls, CaFileOption) {
  const TempFile ca(pki().ca_pem());
  ScriptedServer server({step::send("220 hi\r\n")}, implicit(CertKind::valid));
  const Deadline deadline(3s);
  TlsOptions options;
  options.ca_file = ca.path();
  Connection connection = open_tls(server.port(), options, deadline);
  EXPECT_TRUE(connection.tls_info()->verified);
}

TEST(Tls, InsecureAcceptsExpiredButStillReportsIt) {
  ScriptedServer server({step::send("220 hi\r\n")}, implicit(CertKind::expired));
  const Deadline deadline(3s);
  TlsOptions options = trusting_test_ca();
  options.insecure = true;
  Connection connection = open_tls(server.port(), options, deadline);
  const TlsInfo& info = *connection.tls_info();
  EXPECT_FALSE(info.verified);
  EXPECT_TRUE(info.verification_skipped);
  EXPECT_EQ(info.verify_message, "certificate has expired");
  ASSERT_TRUE(info.peer_certificate);
  EXPECT_NEAR(info.peer_certificate->days_until_expiry, -2.0, 0.01);
  EXPECT_EQ(connection.read_line(deadline), "220 hi");
}

TEST(Tls, InsecureAcceptsSelfSignedAndWrongHost) {
  for (const CertKind kind : {CertKind::self_signed, CertKind::wrong_host}) {
    ScriptedServer server({step::send("220 hi\r\n")}, implicit(kind));
    const Deadline deadline(3s);
    TlsOptions options;
    options.insecure = true;
    Connection connection = open_tls(server.port(), options, deadline);
    EXPECT_FALSE(connection.tls_info()->verified);
    EXPECT_NEAR(connection.tls_info()->peer_certificate->days_until_expiry, 90.0, 0.01);
  }
}

TEST(Tls, MaximumVersionIsHonoured) {
  ScriptedServer server({step::send("220 hi\r\n")}, implicit(CertKind::valid));
  const Deadline deadline(3s);
  TlsOptions options = trusting_test_ca();
  options.max_version = TlsVersion::tls1_2;
  Connection connection = open_tls(server.port(), options, deadline);
  EXPECT_EQ(connection.tls_info()->protocol, "TLSv1.2");
}

TEST(Tls, MinimumVersionRejectsOlderServers) {
  ScriptedServer::Options server_options = implicit(CertKind::valid);
  server_options.max_tls_version = TLS1_2_VERSION;
  {
    ScriptedServer server({step::send("220 hi\r\n")}, server_options);
    const Deadline deadline(3s);
    Connection connection = open_tls(server.port(), trusting_test_ca(), deadline);  // default minimum: 1.2
    EXPECT_EQ(connection.tls_info()->protocol, "TLSv1.2");
  }
  ScriptedServer server({step::send("220 hi\r\n")}, server_options);
  const Deadline deadline(3s);
  TlsOptions options = trusting_test_ca();
  options.min_version = TlsVersion::tls1_3;
  const TransportError error = expect_error([&] { (void)open_tls(server.port(), options, deadline); });
  EXPECT_EQ(error.kind(), ErrorKind::tls);
  EXPECT_EQ(std::string(error.what()).rfind("TLS handshake failed: ", 0), 0u) << error.what();
  EXPECT_NE(std::string(error.what()).find("protocol version"), std::string::npos) << error.what();
}

TEST(Tls, TlsOnAPlainPortNamesTheLikelyCause) {
  ScriptedServer server({step::send("220 plain text banner\r\n"), step::silent()});
  const Deadline deadline(3s);
  const auto start = Clock::now();
  const TransportError error = expect_error([&] { (void)open_tls(server.port(), trusting_test_ca(), deadline); });
  EXPECT_EQ(error.kind(), ErrorKind::tls);
  EXPECT_STREQ(error.what(), "TLS handshake failed: wrong version number (is the port plain text?)");
  EXPECT_LT(Clock::now() - start, 1s);
}

TEST(Tls, PlainClientOnATlsPortTimesOut) {
  ScriptedServer server({step::send("220 hi\r\n")}, implicit(CertKind::valid));
  const Deadline deadline(500ms);
  const auto start = Clock::now();
  Connection connection = connect_plain(server.port(), deadline);
  EXPECT_EQ(expect_error([&] { (void)connection.read_line(deadline); }).kind(), ErrorKind::timeout);
  EXPECT_LT(Clock::now() - start, 500ms + kMargin);
}

TEST(Tls, ResetDuringHandshake) {
  ScriptedServer server({step::read_any(), step::reset()});
  const Deadline deadline(3s);
  const TransportError error = expect_error([&] { (void)open_tls(server.port(), trusting_test_ca(), deadline); });
  EXPECT_EQ(error.kind(), ErrorKind::closed);
  EXPECT_STREQ(error.what(), "connection reset during TLS handshake");
}

TEST(Tls, CloseDuringHandshake) {
  ScriptedServer server({step::read_any(), step::close()});
  const Deadline deadline(3s);
  const TransportError error = expect_error([&] { (void)open_tls(server.port(), trusting_test_ca(), deadline); });
  EXPECT_EQ(error.kind(), ErrorKind::closed);
  EXPECT_STREQ(error.what(), "connection closed during TLS handshake");
}

TEST(Tls, SilentServerTimesOutDuringHandshake) {
  ScriptedServer server({step::silent()});
  const Deadline deadline(400ms);
  const auto start = Clock::now();
  const TransportError error = expect_error([&] { (void)open_tls(server.port(), trusting_test_ca(), deadline); });
  EXPECT_EQ(error.kind(), ErrorKind::timeout);
  EXPECT_NE(std::string(error.what()).find("during TLS handshake"), std::string::npos) << error.what();
  EXPECT_LT(Clock::now() - start, 400ms + kMargin);
}

TEST(Tls, ClientCertificateWithEncryptedKey) {
  const TempFile cert(pki().get(CertKind::client).cert_pem);
  const TempFile key(pki().encrypted_key_pem(CertKind::client, "s3cret"));
  ScriptedServer server({step::send("220 hi\r\n")}, implicit(CertKind::valid));
  const Deadline deadline(3s);
  TlsOptions options = trusting_test_ca();
  options.cert_file = cert.path();
  options.key_file = key.path();
  options.key_password = "s3cret";
  Connection connection = open_tls(server.port(), options, deadline);
  EXPECT_TRUE(connection.tls_info()->verified);
}

TEST(Tls, WrongKeyPasswordIsAConfigError) {
  const TempFile cert(pki().get(CertKind::client).cert_pem);
  const TempFile key(pki().encrypted_key_pem(CertKind::client, "s3cret"));
  TlsOptions options = trusting_test_ca();
  options.cert_file = cert.path();
  options.key_file = key.path();
  options.key_password = "wrong";
  const TransportError error = handshake_error(CertKind::valid, options);
  EXPECT_EQ(error.kind(), ErrorKind::config);
  EXPECT_NE(std::string(error.what()).find("cannot load client key"), std::string::npos) << error.what();
}

TEST(Tls, MissingCertificateFileIsAConfigError) {
  TlsOptions options = trusting_test_ca();
  options.cert_file = "/nonexistent/client.pem";
  const TransportError error = handshake_error(CertKind::valid, options);
  EXPECT_EQ(error.kind(), ErrorKind::config);
  EXPECT_NE(std::string(error.what()).find("cannot load client certificate '/nonexistent/client.pem'"),
            std::string::npos)
      << error.what();
}

TEST(Tls, BadCipherListIsAConfigError) {
  TlsOptions options = trusting_test_ca();
  options.ciphers = "NO-SUCH-CIPHER";
  const TransportError error = handshake_error(CertKind::valid, options);
  EXPECT_EQ(error.kind(), ErrorKind::config);
  EXPECT_NE(std::string(error.what()).find("invalid TLS cipher list 'NO-SUCH-CIPHER'"), std::string::npos);
}

TEST(Tls, VersionParsing) {
  EXPECT_EQ(parse_tls_version("1.2"), TlsVersion::tls1_2);
  EXPECT_EQ(parse_tls_version("TLSv1.3"), TlsVersion::tls1_3);
  EXPECT_EQ(parse_tls_version("tls1.0"), TlsVersion::tls1_0);
  EXPECT_EQ(parse_tls_version("1.1"), TlsVersion::tls1_1);
  EXPECT_FALSE(parse_tls_version("1.4"));
  EXPECT_FALSE(parse_tls_version("ssl3"));
  EXPECT_EQ(tls_version_name(TlsVersion::tls1_2), "TLSv1.2");
}

// The system store: the hashed directory is used first, the bundle file only on a miss.
class SystemStore : public ::testing::Test {
protected:
  void SetUp() override {
    save("SSL_CERT_DIR", saved_dir_);
    save("SSL_CERT_FILE", saved_file_);
  }
  void TearDown() override {
    restore("SSL_CERT_DIR", saved_dir_);
    restore("SSL_CERT_FILE", saved_file_);
  }

private:
  static void save(const char* name, std::optional<std::string>& slot) {
    if (const char* value = std::getenv(name)) slot = value;
  }
  static void restore(const char* name, const std::optional<std::string>& slot) {
    if (slot) {
      ::setenv(name, slot->c_str(), 1);
    } else {
      ::unsetenv(name);
    }
  }
  std::optional<std::string> saved_dir_;
  std::optional<std::string> saved_file_;
};

TEST_F(SystemStore, IssuerFoundInHashedDirectory) {
  TempDir dir;
  dir.add_file(pki().ca_hash_name(), pki().ca_pem());
  ::setenv("SSL_CERT_DIR", dir.path().c_str(), 1);
  ::setenv("SSL_CERT_FILE", "/nonexistent/bundle.pem", 1);
  ScriptedServer server({step::send("220 hi\r\n")}, implicit(CertKind::valid));
  const Deadline deadline(3s);
  Connection connection = open_tls(server.port(), TlsOptions{}, deadline);
  EXPECT_TRUE(connection.tls_info()->verified);
}

TEST_F(SystemStore, IssuerFoundInBundleFileWhenDirectoryLacksIt) {
  TempDir empty;
  const TempFile bundle(pki().get(CertKind::self_signed).cert_pem + pki().ca_pem());
  ::setenv("SSL_CERT_DIR", empty.path().c_str(), 1);
  ::setenv("SSL_CERT_FILE", bundle.path().c_str(), 1);
  ScriptedServer server({step::send("220 hi\r\n")}, implicit(CertKind::valid));
  const Deadline deadline(3s);
  Connection connection = open_tls(server.port(), TlsOptions{}, deadline);
  EXPECT_TRUE(connection.tls_info()->verified);
}

TEST_F(SystemStore, NeitherHasTheIssuer) {
  TempDir empty;
  ::setenv("SSL_CERT_DIR", empty.path().c_str(), 1);
  ::setenv("SSL_CERT_FILE", "/nonexistent/bundle.pem", 1);
  const TransportError error = handshake_error(CertKind::valid, TlsOptions{});
  EXPECT_EQ(error.kind(), ErrorKind::tls_verify);
  EXPECT_STREQ(error.what(), "certificate verify failed: unable to get local issuer certificate");
}
