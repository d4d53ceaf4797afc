#include "check_mail/util/files.hpp"

#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <random>

#include "check_mail/util/strings.hpp"

namespace check_mail::util {

std::optional<std::string> read_file(const std::string& path, std::size_t max_bytes, std::string* error,
                                     bool regular_only) {
  // O_NONBLOCK: opening a FIFO planted at a state file's path must not wait for a writer.
  int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | (regular_only ? O_NOFOLLOW | O_NONBLOCK : 0);
  int fd = ::open(path.c_str(), flags);
  if (fd < 0) {
    if (error) *error = errno == ELOOP && regular_only ? "is a symbolic link" : std::strerror(errno);
    return std::nullopt;
  }
  struct stat st {};
  if (regular_only && (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))) {
    if (error) *error = "not a regular file";
    ::close(fd);
    return std::nullopt;
  }
  if (regular_only && st.st_uid != ::geteuid()) {
    if (error) *error = "owned by another user (uid " + std::to_string(st.st_uid) + ")";
    ::close(fd);
    return std::nullopt;
  }
  std::string content;
  char buffer[8192];
  while (true) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      if (error) *error = std::strerror(errno);
      ::close(fd);
      return std::nullopt;
    }
    if (n == 0) break;
    if (content.size() + static_cast<std::size_t>(n) > max_bytes) {
      if (error) *error = "file larger than " + std::to_string(max_bytes) + " bytes";
      ::close(fd);
      return std::nullopt;
    }
    content.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return content;
}

namespace {

// The temporary file being written, for remove_unfinished_file() in a signal handler: a fixed
// buffer (no allocation there) published by the flag.
char g_unfinished_path[PATH_MAX];
std::atomic<bool> g_unfinished{false};

// Publishes the temporary file while it exists; its destructor (or release) withdraws it.
class UnfinishedFile {
public:
  explicit UnfinishedFile(const std::string& path) {
    if (path.size() >= sizeof g_unfinished_path) return;
    std::memcpy(g_unfinished_path, path.c_str(), path.size() + 1);
    g_unfinished.store(true);
  }
  ~UnfinishedFile() { g_unfinished.store(false); }
  UnfinishedFile(const UnfinishedFile&) = delete;
  UnfinishedFile& operator=(const UnfinishedFile&) = delete;
};

}  // namespace

void remove_unfinished_file() noexcept {
  if (g_unfinished.exchange(false)) ::unlink(g_unfinished_path);
}

std::optional<std::string> write_file_atomically(const std::string& path, const std::string& content) {
  std::random_device random;
  std::string temporary = path + ".tmp." + std::to_string(::getpid()) + "." + format("%08x", random());
  // O_EXCL|O_NOFOLLOW: never write through a planted symlink; rename() replaces a symlink at
  // `path` itself rather than its target.
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return std::string(std::strerror(errno));
  // Published once created (O_EXCL: so it is ours to remove) until renamed or removed.
  UnfinishedFile unfinished(temporary);
  const char* data = content.data();
  std::size_t left = content.size();
  while (left > 0) {
    ssize_t n = ::write(fd, data, left);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      std::string message = std::strerror(errno);
      ::close(fd);
      ::unlink(temporary.c_str());
      return message;
    }
    data += n;
    left -= static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    std::string message = std::strerror(errno);
    ::unlink(temporary.c_str());
    return message;
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    std::string message = std::strerror(errno);
    ::unlink(temporary.c_str());
    return message;
  }
  return std::nullopt;
}

std::string user_cache_directory() {
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  if (xdg && xdg[0] == '/') return std::string(xdg) + "/check_mail";  // relative ones are invalid (XDG spec)
  auto usable_home = [](const char* home) { return home && home[0] == '/' && std::string_view(home) != "/"; };
  const char* home = std::getenv("HOME");
  if (!usable_home(home))
    if (const passwd* entry = ::getpwuid(::geteuid())) home = entry->pw_dir;
  if (usable_home(home)) return std::string(home) + "/.cache/check_mail";
  return "/tmp/check_mail-" + std::to_string(::geteuid());
}

std::optional<std::string> make_private_directory(const std::string& directory) {
  if (directory.empty()) return private_directory_problem(directory);
  // Parents first (~/.cache may not exist yet): missing ones are created 0700, as the XDG
  // specification asks of the cache base directory.
  for (std::size_t slash = directory.find('/', 1); slash != std::string::npos; slash = directory.find('/', slash + 1))
    if (::mkdir(directory.substr(0, slash).c_str(), 0700) != 0 && errno != EEXIST)
      return "cannot create " + directory.substr(0, slash) + ": " + std::strerror(errno);
  if (::mkdir(directory.c_str(), 0700) != 0 && errno != EEXIST)
    return "cannot create " + directory + ": " + std::strerror(errno);
  return private_directory_problem(directory);
}

std::optional<std::string> private_directory_problem(const std::string& directory) {
  if (directory.empty()) return std::string("no directory given");
  struct stat st {};
  if (::lstat(directory.c_str(), &st) != 0) return directory + ": " + std::strerror(errno);
  if (!S_ISDIR(st.st_mode)) return directory + " is not a directory";
  if (st.st_uid != ::geteuid()) return directory + " is owned by another user (uid " + std::to_string(st.st_uid) + ")";
  if (st.st_mode & 022) return directory + " is writable by other users";
  return std::nullopt;
}

bool readable_by_others(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return false;
  return (st.st_mode & 077) != 0;
}

}  // namespace check_mail::util
