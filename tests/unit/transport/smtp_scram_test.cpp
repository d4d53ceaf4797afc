// SCRAM over a whole SMTP dialogue against the scripted server playing a SCRAM server
// (tests/support/scram_server, itself checked against the RFC 7677 vectors): success, a server
// that cannot prove it knows the password, and -PLUS bound to the TLS channel (tls-exporter on
// TLS 1.3, tls-server-end-point on TLS 1.2).
#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include <memory>

#include "check_mail/smtp/smtp_session.hpp"
#include "check_mail/util/base64.hpp"
#include "support/scram_server.hpp"
#include "support/scripted_server.hpp"
#include "support/test_pki.hpp"

using namespace check_mail::transport;
using namespace check_mail::transport::smtp;
using namespace check_mail::test_support;
using namespace std::chrono_literals;
using check_mail::util::base64_decode;
using check_mail::util::base64_encode;

namespace {

const std::string kBanner = "220 localhost ESMTP scripted\r\n";
const std::string kPlainEhlo = "250-localhost\r\n250-STARTTLS\r\n250 8BITMIME\r\n";
const std::string kScramEhlo = "250-localhost\r\n250-AUTH SCRAM-SHA-256-PLUS SCRAM-SHA-256 PLAIN\r\n250 8BITMIME\r\n";

std::string after_space(const std::string& line) {
  const std::size_t space = line.rfind(' ');
  return space == std::string::npos ? line : line.substr(space + 1);
}

// The SMTP side of a SCRAM server: 334 challenges carrying its messages (a server-final "e="
// too, as RFC 5802 7 has it), then 235, or 535 with a text that does not repeat the "e=".
// mismatch: the server checks the binding against other data than the client's TLS session
// (as behind a TLS-terminating proxy, whose sessions differ from the client's).
std::vector<Step> scram_steps(const std::shared_ptr<ScramServer>& server, bool mismatch) {
  const TestPki& pki = TestPki::instance();
  auto refused = std::make_shared<bool>(false);
  return {step::send(kBanner),
          step::expect("EHLO tester"),
          step::send(kPlainEhlo),
          step::expect("STARTTLS"),
          step::send("220 2.0.0 Ready\r\n"),
          step::start_tls(pki.get(CertKind::valid)),
          step::expect("EHLO tester"),
          step::send(kScramEhlo),
          step::answer([server](const std::string& line, ssl_st*) {
            const auto first = server->first(base64_decode(after_space(line)).value_or(""));
            return first ? "334 " + base64_encode(*first) + "\r\n" : std::string("535 5.7.8 no\r\n");
          }),
          step::answer([server, mismatch, refused](const std::string& line, ssl_st* ssl) {
            std::string binding = server_channel_binding(ssl, server->binding_type());
            if (mismatch && !binding.empty()) binding[0] = static_cast<char>(binding[0] ^ 0x5A);
            const std::string final_message = server->final(base64_decode(line).value_or(""), binding);
            *refused = final_message.rfind("e=", 0) == 0;
            return "334 " + base64_encode(final_message) + "\r\n";
          }),
          step::answer([refused](const std::string& line, ssl_st*) {
            if (!line.empty()) return std::string("501 5.5.2 cancelled\r\n");
            return *refused ? std::string("535 5.7.8 Authentication credentials invalid\r\n")
                            : std::string("235 2.7.0 Authentication successful\r\n");
          }),
          step::expect("QUIT"),
          step::send("221 2.0.0 Bye\r\n"),
          step::close()};
}

Result run_scram(ScramServerSetup setup, sasl::AuthType auth, int max_tls_version = 0, bool mismatch = false) {
  setup.salt = "salt-of-the-test";
  setup.username = "monitor";
  setup.password = "s3cret";
  auto server_side = std::make_shared<ScramServer>(setup);
  ScriptedServer::Options server_options;
  server_options.max_tls_version = max_tls_version;
  ScriptedServer server(scram_steps(server_side, mismatch), server_options);
  SessionOptions options;
  options.endpoint = Endpoint{"localhost", server.port()};
  options.security = Security::starttls;
  options.tls.ca_pem = TestPki::instance().ca_pem();
  options.helo_name = "tester";
  options.auth = auth;
  options.username = "monitor";
  options.password = "s3cret";
  const Deadline deadline(10s);
  Result result = run_smtp_check(options, deadline);
  server.wait_done();
  return result;
}

}  // namespace

TEST(SmtpScram, AutoBindsToTls13WithTlsExporter) {
  const Result result = run_scram({}, sasl::AuthType::automatic());
  ASSERT_TRUE(result.ok()) << result.failure->summary << "\n" << result.transcript.to_string();
  EXPECT_EQ(result.auth_mechanism, sasl::Mechanism::scram_sha_256_plus);
  EXPECT_EQ(result.tls->protocol, "TLSv1.3");
  const std::string transcript = result.transcript.to_string();
  EXPECT_NE(transcript.find("C: AUTH SCRAM-SHA-256-PLUS <redacted>"), std::string::npos) << transcript;
}

TEST(SmtpScram, PlusOnTls12BindsToTheServerCertificate) {
  const Result result = run_scram({}, sasl::AuthType::of(sasl::Mechanism::scram_sha_256_plus), TLS1_2_VERSION);
  ASSERT_TRUE(result.ok()) << result.failure->summary << "\n" << result.transcript.to_string();
  EXPECT_EQ(result.tls->protocol, "TLSv1.2");
}

TEST(SmtpScram, WithoutPlusSucceeds) {
  const Result result = run_scram({}, sasl::AuthType::of(sasl::Mechanism::scram_sha_256));
  ASSERT_TRUE(result.ok()) << result.failure->summary << "\n" << result.transcript.to_string();
  EXPECT_EQ(result.auth_mechanism, sasl::Mechanism::scram_sha_256);
}

TEST(SmtpScram, ServerThatCannotProveItKnowsThePasswordFails) {
  ScramServerSetup forged;
  forged.forge_signature = true;
  const Result result = run_scram(forged, sasl::AuthType::automatic());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.failure->kind, ErrorKind::protocol);
  EXPECT_NE(result.failure->summary.find("cannot prove that it knows the password"), std::string::npos)
      << result.failure->summary;
}

TEST(SmtpScram, ChannelBindingMismatchFails) {
  const Result result = run_scram({}, sasl::AuthType::automatic(), 0, true);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.failure->kind, ErrorKind::rejected);
  EXPECT_EQ(result.failure->summary,
            "AUTH SCRAM-SHA-256-PLUS failed: 535 5.7.8 Authentication credentials invalid "
            "(SCRAM-SHA-256-PLUS server error: channel-bindings-dont-match)");
}
