// The one token cache: what both its users (SmarterMail's API token, OAuth's access tokens) rely
// on beyond their own tests (tests/unit/modes/token_cache_test.cpp, tests/unit/oauth/).
#include "check_mail/util/token_cache.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "support/temp_dir.hpp"

namespace check_mail::util {
namespace {

namespace fs = std::filesystem;

constexpr long long kNow = 1'700'000'000;
constexpr std::size_t kBound = 8192;

class TokenCacheFile : public ::testing::Test {
protected:
  test_support::TempDir temp_{"check_mail_token_cache"};
  const fs::path dir_ = temp_.path();
};

TEST(TokenCacheFormat, ExpiryMayBeAnyNumber) {
  auto fraction = token_from_cache_content(R"({"access_token":"t","expires_on":1700000000.5})", kNow, kBound);
  ASSERT_TRUE(fraction);
  EXPECT_EQ(fraction->expires_on, kNow + 1) << "the next whole second";
  EXPECT_FALSE(token_from_cache_content(R"({"access_token":"t","expires_on":1699999999.5})", kNow, kBound));
  auto far = token_from_cache_content(R"({"access_token":"t","expires_on":18446744073709551615})", kNow, kBound);
  ASSERT_TRUE(far);
  EXPECT_EQ(far->expires_on, LLONG_MAX);
}

TEST(TokenCacheFormat, TheBoundIsTheUsers) {
  const std::string content = token_cache_content({std::string(9000, 'a'), kNow + 60});
  EXPECT_FALSE(token_from_cache_content(content, kNow, 8192));
  EXPECT_TRUE(token_from_cache_content(content, kNow, 16384));
}

TEST_F(TokenCacheFile, ADirectoryAsGivenIsNeitherCreatedNorChecked) {
  const TokenCache missing((dir_ / "missing").string(), "name", CacheDirectory::as_given, kBound);
  EXPECT_TRUE(missing.store({"tok", kNow + 60}).has_value());
  EXPECT_FALSE(fs::exists(dir_ / "missing"));
  ASSERT_EQ(::chmod(dir_.c_str(), 01777), 0);  // shared, like /tmp
  const TokenCache shared(dir_.string(), "name", CacheDirectory::as_given, kBound);
  ASSERT_EQ(shared.store({"tok", kNow + 60}), std::nullopt);
  auto loaded = shared.load(kNow);
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->access_token, "tok");
}

TEST_F(TokenCacheFile, APrivateDirectoryOthersCanWriteIsNotRead) {
  const TokenCache cache((dir_ / "private").string(), "name", CacheDirectory::private_to_user, kBound);
  ASSERT_EQ(cache.store({"tok", kNow + 60}), std::nullopt);
  ASSERT_TRUE(cache.load(kNow));
  ASSERT_EQ(::chmod((dir_ / "private").c_str(), 0777), 0);
  std::string why;
  EXPECT_FALSE(cache.load(kNow, &why));
  EXPECT_NE(why.find("writable by other users"), std::string::npos) << why;
}

TEST_F(TokenCacheFile, AFileOthersCanReadIsNotUsed) {
  for (CacheDirectory kind : {CacheDirectory::as_given, CacheDirectory::private_to_user}) {
    const TokenCache cache(dir_.string(), "name", kind, kBound);
    ASSERT_EQ(::chmod(dir_.c_str(), 0700), 0);
    ASSERT_EQ(cache.store({"tok", kNow + 60}), std::nullopt);
    ASSERT_EQ(::chmod(cache.path().c_str(), 0644), 0);
    std::string why;
    EXPECT_FALSE(cache.load(kNow, &why));
    EXPECT_NE(why.find("open to other users"), std::string::npos) << why;
    cache.forget();
    EXPECT_FALSE(fs::exists(cache.path()));
  }
}

}  // namespace
}  // namespace check_mail::util
