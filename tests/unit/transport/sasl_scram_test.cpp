// SCRAM client and the test server against the RFC 5802 and RFC 7677 test vectors.
#include <gtest/gtest.h>

#include "check_mail/net/error.hpp"
#include "check_mail/sasl/scram.hpp"
#include "check_mail/util/base64.hpp"
#include "support/scram_server.hpp"

using namespace check_mail::transport;
using namespace check_mail::transport::sasl;
using check_mail::test_support::ScramServer;
using check_mail::test_support::ScramServerSetup;
using check_mail::util::base64_decode;

namespace {

Credentials user_pencil() {
  Credentials c;
  c.username = "user";
  c.password = "pencil";
  return c;
}

// RFC 7677 3.
constexpr char kSha256ClientFirst[] = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
constexpr char kSha256ServerFirst[] =
    "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
constexpr char kSha256ClientFinal[] =
    "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
constexpr char kSha256ServerFinal[] = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

// RFC 5802 5.
constexpr char kSha1ClientFirst[] = "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL";
constexpr char kSha1ServerFirst[] = "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096";
constexpr char kSha1ClientFinal[] =
    "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=";
constexpr char kSha1ServerFinal[] = "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=";

std::unique_ptr<ClientSteps> client(scram::Hash hash, std::string nonce) {
  scram::ClientSetup setup;
  setup.hash = hash;
  setup.client_nonce = std::move(nonce);
  return scram::client(user_pencil(), setup);
}

}  // namespace

TEST(Scram, ClientMatchesRfc7677Vector) {
  auto steps = client(scram::Hash::sha256, "rOprNGfwEbeRWgbNEkqO");
  EXPECT_EQ(steps->initial_response(), kSha256ClientFirst);
  EXPECT_EQ(steps->respond(kSha256ServerFirst), kSha256ClientFinal);
  EXPECT_EQ(steps->respond(kSha256ServerFinal), "");
  EXPECT_NO_THROW(steps->succeeded());
}

TEST(Scram, ClientMatchesRfc5802Vector) {
  auto steps = client(scram::Hash::sha1, "fyko+d2lbbFgONRv9qkxdawL");
  EXPECT_EQ(steps->initial_response(), kSha1ClientFirst);
  EXPECT_EQ(steps->respond(kSha1ServerFirst), kSha1ClientFinal);
  EXPECT_EQ(steps->respond(kSha1ServerFinal), "");
  EXPECT_NO_THROW(steps->succeeded());
}

TEST(Scram, TestServerMatchesRfc7677Vector) {
  ScramServerSetup setup;
  setup.salt = *base64_decode("W22ZaJ0SNY7soEsUEjb6gQ==");
  setup.server_nonce = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
  ScramServer server(setup);
  EXPECT_EQ(server.first(kSha256ClientFirst), kSha256ServerFirst);
  EXPECT_EQ(server.final(kSha256ClientFinal), kSha256ServerFinal);
  EXPECT_TRUE(server.authenticated());
}

TEST(Scram, TestServerMatchesRfc5802Vector) {
  ScramServerSetup setup;
  setup.hash = scram::Hash::sha1;
  setup.salt = *base64_decode("QSXCR+Q6sek8bf92");
  setup.server_nonce = "3rfcNHYJY1ZVvWVs7j";
  ScramServer server(setup);
  EXPECT_EQ(server.first(kSha1ClientFirst), kSha1ServerFirst);
  EXPECT_EQ(server.final(kSha1ClientFinal), kSha1ServerFinal);
}

TEST(Scram, WrongServerSignatureFailsTheCheck) {
  auto steps = client(scram::Hash::sha256, "rOprNGfwEbeRWgbNEkqO");
  (void)steps->initial_response();
  (void)steps->respond(kSha256ServerFirst);
  try {
    (void)steps->respond("v=" + check_mail::util::base64_encode(std::string(32, 'x')));
    FAIL();
  } catch (const TransportError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::protocol);
    EXPECT_NE(std::string(e.what()).find("cannot prove that it knows the password"), std::string::npos) << e.what();
  }
}

TEST(Scram, SuccessWithoutServerSignatureFailsTheCheck) {
  auto steps = client(scram::Hash::sha256, "rOprNGfwEbeRWgbNEkqO");
  (void)steps->initial_response();
  (void)steps->respond(kSha256ServerFirst);
  EXPECT_THROW(steps->succeeded(), TransportError);
}

TEST(Scram, ServerNonceMustExtendTheClients) {
  auto steps = client(scram::Hash::sha256, "rOprNGfwEbeRWgbNEkqO");
  (void)steps->initial_response();
  EXPECT_THROW((void)steps->respond("r=somethingelse,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"), TransportError);
  auto same = client(scram::Hash::sha256, "rOprNGfwEbeRWgbNEkqO");
  (void)same->initial_response();
  EXPECT_THROW((void)same->respond("r=rOprNGfwEbeRWgbNEkqO,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"), TransportError);
}

TEST(Scram, HostileIterationCountIsRefused) {
  auto steps = client(scram::Hash::sha256, "abc");
  (void)steps->initial_response();
  EXPECT_THROW((void)steps->respond("r=abcdef,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4000000000"), TransportError);
}

TEST(Scram, ServerMessageParsers) {
  EXPECT_TRUE(scram::parse_server_first(kSha256ServerFirst));
  EXPECT_TRUE(scram::parse_server_first("r=a,s=QSXCR+Q6sek8bf92,i=1,x=ext"));
  for (const char* bad : {"", "m=x,r=a,s=QSXCR+Q6sek8bf92,i=1", "r=a,s=QSXCR+Q6sek8bf92", "r=a,s=!!,i=1",
                          "r=a,s=QSXCR+Q6sek8bf92,i=0", "r=a,s=QSXCR+Q6sek8bf92,i=-1", "r=a,s=QSXCR+Q6sek8bf92,i=1x",
                          "r=,s=QSXCR+Q6sek8bf92,i=1", "s=QSXCR+Q6sek8bf92,r=a,i=1", "r=a,,s=QSXCR+Q6sek8bf92,i=1"}) {
    EXPECT_FALSE(scram::parse_server_first(bad)) << bad;
  }
  EXPECT_EQ(scram::parse_server_final("e=invalid-proof")->error, "invalid-proof");
  EXPECT_EQ(scram::parse_server_final(kSha1ServerFinal)->verifier.size(), 20u);
  for (const char* bad : {"", "v=", "e=", "x=1", "v=!!"}) EXPECT_FALSE(scram::parse_server_final(bad)) << bad;
}

TEST(Scram, UserNamesAreEscapedAndControlCharactersRefused) {
  EXPECT_EQ(scram::escape_saslname("a,b=c"), "a=2Cb=3Dc");
  EXPECT_EQ(scram::saslprep("pässwörd", "p"), "pässwörd");  // non-ASCII passed as UTF-8
  EXPECT_THROW((void)scram::saslprep(std::string("a\tb"), "p"), TransportError);
}

TEST(Scram, PlusBindsTheChannelAndNonPlusSaysWhetherItCould) {
  Credentials c = user_pencil();
  c.channel_binding = ChannelBinding{"tls-exporter", std::string(32, '\x01')};
  scram::ClientSetup plus;
  plus.plus = true;
  plus.client_nonce = "abc";
  auto steps = scram::client(c, plus);
  EXPECT_EQ(steps->initial_response(), "p=tls-exporter,,n=user,r=abc");
  const std::string final_message = steps->respond("r=abcdef,s=QSXCR+Q6sek8bf92,i=1");
  EXPECT_EQ(
      final_message.rfind("c=" + check_mail::util::base64_encode("p=tls-exporter,," + std::string(32, '\x01')), 0), 0u)
      << final_message;
  scram::ClientSetup could;
  could.binding_possible = true;
  could.client_nonce = "abc";
  EXPECT_EQ(scram::client(c, could)->initial_response(), "y,,n=user,r=abc");
  scram::ClientSetup needs;
  needs.plus = true;
  EXPECT_THROW((void)scram::client(user_pencil(), needs), TransportError);
}
