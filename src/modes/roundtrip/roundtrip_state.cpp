#include "roundtrip_state.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>

#include "check_mail/util/file_lock.hpp"
#include "check_mail/util/files.hpp"

namespace check_mail::modes::roundtrip {
namespace {

constexpr int kVersion = 1;
constexpr std::size_t kMaxFileBytes = 256 * 1024;

bool plausible_token(const std::string& token) {
  if (token.empty() || token.size() > 200) return false;
  for (const char c : token) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 32 || u >= 127 || c == ';') return false;
  }
  return true;
}

}  // namespace

std::optional<State> parse_state(const std::string& text, std::string* error) {
  const nlohmann::json json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  auto fail = [&](const std::string& why) -> std::optional<State> {
    if (error) *error = why;
    return std::nullopt;
  };
  if (json.is_discarded() || !json.is_object()) return fail("not a JSON object");
  const auto version = json.find("version");
  if (version == json.end() || !version->is_number_integer() || version->get<int>() != kVersion) {
    return fail("unknown version");
  }
  const auto pending = json.find("pending");
  if (pending == json.end() || !pending->is_array()) return fail("no 'pending' list");
  State state;
  for (const nlohmann::json& item : *pending) {
    if (!item.is_object()) return fail("a pending entry is not an object");
    const auto token = item.find("token");
    const auto sent = item.find("sent");
    if (token == item.end() || !token->is_string() || sent == item.end() || !sent->is_number()) {
      return fail("a pending entry lacks 'token' or 'sent'");
    }
    SentMessage message;
    message.token = token->get<std::string>();
    message.sent_epoch = sent->get<double>();
    if (!plausible_token(message.token) || !std::isfinite(message.sent_epoch) || message.sent_epoch < 0) {
      return fail("a pending entry has a malformed token or time");
    }
    if (const auto to = item.find("to"); to != item.end() && to->is_string())
      message.recipient = to->get<std::string>();
    state.pending.push_back(std::move(message));
  }
  if (state.pending.size() > State::max_pending) {
    state.pending.erase(state.pending.begin(),
                        state.pending.begin() + static_cast<std::ptrdiff_t>(state.pending.size() - State::max_pending));
  }
  return state;
}

std::string serialize_state(const State& state) {
  nlohmann::json pending = nlohmann::json::array();
  for (const SentMessage& message : state.pending) {
    pending.push_back({{"token", message.token}, {"sent", message.sent_epoch}, {"to", message.recipient}});
  }
  return nlohmann::json{{"version", kVersion}, {"pending", pending}}.dump(1) + "\n";
}

State load_state(const std::string& path, std::string* problem) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0 && errno == ENOENT) return {};  // the first run
  std::string error;
  const auto text = util::read_file(path, kMaxFileBytes, &error, /*regular_only=*/true);
  if (!text) {
    if (problem) *problem = "cannot read state file '" + path + "': " + error;
    return {};
  }
  auto state = parse_state(*text, &error);
  if (!state) {
    if (problem) *problem = "state file '" + path + "' is damaged (" + error + "); starting afresh";
    return {};
  }
  return std::move(*state);
}

std::optional<std::string> save_state(const std::string& path, const State& state) {
  return util::write_file_atomically(path, serialize_state(state));
}

StateChanges changes_between(const State& before, const State& after) {
  auto has = [](const State& state, const std::string& token) {
    return std::any_of(state.pending.begin(), state.pending.end(),
                       [&](const SentMessage& message) { return message.token == token; });
  };
  StateChanges changes;
  for (const SentMessage& message : after.pending)
    if (!has(before, message.token)) changes.added.push_back(message);
  for (const SentMessage& message : before.pending)
    if (!has(after, message.token)) changes.removed.push_back(message.token);
  return changes;
}

State merge_state(State current, const StateChanges& changes, std::vector<SentMessage>* dropped) {
  auto& pending = current.pending;
  pending.erase(std::remove_if(pending.begin(), pending.end(),
                               [&](const SentMessage& message) {
                                 return std::find(changes.removed.begin(), changes.removed.end(), message.token) !=
                                        changes.removed.end();
                               }),
                pending.end());
  for (const SentMessage& message : changes.added) {
    const bool known = std::any_of(pending.begin(), pending.end(),
                                   [&](const SentMessage& other) { return other.token == message.token; });
    if (!known) pending.push_back(message);
  }
  std::stable_sort(pending.begin(), pending.end(),
                   [](const SentMessage& a, const SentMessage& b) { return a.sent_epoch < b.sent_epoch; });
  while (pending.size() > State::max_pending) {
    if (dropped) dropped->push_back(pending.front());
    pending.erase(pending.begin());
  }
  return current;
}

std::optional<std::string> update_state(const std::string& path, const StateChanges& changes,
                                        std::chrono::milliseconds wait, State* written,
                                        std::vector<SentMessage>* dropped) {
  std::string error;
  const auto lock = util::FileLock::acquire(path + ".lock", wait, &error);
  if (!lock) return error;
  // A file damaged since this run read it was reported then; what this run knows is kept.
  State merged = merge_state(load_state(path, nullptr), changes, dropped);
  if (auto failure = save_state(path, merged)) return failure;
  if (written) *written = std::move(merged);
  return std::nullopt;
}

std::optional<std::string> foreign_state_file(const std::string& path) {
  for (const std::string& file : {path, path + ".lock"}) {
    if (auto owner = util::foreign_owner(file)) return "state file '" + file + "' " + *owner + ": refusing it";
  }
  return std::nullopt;
}

}  // namespace check_mail::modes::roundtrip
