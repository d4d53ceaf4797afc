#include "check_mail/oauth/token_endpoint.hpp"

#include <gtest/gtest.h>

using namespace check_mail::oauth;

TEST(TokenEndpoint, FormEncodingFollowsHtml) {
  EXPECT_EQ(form_encode({{"a", "b c"}, {"scope", "https://outlook.office365.com/.default"}, {"x", "&=+%\n"}}),
            "a=b+c&scope=https%3A%2F%2Foutlook.office365.com%2F.default&x=%26%3D%2B%25%0A");
}

TEST(TokenEndpoint, ClientCredentialsBodyIsTheMicrosoftV2Form) {
  Grant grant;
  grant.type = GrantType::client_credentials;
  grant.client_id = "535fb089-9ff3-47b6-9bfb-4f1264799865";
  grant.client_secret = "sampleCredentia1s";
  grant.scope = "https://outlook.office365.com/.default";
  EXPECT_EQ(token_request_body(grant),
            "grant_type=client_credentials&client_id=535fb089-9ff3-47b6-9bfb-4f1264799865"
            "&client_secret=sampleCredentia1s&scope=https%3A%2F%2Foutlook.office365.com%2F.default");
}

TEST(TokenEndpoint, RefreshTokenBodyIsTheGoogleForm) {
  Grant grant;
  grant.type = GrantType::refresh_token;
  grant.client_id = "id.apps.googleusercontent.com";
  grant.client_secret = "s3cret";
  grant.refresh_token = "1//0g-abc";
  EXPECT_EQ(token_request_body(grant),
            "grant_type=refresh_token&refresh_token=1%2F%2F0g-abc&client_id=id.apps.googleusercontent.com&client_"
            "secret=s3cret");
}

TEST(TokenEndpoint, ClientAssertionReplacesTheSecret) {
  Grant grant;
  grant.client_id = "cid";
  grant.client_secret = "unused";
  grant.client_assertion = "h.c.s";
  EXPECT_EQ(token_request_body(grant),
            "grant_type=client_credentials&client_id=cid&client_assertion_type="
            "urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=h.c.s");
}

TEST(TokenEndpoint, ParsesASuccessfulReply) {
  auto reply = parse_token_reply(
      200, R"({"token_type":"Bearer","expires_in":3599,"ext_expires_in":3599,"access_token":"eyJ0eXAi.x.y"})");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->access_token, "eyJ0eXAi.x.y");
  EXPECT_EQ(reply->expires_in, 3599);
  EXPECT_TRUE(reply->error.empty());
  // expires_in as a string (Microsoft's v1 endpoint), or missing.
  EXPECT_EQ(parse_token_reply(200, R"({"access_token":"t","expires_in":"60"})")->expires_in, 60);
  EXPECT_EQ(parse_token_reply(200, R"({"access_token":"t"})")->expires_in, 0);
  EXPECT_EQ(parse_token_reply(200, R"({"access_token":"t","expires_in":-5})")->expires_in, 0);
}

TEST(TokenEndpoint, ParsesAnErrorReplyWhateverTheStatus) {
  auto reply = parse_token_reply(
      401, R"({"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided."})");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->error, "invalid_client");
  EXPECT_EQ(reply->error_description, "AADSTS7000215: Invalid client secret provided.");
  EXPECT_TRUE(reply->access_token.empty());
  EXPECT_EQ(parse_token_reply(400, R"({"error":"invalid_grant"})")->error, "invalid_grant");
}

TEST(TokenEndpoint, RefusesRepliesThatAreNoToken) {
  EXPECT_FALSE(parse_token_reply(500, "<html>Internal Server Error</html>"));
  EXPECT_FALSE(parse_token_reply(200, ""));
  EXPECT_FALSE(parse_token_reply(200, "[]"));
  EXPECT_FALSE(parse_token_reply(200, R"({"access_token":""})"));
  EXPECT_FALSE(parse_token_reply(200, R"({"access_token":"with space"})"));
  EXPECT_FALSE(parse_token_reply(200, "{\"access_token\":\"a\\u0001b\"}"));
  EXPECT_FALSE(parse_token_reply(200, R"({"access_token":"t","token_type":"mac"})"));
  EXPECT_FALSE(parse_token_reply(404, R"({"access_token":"t"})"));
  EXPECT_FALSE(parse_token_reply(200, R"({"access_token":17})"));
}

TEST(TokenEndpoint, DisplayedEndpointHasNoUserInformationQueryOrFragment) {
  EXPECT_EQ(endpoint_for_display("https://login.microsoftonline.com/t/oauth2/v2.0/token"),
            "https://login.microsoftonline.com/t/oauth2/v2.0/token");
  EXPECT_EQ(endpoint_for_display("https://user:pass@idp.example:8443/token?client_secret=x#frag"),
            "https://idp.example:8443/token");
  EXPECT_EQ(endpoint_for_display("http://127.0.0.1:9/t?q"), "http://127.0.0.1:9/t");
  EXPECT_EQ(endpoint_for_display("not a url?secret"), "not a url");
  EXPECT_EQ(endpoint_for_display("https://h/\r\nInjected"), "https://h/  Injected");
}

TEST(TokenEndpoint, TokenUrlMustBeHttpsOrLoopbackHttp) {
  EXPECT_FALSE(token_url_problem("https://oauth2.googleapis.com/token"));
  EXPECT_FALSE(token_url_problem("http://127.0.0.1:8080/token"));
  EXPECT_FALSE(token_url_problem("http://localhost/token"));
  EXPECT_FALSE(token_url_problem("http://[::1]:80/token"));
  EXPECT_TRUE(token_url_problem("http://idp.example/token"));
  EXPECT_TRUE(token_url_problem("http://127.0.0.1.evil.example/token"));  // a name, not the loopback address
  EXPECT_TRUE(token_url_problem("https://user:secret@idp.example/token"));
  EXPECT_TRUE(token_url_problem("ftp://idp.example/token"));
  EXPECT_TRUE(token_url_problem("idp.example/token"));
  EXPECT_TRUE(token_url_problem("https:///token"));
}

TEST(TokenEndpoint, MicrosoftTenantShortcut) {
  EXPECT_EQ(microsoft_token_url("contoso.onmicrosoft.com"),
            "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token");
  EXPECT_EQ(kMicrosoftDefaultScope, "https://outlook.office365.com/.default");
}
