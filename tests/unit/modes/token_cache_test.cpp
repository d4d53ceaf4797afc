// The SmarterMail token cache: the token and its expiry in plain JSON, a private file in a
// private directory, ignored when damaged, expired or owned by someone else.
#include "check_mail/modes/smartermail/token_cache.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "check_mail/util/files.hpp"
#include "support/temp_dir.hpp"

namespace check_mail::modes::smartermail {
namespace {

namespace fs = std::filesystem;

const std::string kToken = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJtb25pdG9yIn0.c2lnbmF0dXJl";
const std::string kAccount = "mail.example.com\n443\n/api/v1\nmonitor";
constexpr long long kNow = 1'700'000'000;

class TokenCacheTest : public ::testing::Test {
protected:
  static mode_t mode_of(const std::string& path) {
    struct stat st {};
    EXPECT_EQ(::lstat(path.c_str(), &st), 0) << path;
    return st.st_mode & 07777;
  }
  static std::string slurp(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  test_support::TempDir temp_{"check_mail_token"};
  const fs::path dir_ = temp_.path();
};

// Sets an environment variable for one test and restores it.
struct ScopedEnv {
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) previous_ = old;
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (previous_)
      ::setenv(name_, previous_->c_str(), 1);
    else
      ::unsetenv(name_);
  }
  const char* name_;
  std::optional<std::string> previous_;
};

std::optional<std::string> token_of(const std::optional<util::CachedToken>& cached) {
  return cached ? std::optional(cached->access_token) : std::nullopt;
}

// The cache's content as SmarterMail reads it: the token, if fit for its header and unexpired.
std::optional<std::string> token_from_cache(std::string_view content, long long now) {
  return token_of(util::token_from_cache_content(content, now, kMaxTokenBytes));
}

std::string token_cache_content(const std::string& token, long long expires_on) {
  return util::token_cache_content({token, expires_on});
}

TEST(TokenCacheContent, HoldsOnlyTheTokenAndItsExpiry) {
  std::string content = token_cache_content(kToken, kNow + 600);
  EXPECT_EQ(content, "{\"access_token\":\"" + kToken + "\",\"expires_on\":" + std::to_string(kNow + 600) + "}\n");
  EXPECT_EQ(token_from_cache(content, kNow), kToken);
}

TEST(TokenCacheContent, ExpiredDamagedOrUnfitIsNothing) {
  EXPECT_EQ(token_from_cache(token_cache_content(kToken, kNow), kNow), std::nullopt) << "expires now";
  EXPECT_EQ(token_from_cache(token_cache_content(kToken, kNow - 1), kNow), std::nullopt);
  for (const std::string& content :
       {std::string(), std::string("{"), std::string("[]"), std::string("{\"access_token\":\"t\"}"),
        std::string("{\"expires_on\":4102444800}"), std::string("{\"access_token\":1,\"expires_on\":4102444800}"),
        std::string("{\"access_token\":\"t\",\"expires_on\":\"4102444800\"}"),
        std::string("{\"access_token\":\"a b\",\"expires_on\":4102444800}"),
        std::string("{\"access_token\":\"a\\r\\nX: y\",\"expires_on\":4102444800}"),
        std::string("{\"access_token\":\"\",\"expires_on\":4102444800}"),
        std::string("{\"version\":1,\"token\":\"00:11\",\"expires_on\":4102444800}")})
    EXPECT_EQ(token_from_cache(content, kNow), std::nullopt) << content;
}

TEST(TokenCacheContent, UsableTokens) {
  EXPECT_TRUE(usable_token(kToken));
  EXPECT_FALSE(usable_token(""));
  EXPECT_FALSE(usable_token("a b"));
  EXPECT_FALSE(usable_token("a\nb"));
  EXPECT_FALSE(usable_token("t\xc3\xa9k"));
  EXPECT_FALSE(usable_token(std::string(8193, 'a')));
  EXPECT_TRUE(usable_token(std::string(8192, 'a')));
}

TEST_F(TokenCacheTest, StoresAPrivateFileAndReadsItBack) {
  const util::TokenCache cache = api_token_cache(dir_.string(), kAccount, "");
  EXPECT_EQ(cache.path().rfind(dir_.string() + "/smartermail_", 0), 0u) << cache.path();
  EXPECT_EQ(cache.path().find("monitor"), std::string::npos) << "no user name in the file name";
  EXPECT_EQ(cache.store({kToken, kNow + 600}), std::nullopt);
  EXPECT_EQ(mode_of(cache.path()), 0600u);
  EXPECT_EQ(token_of(cache.load(kNow, nullptr)), kToken);
  EXPECT_EQ(token_of(cache.load(kNow + 600, nullptr)), std::nullopt);
  cache.forget();
  EXPECT_FALSE(fs::exists(cache.path()));
}

TEST_F(TokenCacheTest, OneFilePerAccountAndSuffix) {
  const util::TokenCache a = api_token_cache(dir_.string(), kAccount, ""),
                         b = api_token_cache(dir_.string(), kAccount + "x", ""),
                         c = api_token_cache(dir_.string(), kAccount, ".2");
  EXPECT_NE(a.path(), b.path());
  EXPECT_EQ(c.path(), a.path() + ".2");
  EXPECT_EQ(api_token_cache(dir_.string(), kAccount, "").path(), a.path()) << "stable across runs";
}

TEST_F(TokenCacheTest, DefaultIsAPrivateDirectoryUnderXdgCacheHome) {
  ScopedEnv xdg("XDG_CACHE_HOME", (dir_ / "xdg" / "cache").string());
  const util::TokenCache cache = api_token_cache("", kAccount, "");
  EXPECT_EQ(fs::path(cache.path()).parent_path(), dir_ / "xdg" / "cache" / "check_mail");
  EXPECT_EQ(cache.store({kToken, kNow + 600}), std::nullopt);
  EXPECT_EQ(mode_of((dir_ / "xdg" / "cache" / "check_mail").string()), 0700u);
  EXPECT_EQ(mode_of((dir_ / "xdg" / "cache").string()), 0700u) << "missing parents are private too";
  EXPECT_EQ(token_of(cache.load(kNow, nullptr)), kToken);
}

TEST_F(TokenCacheTest, DefaultFallsBackToHomeCache) {
  ScopedEnv xdg("XDG_CACHE_HOME", "relative/ignored");
  ScopedEnv home("HOME", dir_.string());
  EXPECT_EQ(util::user_cache_directory(), dir_.string() + "/.cache/check_mail");
}

TEST_F(TokenCacheTest, DefaultDirectoryWritableByOthersIsNotUsed) {
  ScopedEnv xdg("XDG_CACHE_HOME", dir_.string());
  fs::create_directory(dir_ / "check_mail");
  ::chmod((dir_ / "check_mail").c_str(), 0777);
  const util::TokenCache cache = api_token_cache("", kAccount, "");
  auto error = cache.store({kToken, kNow + 600});
  ASSERT_TRUE(error.has_value());
  EXPECT_NE(error->find("writable by other users"), std::string::npos) << *error;
  EXPECT_FALSE(fs::exists(cache.path()));
}

TEST_F(TokenCacheTest, SymlinkAtThePathIsNeitherFollowedNorRead) {
  const util::TokenCache cache = api_token_cache(dir_.string(), kAccount, "");
  std::string target = (dir_ / "target").string();
  std::ofstream(target) << token_cache_content("planted-token", kNow + 600);
  fs::create_symlink(target, cache.path());
  std::string note;
  EXPECT_EQ(token_of(cache.load(kNow, &note)), std::nullopt);
  EXPECT_NE(note.find("symbolic link"), std::string::npos) << note;
  EXPECT_EQ(cache.store({kToken, kNow + 600}), std::nullopt);
  EXPECT_TRUE(fs::is_regular_file(fs::symlink_status(cache.path())));
  EXPECT_EQ(slurp(target), token_cache_content("planted-token", kNow + 600)) << "the link's target is unchanged";
}

TEST_F(TokenCacheTest, UnwritableDirectoryIsAnErrorMessage) {
  const util::TokenCache cache = api_token_cache((dir_ / "missing").string(), kAccount, "");
  auto error = cache.store({kToken, kNow + 600});
  ASSERT_TRUE(error.has_value());
  EXPECT_NE(error->find("cannot write the token cache"), std::string::npos) << *error;
  EXPECT_EQ(error->find(kToken), std::string::npos);
}

}  // namespace
}  // namespace check_mail::modes::smartermail
