#pragma once
// File helpers for state and secrets: bounded reads, and atomic private writes that never
// follow a symlink, so concurrent checks and hostile directories cannot corrupt or redirect them.
#include <optional>
#include <string>

namespace check_mail::util {

// Reads at most max_bytes; nullopt (with *error set) when missing, unreadable or larger.
// regular_only: the path itself must be a regular file, not a symlink, FIFO or device, and owned
// by the running user (state files, which another user of a shared directory could plant or
// replace); secrets may come from a pipe (<(pass x)).
std::optional<std::string> read_file(const std::string& path, std::size_t max_bytes, std::string* error,
                                     bool regular_only = false);

// Writes content to path atomically (temporary file in the same directory, fsync, rename) with
// mode 0600. Returns an error message, or nullopt on success.
std::optional<std::string> write_file_atomically(const std::string& path, const std::string& content);

// Removes the temporary file of a write_file_atomically that a signal interrupted, so a check
// killed mid-write leaves nothing behind. Async-signal-safe: the signal handlers call it.
void remove_unfinished_file() noexcept;

// The user's private cache directory for check_mail (the SmarterMail API token, the OAuth access
// tokens): $XDG_CACHE_HOME/check_mail, or ~/.cache/check_mail ($HOME, else the password
// database; a home of "/" does not count), else /tmp/check_mail-UID. The caller makes it private
// or refuses it (make_private_directory): a directory another user planted is never used.
std::string user_cache_directory();

// Creates directory (and missing parents) with mode 0700, or checks an existing one: a real
// directory (not a symlink), owned by the running user, writable by nobody else. Returns an
// error message, or nullopt when the directory is fit for private state.
std::optional<std::string> make_private_directory(const std::string& directory);
// The same checks without creating anything: an error message, or nullopt when the directory
// exists and is fit for private state.
std::optional<std::string> private_directory_problem(const std::string& directory);

// True when a file can be read by users other than its owner (mode wider than 0600).
bool readable_by_others(const std::string& path);

}  // namespace check_mail::util
