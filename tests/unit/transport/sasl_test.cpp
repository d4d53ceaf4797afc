#include "check_mail/sasl/sasl.hpp"

#include <gtest/gtest.h>

#include "check_mail/net/error.hpp"
#include "check_mail/util/base64.hpp"

using namespace check_mail::transport;
using namespace check_mail::transport::sasl;
using check_mail::util::base64_encode;

TEST(Sasl, PlainMatchesRfc4616Examples) {
  // RFC 4616 section 4: "tim" with password "tanstaaftanstaaf", no authorization identity.
  EXPECT_EQ(plain_message("", "tim", "tanstaaftanstaaf"), std::string("\0tim\0tanstaaftanstaaf", 21));
  EXPECT_EQ(base64_encode(plain_message("", "tim", "tanstaaftanstaaf")), "AHRpbQB0YW5zdGFhZnRhbnN0YWFm");
  // ... and "Ursel" authorised as "Kurt" with password "xipj3plmq".
  EXPECT_EQ(plain_message("Ursel", "Kurt", "xipj3plmq"), std::string("Ursel\0Kurt\0xipj3plmq", 20));
}

TEST(Sasl, PlainRefusesNulInCredentials) {
  try {
    (void)plain_message("", std::string("a\0b", 3), "pw");
    FAIL();
  } catch (const TransportError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::config);
  }
}

TEST(Sasl, CramMd5MatchesRfc2195Vector) {
  const std::string challenge = "<1896.697170952@postoffice.reston.mci.net>";
  EXPECT_EQ(cram_md5_response("tim", "tanstaaftanstaaf", challenge), "tim b913a602c7eda7a495b4e6e7334d3890");
  EXPECT_EQ(base64_encode(cram_md5_response("tim", "tanstaaftanstaaf", challenge)),
            "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw");
}

TEST(Sasl, HmacMd5MatchesRfc2104Vector) {
  // RFC 2104 appendix test 2.
  EXPECT_EQ(hmac_md5_hex("Jefe", "what do ya want for nothing?"), "750c783e6ab0b503eaa86e310a5db738");
}

TEST(Sasl, MechanismNamesRoundTrip) {
  for (const MechanismInfo& m : mechanisms()) {
    EXPECT_EQ(parse_mechanism(m.name), m.mechanism);
    EXPECT_EQ(&info(m.mechanism), &m);
  }
  EXPECT_EQ(parse_mechanism("cram-md5"), Mechanism::cram_md5);
  EXPECT_EQ(parse_mechanism("xoauth2"), Mechanism::xoauth2);
  EXPECT_FALSE(parse_mechanism("GSSAPI"));
}

const Conditions kTls{true, false, false};
const Conditions kPlainAllowed{false, true, false};

TEST(Sasl, AutomaticTriesOfferedMechanismsInPreferenceOrder) {
  EXPECT_EQ(
      candidates(AuthType::automatic(), {"LOGIN", "PLAIN", "CRAM-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256"}, kTls),
      (std::vector<Mechanism>{Mechanism::scram_sha_256, Mechanism::scram_sha_1, Mechanism::plain, Mechanism::login}));
  EXPECT_EQ(
      candidates(AuthType::automatic(), {"SCRAM-SHA-256", "SCRAM-SHA-256-PLUS", "SCRAM-SHA-1-PLUS"}, kTls),
      (std::vector<Mechanism>{Mechanism::scram_sha_256_plus, Mechanism::scram_sha_256, Mechanism::scram_sha_1_plus}));
  // CRAM-MD5 adds nothing over TLS: auto uses it only without.
  EXPECT_EQ(candidates(AuthType::automatic(), {"LOGIN", "PLAIN", "CRAM-MD5"}, kTls),
            (std::vector<Mechanism>{Mechanism::plain, Mechanism::login}));
  EXPECT_EQ(candidates(AuthType::automatic(), {"LOGIN", "PLAIN", "CRAM-MD5", "SCRAM-SHA-256-PLUS"}, kPlainAllowed),
            (std::vector<Mechanism>{Mechanism::cram_md5, Mechanism::plain, Mechanism::login}));
  EXPECT_EQ(candidates(AuthType::automatic(), {"LOGIN", "PLAIN"}, kTls),
            (std::vector<Mechanism>{Mechanism::plain, Mechanism::login}));
  EXPECT_EQ(candidates(AuthType::automatic(), {"login", "XOAUTH2"}, kTls), (std::vector<Mechanism>{Mechanism::login}));
  EXPECT_TRUE(candidates(AuthType::automatic(), {"GSSAPI"}, kTls).empty());
  EXPECT_TRUE(candidates(AuthType::none(), {"PLAIN"}, kTls).empty());
}

TEST(Sasl, NoPasswordInClearWithoutTlsUnlessAllowed) {
  const Conditions plain_text{false, false, false};
  EXPECT_EQ(candidates(AuthType::automatic(), {"PLAIN", "LOGIN", "CRAM-MD5"}, plain_text),
            (std::vector<Mechanism>{Mechanism::cram_md5}));
  EXPECT_EQ(candidates(AuthType::automatic(), {"PLAIN", "LOGIN"}, kPlainAllowed),
            (std::vector<Mechanism>{Mechanism::plain, Mechanism::login}));
  try {
    (void)candidates(AuthType::of(Mechanism::plain), {"PLAIN"}, plain_text);
    FAIL();
  } catch (const TransportError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::config);
  }
}

TEST(Sasl, RequestedMechanismMustBeOffered) {
  EXPECT_EQ(candidates(AuthType::of(Mechanism::login), {"LOGIN", "PLAIN"}, kTls),
            (std::vector<Mechanism>{Mechanism::login}));
  try {
    (void)candidates(AuthType::of(Mechanism::cram_md5), {"LOGIN", "PLAIN"}, kTls);
    FAIL();
  } catch (const TransportError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::unsupported);
    EXPECT_STREQ(e.what(), "server does not offer AUTH CRAM-MD5 (offers: LOGIN PLAIN)");
  }
  try {
    (void)candidates(AuthType::of(Mechanism::plain), {}, kTls);
    FAIL();
  } catch (const TransportError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::unsupported);
    EXPECT_STREQ(e.what(), "server does not offer authentication (no AUTH)");
  }
}

TEST(Sasl, AuthTypeValues) {
  EXPECT_EQ(parse_auth_type("auto"), AuthType::automatic());
  EXPECT_EQ(parse_auth_type("NONE"), AuthType::none());
  EXPECT_EQ(parse_auth_type("Cram-MD5"), AuthType::of(Mechanism::cram_md5));
  EXPECT_FALSE(parse_auth_type("digest-md5"));
  for (const MechanismInfo& m : mechanisms()) {
    EXPECT_EQ(parse_auth_type(auth_type_name(AuthType::of(m.mechanism))), AuthType::of(m.mechanism));
    EXPECT_NE(auth_type_list(false).find(auth_type_name(AuthType::of(m.mechanism))), std::string::npos);
  }
  EXPECT_EQ(auth_type_list(true).rfind("none, auto, plain, login", 0), 0u) << auth_type_list(true);
}
