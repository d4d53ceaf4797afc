#pragma once
// An exclusive advisory lock (flock) on a lock file beside a file that several checks update at
// once (the asynchronous roundtrip's state), so each read-modify-write sees the others' changes.
// The lock file is private: created 0600, never through a symlink, and refused when another user
// owns it (a file planted in a shared directory must not block or steer the check).
#include <chrono>
#include <optional>
#include <string>

namespace check_mail::util {

class FileLock {
public:
  // Waits for the lock at most `wait`. nullopt, with *error set, when the lock file cannot be
  // opened, belongs to another user, or the lock was not free in time.
  [[nodiscard]] static std::optional<FileLock> acquire(const std::string& path, std::chrono::milliseconds wait,
                                                       std::string* error);
  ~FileLock();  // unlocks (closing the descriptor releases it)
  FileLock(FileLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  FileLock& operator=(FileLock&&) = delete;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

// Whether an existing file at path belongs to another user than the one running the check:
// a message naming its owner, else nullopt (also when it does not exist).
[[nodiscard]] std::optional<std::string> foreign_owner(const std::string& path);

}  // namespace check_mail::util
