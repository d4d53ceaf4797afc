#pragma once
// The state of the asynchronous roundtrip: the test messages sent and not yet seen, kept between
// runs in a small JSON file written atomically with mode 0600 (never through a symlink). Parsing
// is pure, for tests; a damaged file is reported and replaced, never trusted half-way. Checks
// that run at once on one file each apply their own changes to it under a lock (update_state),
// so none loses another's messages; a file another user owns is refused.
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace check_mail::modes::roundtrip {

struct SentMessage {
  std::string token;
  double sent_epoch = 0;  // Unix seconds, from the token
  std::string recipient;
};

struct State {
  static constexpr std::size_t max_pending = 100;  // the oldest are forgotten beyond this
  std::vector<SentMessage> pending;                // oldest first
};

// Parses the file's text. nullopt (with *error set) when it is not a state this version wrote.
[[nodiscard]] std::optional<State> parse_state(const std::string& text, std::string* error);
[[nodiscard]] std::string serialize_state(const State& state);

// Reads the state file: an empty state when it does not exist yet. A file that cannot be read or
// parsed gives an empty state too, with *problem saying why (the caller reports it).
[[nodiscard]] State load_state(const std::string& path, std::string* problem);
// Writes it atomically (0600). Returns an error message, or nullopt.
[[nodiscard]] std::optional<std::string> save_state(const std::string& path, const State& state);

// What one run changed: the message it sent, and the messages it saw arrive or gave up as lost.
struct StateChanges {
  std::vector<SentMessage> added;
  std::vector<std::string> removed;  // tokens
};
[[nodiscard]] StateChanges changes_between(const State& before, const State& after);
// The changes applied to the state as another run may have left it; beyond State::max_pending
// the oldest are dropped (into *dropped, when set).
[[nodiscard]] State merge_state(State current, const StateChanges& changes, std::vector<SentMessage>* dropped);

// Under an exclusive lock on "<path>.lock" (waiting at most `wait`): reads the file as it is
// now, applies the changes and writes it back; *written is what was written. Returns an error
// message, or nullopt.
[[nodiscard]] std::optional<std::string> update_state(const std::string& path, const StateChanges& changes,
                                                      std::chrono::milliseconds wait, State* written,
                                                      std::vector<SentMessage>* dropped);

// A state file (or its lock file) that belongs to another user: why it is refused, else nullopt.
[[nodiscard]] std::optional<std::string> foreign_state_file(const std::string& path);

}  // namespace check_mail::modes::roundtrip
