// Bounded reads and atomic private writes for state and secret files.
#include "check_mail/util/files.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "support/temp_dir.hpp"

namespace check_mail::util {
namespace {

namespace fs = std::filesystem;

class Files : public ::testing::Test {
protected:
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  static std::string slurp(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  static void spit(const std::string& file, const std::string& content, mode_t mode) {
    std::ofstream(file, std::ios::binary) << content;
    ::chmod(file.c_str(), mode);
  }
  static mode_t mode_of(const std::string& file) {
    struct stat st {};
    EXPECT_EQ(::lstat(file.c_str(), &st), 0) << file;
    return st.st_mode;
  }
  std::vector<std::string> entries() const {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir_)) names.push_back(entry.path().filename().string());
    return names;
  }

  test_support::TempDir temp_{"check_mail_files"};
  const fs::path dir_ = temp_.path();
};

// Sets the process umask for one test and restores it.
struct Umask {
  explicit Umask(mode_t mask) : previous(::umask(mask)) {}
  ~Umask() { ::umask(previous); }
  mode_t previous;
};

TEST_F(Files, WriteCreatesAPrivateFile) {
  for (mode_t mask : {mode_t{0}, mode_t{022}, mode_t{077}}) {
    Umask umask(mask);
    std::string file = path("state-" + std::to_string(mask));
    EXPECT_EQ(write_file_atomically(file, "token\n"), std::nullopt);
    EXPECT_EQ(slurp(file), "token\n");
    EXPECT_TRUE(S_ISREG(mode_of(file)));
    EXPECT_EQ(mode_of(file) & 07777, 0600u) << "umask " << mask;
  }
}

TEST_F(Files, WriteReplacesContentAndTightensMode) {
  std::string file = path("state");
  spit(file, "an older and much longer content", 0644);
  EXPECT_EQ(write_file_atomically(file, "new"), std::nullopt);
  EXPECT_EQ(slurp(file), "new");
  EXPECT_EQ(mode_of(file) & 07777, 0600u);
  EXPECT_EQ(write_file_atomically(file, ""), std::nullopt);
  EXPECT_EQ(slurp(file), "");
  std::string binary("\0\xff\r\n", 4);
  EXPECT_EQ(write_file_atomically(file, binary), std::nullopt);
  EXPECT_EQ(slurp(file), binary);
}

TEST_F(Files, WriteReplacesASymlinkInsteadOfFollowingIt) {
  std::string target = path("victim");
  spit(target, "must not change", 0644);
  std::string link = path("state");
  ASSERT_EQ(::symlink(target.c_str(), link.c_str()), 0);
  EXPECT_EQ(write_file_atomically(link, "token"), std::nullopt);
  EXPECT_TRUE(S_ISREG(mode_of(link))) << "the symlink itself was replaced";
  EXPECT_EQ(slurp(link), "token");
  EXPECT_EQ(slurp(target), "must not change");
  EXPECT_EQ(mode_of(target) & 07777, 0644u);
}

TEST_F(Files, WriteReplacesADanglingSymlink) {
  std::string link = path("state");
  std::string target = path("does-not-exist-yet");
  ASSERT_EQ(::symlink(target.c_str(), link.c_str()), 0);
  EXPECT_EQ(write_file_atomically(link, "token"), std::nullopt);
  EXPECT_TRUE(S_ISREG(mode_of(link)));
  EXPECT_FALSE(fs::exists(target)) << "nothing created through the link";
}

TEST_F(Files, WriteLeavesNoTemporaryFile) {
  std::string file = path("state");
  for (int i = 0; i < 5; ++i) ASSERT_EQ(write_file_atomically(file, std::to_string(i)), std::nullopt);
  EXPECT_EQ(entries(), (std::vector<std::string>{"state"}));
}

TEST_F(Files, WriteErrorsAreReported) {
  auto error = write_file_atomically(path("missing-dir/state"), "x");
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(*error, "No such file or directory");

  fs::create_directory(path("a-directory"));
  error = write_file_atomically(path("a-directory"), "x");
  ASSERT_TRUE(error.has_value()) << "a directory cannot be replaced by a file";
  EXPECT_EQ(entries().size(), 1u) << "the temporary file is removed on failure";

  if (::geteuid() != 0) {  // root ignores directory permissions
    fs::create_directory(path("read-only"));
    ::chmod(path("read-only").c_str(), 0500);
    EXPECT_TRUE(write_file_atomically(path("read-only/state"), "x").has_value());
    ::chmod(path("read-only").c_str(), 0700);
  }
}

TEST_F(Files, ConcurrentWritersLeaveOneCompleteFile) {
  // Several checks of the same host share one state file: whatever the interleaving, readers
  // see a whole version, never a mix or a truncated one.
  constexpr int kWriters = 6, kWrites = 15;
  std::string file = path("state");
  auto content_of = [](int writer, int write) {
    std::string header = "writer " + std::to_string(writer) + " write " + std::to_string(write) + "\n";
    return header + std::string(32 * 1024, static_cast<char>('a' + writer)) + "\nend\n";
  };
  ASSERT_EQ(write_file_atomically(file, content_of(0, 0)), std::nullopt);
  std::set<std::string> valid;
  for (int w = 0; w < kWriters; ++w)
    for (int i = 0; i < kWrites; ++i) valid.insert(content_of(w, i));

  std::atomic<bool> done{false};
  std::atomic<int> failures{0}, torn_reads{0}, reads{0};
  std::thread reader([&] {
    while (!done) {
      std::string error;
      auto content = read_file(file, 1 << 20, &error);
      ++reads;
      if (!content || !valid.count(*content)) ++torn_reads;
    }
  });
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w)
    writers.emplace_back([&, w] {
      for (int i = 0; i < kWrites; ++i)
        if (write_file_atomically(file, content_of(w, i))) ++failures;
    });
  for (auto& t : writers) t.join();
  done = true;
  reader.join();

  EXPECT_EQ(failures, 0);
  EXPECT_EQ(torn_reads, 0) << "of " << reads << " reads";
  EXPECT_TRUE(valid.count(slurp(file)));
  EXPECT_EQ(mode_of(file) & 07777, 0600u);
  EXPECT_EQ(entries(), (std::vector<std::string>{"state"}));
}

TEST_F(Files, ReadFileIsBounded) {
  std::string file = path("data");
  spit(file, std::string(10000, 'x'), 0600);
  std::string error;
  auto content = read_file(file, 10000, &error);
  ASSERT_TRUE(content.has_value()) << error;
  EXPECT_EQ(content->size(), 10000u);

  EXPECT_FALSE(read_file(file, 9999, &error).has_value());
  EXPECT_EQ(error, "file larger than 9999 bytes");
  EXPECT_FALSE(read_file(file, 0, nullptr).has_value());

  spit(path("empty"), "", 0600);
  EXPECT_EQ(read_file(path("empty"), 0, &error), "");
}

TEST_F(Files, ReadFileErrors) {
  std::string error;
  EXPECT_FALSE(read_file(path("missing"), 100, &error).has_value());
  EXPECT_EQ(error, "No such file or directory");
  EXPECT_FALSE(read_file(dir_.string(), 100, &error).has_value());
  EXPECT_EQ(error, "Is a directory");
  EXPECT_FALSE(read_file(path("missing"), 100, nullptr).has_value()) << "the error pointer is optional";
}

TEST_F(Files, ReadableByOthers) {
  std::string file = path("secret");
  spit(file, "x", 0600);
  EXPECT_FALSE(readable_by_others(file));
  ::chmod(file.c_str(), 0400);
  EXPECT_FALSE(readable_by_others(file));
  ::chmod(file.c_str(), 0640);
  EXPECT_TRUE(readable_by_others(file));
  ::chmod(file.c_str(), 0604);
  EXPECT_TRUE(readable_by_others(file));
  EXPECT_FALSE(readable_by_others(path("missing")));
}

// A state file must be the running user's own: another user could have planted it in a shared
// directory. (As root, a file given to nobody; otherwise a root-owned system file.)
TEST_F(Files, StateFilesMustBeOwnedByTheRunningUser) {
  std::string file = path("planted");
  spit(file, "planted", 0644);
  if (::geteuid() == 0) {
    ASSERT_EQ(::chown(file.c_str(), 65534, 65534), 0);
  } else {
    file = "/etc/passwd";
  }
  std::string error;
  EXPECT_FALSE(read_file(file, 1 << 20, &error, /*regular_only=*/true).has_value());
  EXPECT_NE(error.find("owned by another user"), std::string::npos) << error;
  EXPECT_TRUE(read_file(file, 1 << 20, &error).has_value()) << "secrets may be anyone's file: " << error;
}

TEST_F(Files, PrivateDirectoryIsCreated0700AndChecked) {
  std::string directory = path("a/b/check_mail");
  EXPECT_EQ(make_private_directory(directory), std::nullopt);
  EXPECT_EQ(mode_of(directory) & 07777, 0700u);
  EXPECT_EQ(mode_of(path("a")) & 07777, 0700u);
  EXPECT_EQ(make_private_directory(directory), std::nullopt) << "an existing one is fine";
  ::chmod(directory.c_str(), 0770);
  EXPECT_TRUE(make_private_directory(directory).has_value()) << "group-writable";
  ::chmod(directory.c_str(), 0700);
  fs::create_symlink(directory, path("link"));
  EXPECT_TRUE(make_private_directory(path("link")).has_value()) << "a symlink is not the directory";
  spit(path("file"), "x", 0600);
  EXPECT_TRUE(make_private_directory(path("file")).has_value());
  EXPECT_TRUE(make_private_directory("").has_value());
}

TEST_F(Files, PrivateDirectoryProblemCreatesNothing) {
  EXPECT_TRUE(private_directory_problem(path("missing")).has_value());
  EXPECT_FALSE(fs::exists(path("missing")));
  ASSERT_EQ(make_private_directory(path("mine")), std::nullopt);
  EXPECT_EQ(private_directory_problem(path("mine")), std::nullopt);
  ::chmod(path("mine").c_str(), 0777);
  auto problem = private_directory_problem(path("mine"));
  ASSERT_TRUE(problem.has_value());
  EXPECT_NE(problem->find("writable by other users"), std::string::npos) << *problem;
}

}  // namespace
}  // namespace check_mail::util
