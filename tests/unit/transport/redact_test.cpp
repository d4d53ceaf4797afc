// Credentials removed from URLs in messages (libcurl's errors quote a malformed proxy URL).
#include "check_mail/http/redact.hpp"

#include <gtest/gtest.h>

namespace check_mail::transport {
namespace {

TEST(RedactUserinfo, AnyUrlInText) {
  EXPECT_EQ(redact_userinfo("see http://user:pw@host:8080/x and https://a@b/"),
            "see http://***@host:8080/x and https://***@b/");
  EXPECT_EQ(redact_userinfo("Unsupported proxy syntax in 'http://u:secret@[::1'"),
            "Unsupported proxy syntax in 'http://***@[::1'");
  EXPECT_EQ(redact_userinfo("no credentials: http://host/path?q=a@b"), "no credentials: http://host/path?q=a@b");
  EXPECT_EQ(redact_userinfo("mail to x@example.com"), "mail to x@example.com");
  EXPECT_EQ(redact_userinfo(""), "");
}

TEST(RedactUserinfo, TheProxysCredentialsWhereverTheyAppear) {
  const std::string proxy = "user:Sup3rS3cret@";
  EXPECT_EQ(redact_userinfo("Unsupported proxy syntax in 'user:Sup3rS3cret@'", proxy),
            "Unsupported proxy syntax in '***@'");
  EXPECT_EQ(redact_userinfo("bad 'Sup3rS3cret'", "http://user:Sup3rS3cret@host:1"), "bad '***'");
  EXPECT_EQ(redact_userinfo("decoded user:pass word!", "http://user:pass%20word%21@h"), "decoded ***");
  EXPECT_EQ(redact_userinfo("a short one: x:y", "http://x:y@h"), "a short one: ***") << "the whole userinfo";
  EXPECT_EQ(redact_userinfo("y stays", "http://x:y@h"), "y stays") << "a short password alone is not a secret's shape";
  EXPECT_EQ(redact_userinfo("nothing to hide", "http://proxy:3128"), "nothing to hide");
}

}  // namespace
}  // namespace check_mail::transport
