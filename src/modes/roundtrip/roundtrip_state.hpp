#pragma once
// The state of the asynchronous roundtrip: the test messages sent and not yet seen, kept between
// runs in a small JSON file written atomically with mode 0600 (never through a symlink). Parsing
// is pure, for tests; a damaged file is reported and replaced, never trusted half-way.
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

}  // namespace check_mail::modes::roundtrip
