#include "check_mail/util/file_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

namespace check_mail::util {
namespace {

std::string owner_problem(const struct stat& st) {
  return "belongs to another user (uid " + std::to_string(st.st_uid) + ", this check runs as uid " +
         std::to_string(::geteuid()) + ")";
}

}  // namespace

std::optional<FileLock> FileLock::acquire(const std::string& path, std::chrono::milliseconds wait, std::string* error) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0600);
  if (fd < 0) {
    if (error)
      *error =
          "cannot open lock file '" + path + "': " + (errno == ELOOP ? "is a symbolic link" : std::strerror(errno));
    return std::nullopt;
  }
  FileLock lock(fd);
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    if (error) *error = "lock file '" + path + "' is not a regular file";
    return std::nullopt;
  }
  if (st.st_uid != ::geteuid()) {
    if (error) *error = "lock file '" + path + "' " + owner_problem(st);
    return std::nullopt;
  }
  // Polled rather than blocking, so the wait ends with the check's time.
  const auto until = std::chrono::steady_clock::now() + wait;
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      if (error) *error = "cannot lock '" + path + "': " + std::strerror(errno);
      return std::nullopt;
    }
    if (std::chrono::steady_clock::now() >= until) {
      if (error) *error = "lock file '" + path + "' stayed locked by another check";
      return std::nullopt;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return lock;
}

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);
}

std::optional<std::string> foreign_owner(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return std::nullopt;
  if (st.st_uid == ::geteuid()) return std::nullopt;
  return owner_problem(st);
}

}  // namespace check_mail::util
