#include "check_mail/util/files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
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

std::optional<std::string> write_file_atomically(const std::string& path, const std::string& content) {
  std::random_device random;
  std::string temporary = path + ".tmp." + std::to_string(::getpid()) + "." + format("%08x", random());
  // O_EXCL|O_NOFOLLOW: never write through a planted symlink; rename() replaces a symlink at
  // `path` itself rather than its target.
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return std::string(std::strerror(errno));
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

bool readable_by_others(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return false;
  return (st.st_mode & 077) != 0;
}

}  // namespace check_mail::util
