#include "check_mail/oauth/token_cache.hpp"

#include <gtest/gtest.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "check_mail/oauth/token_endpoint.hpp"
#include "check_mail/util/files.hpp"
#include "support/temp_dir.hpp"

using namespace check_mail::oauth;
using check_mail::test_support::TempDir;
using check_mail::util::TokenCache;

TEST(TokenCache, ContentRoundTrip) {
  const std::string content = check_mail::util::token_cache_content({"eyJ.a.b", 2000});
  auto back = check_mail::util::token_from_cache_content(content, 1000, kMaxAccessTokenBytes);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->access_token, "eyJ.a.b");
  EXPECT_EQ(back->expires_on, 2000);
  EXPECT_FALSE(check_mail::util::token_from_cache_content(content, 2000, kMaxAccessTokenBytes))
      << "expired at expires_on";
}

TEST(TokenCache, CorruptContentIsIgnored) {
  for (const char* content : {"", "{", "[]", R"({"access_token":"t"})", R"({"access_token":"t","expires_on":"9"})",
                              R"({"access_token":"a b","expires_on":9999})", R"({"access_token":"","expires_on":9999})",
                              R"({"access_token":1,"expires_on":9999})"}) {
    EXPECT_FALSE(check_mail::util::token_from_cache_content(content, 0, kMaxAccessTokenBytes)) << content;
  }
}

TEST(TokenCache, LifetimeMargin) {
  EXPECT_EQ(cache_until(1000, 3600), 1000 + 3600 - 60);
  EXPECT_EQ(cache_until(1000, 100), 1000 + 100 - 10);
  EXPECT_EQ(cache_until(1000, 2), 1000 + 2 - 1);
  EXPECT_FALSE(cache_until(1000, 1));
  EXPECT_FALSE(cache_until(1000, 0));
}

TEST(TokenCache, StoresPrivatelyAndLoads) {
  const TempDir tmp("cm-oauth-cache");
  const std::string dir = (tmp.path() / "cache").string();
  const TokenCache cache = access_token_cache(dir, "identity");
  ASSERT_FALSE(cache.store({"tok", 4'000'000'000LL}));
  struct stat st {};
  ASSERT_EQ(::stat(dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_EQ(::stat(cache.path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(cache.path().find("identity"), std::string::npos) << "the file name is a hash";
  auto loaded = cache.load(1000);
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->access_token, "tok");
  EXPECT_FALSE(access_token_cache(dir, "other identity").load(1000));
  cache.forget();
  EXPECT_FALSE(cache.load(1000));
}

TEST(TokenCache, RefusesADirectoryOthersCanWrite) {
  const TempDir tmp("cm-oauth-cache");
  ASSERT_EQ(::chmod(tmp.path().c_str(), 0777), 0);
  const TokenCache cache = access_token_cache(tmp.path(), "identity");
  auto problem = cache.store({"tok", 4'000'000'000LL});
  ASSERT_TRUE(problem);
  EXPECT_NE(problem->find("writable by other users"), std::string::npos) << *problem;
  ASSERT_EQ(::chmod(tmp.path().c_str(), 0700), 0);
  ASSERT_FALSE(cache.store({"tok", 4'000'000'000LL}));
  ASSERT_EQ(::chmod(tmp.path().c_str(), 0777), 0);
  EXPECT_FALSE(cache.load(1000)) << "a cache in a directory others can write is not trusted";
}

TEST(TokenCache, RefusesASymlinkedDirectoryAndAFileOthersCanRead) {
  const TempDir tmp("cm-oauth-cache");
  const std::string real = (tmp.path() / "real").string();
  const std::string link = (tmp.path() / "link").string();
  ASSERT_EQ(::mkdir(real.c_str(), 0700), 0);
  ASSERT_EQ(::symlink(real.c_str(), link.c_str()), 0);
  EXPECT_TRUE(access_token_cache(link, "identity").store({"tok", 4'000'000'000LL}));

  const TokenCache cache = access_token_cache(real, "identity");
  ASSERT_FALSE(cache.store({"tok", 4'000'000'000LL}));
  ASSERT_EQ(::chmod(cache.path().c_str(), 0644), 0);
  EXPECT_FALSE(cache.load(1000));
}

TEST(TokenCache, DefaultDirectoryIsTheUsersCacheDirectory) {
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  const char* home = std::getenv("HOME");
  const std::string saved_xdg = xdg ? xdg : "", saved_home = home ? home : "";
  ::setenv("XDG_CACHE_HOME", "/var/cache/x", 1);
  EXPECT_EQ(check_mail::util::user_cache_directory(), "/var/cache/x/check_mail");
  ::unsetenv("XDG_CACHE_HOME");
  ::setenv("HOME", "/home/nagios", 1);
  EXPECT_EQ(check_mail::util::user_cache_directory(), "/home/nagios/.cache/check_mail");
  // No usable $HOME: the password database's home, else a per-user directory in /tmp.
  const passwd* entry = ::getpwuid(::geteuid());
  const std::string database_home = entry && entry->pw_dir ? entry->pw_dir : "";
  const std::string expected = database_home.size() > 1 && database_home[0] == '/'
                                   ? database_home + "/.cache/check_mail"
                                   : "/tmp/check_mail-" + std::to_string(::geteuid());
  ::setenv("HOME", "/", 1);
  EXPECT_EQ(check_mail::util::user_cache_directory(), expected);
  ::unsetenv("HOME");
  EXPECT_EQ(check_mail::util::user_cache_directory(), expected);
  if (xdg) ::setenv("XDG_CACHE_HOME", saved_xdg.c_str(), 1);
  if (home) ::setenv("HOME", saved_home.c_str(), 1);
}
