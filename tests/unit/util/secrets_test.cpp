// Where a password comes from: the option, a file's first line, or an environment variable.
#include "check_mail/util/secrets.hpp"

#include "check_mail/util/base64.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include "support/temp_dir.hpp"

namespace check_mail::util {
namespace {

namespace fs = std::filesystem;

constexpr const char* kEnv = "CHECK_MAIL_UNIT_TEST_SECRET";

class Secrets : public ::testing::Test {
protected:
  void SetUp() override { ::unsetenv(kEnv); }
  void TearDown() override { ::unsetenv(kEnv); }
  std::string file(const std::string& content, mode_t mode = 0600, const std::string& name = "password") {
    std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << content;
    ::chmod(path.c_str(), mode);
    return path;
  }
  static std::string error_of(const SecretSource& source) {
    try {
      resolve_secret(source, "API password");
    } catch (const std::runtime_error& error) {
      return error.what();
    }
    ADD_FAILURE() << "expected an error";
    return {};
  }

  test_support::TempDir temp_{"check_mail_secrets"};
  const fs::path dir_ = temp_.path();
};

TEST_F(Secrets, NothingSetIsNullopt) {
  EXPECT_FALSE(resolve_secret({}, "API password").has_value());
  SecretSource env_only;
  env_only.env_variable = kEnv;
  EXPECT_FALSE(resolve_secret(env_only, "API password").has_value()) << "variable not set";
  ::setenv(kEnv, "", 1);
  EXPECT_FALSE(resolve_secret(env_only, "API password").has_value()) << "variable set but empty";
}

TEST_F(Secrets, OptionValueComesFirst) {
  ::setenv(kEnv, "from-env", 1);
  SecretSource source{"from-option", true, file("from-file\n"), kEnv};
  auto secret = resolve_secret(source, "API password");
  ASSERT_TRUE(secret.has_value());
  EXPECT_EQ(secret->value, "from-option");
  EXPECT_TRUE(secret->warnings.empty());
}

TEST_F(Secrets, EmptyOptionValueFallsBackToTheFile) {
  SecretSource source{"", true, file("from-file\n"), ""};
  EXPECT_EQ(resolve_secret(source, "API password")->value, "from-file");
}

TEST_F(Secrets, FileFirstLine) {
  struct {
    const char* content;
    const char* value;
  } cases[] = {{"s3cret\n", "s3cret"},
               {"s3cret", "s3cret"},
               {"s3cret\r\n", "s3cret"},
               {"s3cret\nsecond line\n", "s3cret"},
               {" spaced pass \n", " spaced pass "},
               {"p\xc3\xa4ss\n", "p\xc3\xa4ss"}};
  for (const auto& c : cases) {
    SecretSource source;
    source.file = file(c.content);
    auto secret = resolve_secret(source, "API password");
    ASSERT_TRUE(secret.has_value());
    EXPECT_EQ(secret->value, c.value) << c.content;
    EXPECT_TRUE(secret->warnings.empty()) << "mode 0600 warns of nothing";
  }
}

TEST_F(Secrets, FileWinsOverEnvironment) {
  ::setenv(kEnv, "from-env", 1);
  SecretSource source{"", false, file("from-file"), kEnv};
  EXPECT_EQ(resolve_secret(source, "API password")->value, "from-file");
}

TEST_F(Secrets, EnvironmentVariable) {
  ::setenv(kEnv, "from-env", 1);
  SecretSource source;
  source.env_variable = kEnv;
  auto secret = resolve_secret(source, "API password");
  ASSERT_TRUE(secret.has_value());
  EXPECT_EQ(secret->value, "from-env");
  EXPECT_TRUE(secret->warnings.empty());
}

TEST_F(Secrets, FileReadableByOthersWarns) {
  for (mode_t mode : {mode_t{0644}, mode_t{0640}, mode_t{0604}}) {
    SecretSource source;
    source.file = file("s3cret\n", mode, "password-" + std::to_string(mode));
    auto secret = resolve_secret(source, "API password");
    ASSERT_TRUE(secret.has_value());
    EXPECT_EQ(secret->value, "s3cret");
    ASSERT_EQ(secret->warnings.size(), 1u);
    EXPECT_EQ(secret->warnings[0],
              "warning: API password file '" + source.file + "' is readable by other users (mode wider than 0600)");
    EXPECT_EQ(secret->warnings[0].find("s3cret"), std::string::npos) << "never the secret itself";
  }
  SecretSource private_file;
  private_file.file = file("s3cret\n", 0400, "read-only");
  EXPECT_TRUE(resolve_secret(private_file, "API password")->warnings.empty());
}

TEST_F(Secrets, MissingFileIsAnError) {
  SecretSource source;
  source.file = (dir_ / "missing").string();
  source.env_variable = kEnv;
  ::setenv(kEnv, "from-env", 1);
  EXPECT_EQ(error_of(source), "Cannot read API password file '" + source.file + "': No such file or directory")
      << "no silent fallback to the environment";
}

TEST_F(Secrets, UnreadableFileIsAnError) {
  // A directory cannot be read as a file, whoever runs the test (root reads any mode 0000 file).
  SecretSource source;
  source.file = ::testing::TempDir();
  EXPECT_EQ(error_of(source), "Cannot read API password file '" + source.file + "': Is a directory");
}

TEST_F(Secrets, EmptyFileOrEmptyFirstLineIsAnError) {
  for (const char* content : {"", "\n", "\r\nsecond", "\nsecond"}) {
    SecretSource source;
    source.file = file(content);
    EXPECT_EQ(error_of(source), "API password file '" + source.file + "' is empty") << "'" << content << "'";
  }
}

TEST_F(Secrets, HugeFileIsAnError) {
  SecretSource source;
  source.file = file(std::string(70 * 1024, 'x'));
  EXPECT_EQ(error_of(source), "Cannot read API password file '" + source.file + "': file larger than 65536 bytes");
}

// A server may quote credentials back (a 535 echoing the AUTH line, an IMAP BAD quoting LOGIN):
// every form a registered secret travels in is scrubbed.
TEST(SecretRegistry, Issue14Item6ScrubsEveryFormOfARegisteredSecret) {
  register_secret("Pa\"ss\\w0rd-x");
  register_login("reg-user", "Pa\"ss\\w0rd-x");
  const std::string plain = "Pa\"ss\\w0rd-x";
  const std::string quoted = "Pa\\\"ss\\\\w0rd-x";
  const std::string b64 = base64_encode(plain);
  const std::string sasl = base64_encode(std::string("\0reg-user\0", 10) + plain);
  const std::string embedded = base64_encode("prefix:" + plain + ":suffix");
  for (const std::string& text : {plain, quoted, b64, sasl, embedded}) {
    const std::string scrubbed = scrub_secrets("535 5.7.8 bad " + text + " here");
    EXPECT_EQ(scrubbed.find(text), std::string::npos) << scrubbed;
    EXPECT_NE(scrubbed.find("<redacted>"), std::string::npos) << scrubbed;
    EXPECT_EQ(scrubbed.find("w0rd"), std::string::npos) << scrubbed;
  }
  EXPECT_EQ(scrub_secrets("250 nothing secret"), "250 nothing secret");
}

TEST(SecretRegistry, ResolvedSecretsAreRegisteredAndTinyOnesAreNot) {
  SecretSource source;
  source.value = "Res0lved-Value";
  source.value_given = true;
  ASSERT_TRUE(resolve_secret(source, "password"));
  EXPECT_EQ(scrub_secrets("NO Res0lved-Value"), "NO <redacted>");
  register_secret("abc");
  EXPECT_EQ(scrub_secrets("abc abc"), "abc abc");
}

}  // namespace
}  // namespace check_mail::util
