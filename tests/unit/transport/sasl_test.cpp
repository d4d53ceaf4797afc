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
  for (const Mechanism m : {Mechanism::plain, Mechanism::login, Mechanism::cram_md5}) {
    EXPECT_EQ(parse_mechanism(mechanism_name(m)), m);
  }
  EXPECT_EQ(parse_mechanism("cram-md5"), Mechanism::cram_md5);
  EXPECT_FALSE(parse_mechanism("XOAUTH2"));
}

TEST(Sasl, AutomaticChoosesStrongestOffered) {
  EXPECT_EQ(choose_mechanism({"LOGIN", "PLAIN", "CRAM-MD5"}, std::nullopt), Mechanism::cram_md5);
  EXPECT_EQ(choose_mechanism({"LOGIN", "PLAIN"}, std::nullopt), Mechanism::plain);
  EXPECT_EQ(choose_mechanism({"LOGIN", "XOAUTH2"}, std::nullopt), Mechanism::login);
}

TEST(Sasl, RequestedMechanismMustBeOffered) {
  EXPECT_EQ(choose_mechanism({"LOGIN", "PLAIN"}, Mechanism::login), Mechanism::login);
  try {
    (void)choose_mechanism({"LOGIN", "PLAIN"}, Mechanism::cram_md5);
    FAIL();
  } catch (const TransportError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::unsupported);
    EXPECT_STREQ(e.what(), "server does not offer AUTH CRAM-MD5 (offers: LOGIN PLAIN)");
  }
}

TEST(Sasl, NothingUsableOffered) {
  for (const auto& offered : {std::vector<std::string>{}, std::vector<std::string>{"XOAUTH2", "GSSAPI"}}) {
    try {
      (void)choose_mechanism(offered, std::nullopt);
      FAIL();
    } catch (const TransportError& e) {
      EXPECT_EQ(e.kind(), ErrorKind::unsupported);
    }
  }
}
