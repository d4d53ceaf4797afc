#pragma once
// File helpers for state and secrets: bounded reads, and atomic private writes that never
// follow a symlink, so concurrent checks and hostile directories cannot corrupt or redirect them.
#include <optional>
#include <string>

namespace check_mail::util {

// Reads at most max_bytes; nullopt (with *error set) when missing, unreadable or larger.
// regular_only: the path itself must be a regular file, not a symlink, FIFO or device (state
// files, which a hostile directory could replace); secrets may come from a pipe (<(pass x)).
std::optional<std::string> read_file(const std::string& path, std::size_t max_bytes, std::string* error,
                                     bool regular_only = false);

// Writes content to path atomically (temporary file in the same directory, fsync, rename) with
// mode 0600. Returns an error message, or nullopt on success.
std::optional<std::string> write_file_atomically(const std::string& path, const std::string& content);

// True when a file can be read by users other than its owner (mode wider than 0600).
bool readable_by_others(const std::string& path);

}  // namespace check_mail::util
