// The command-line scanner: cli::scan_arguments over the smtp and roundtrip modes' declarations.
//   input: one argv word per line.
// Invariants: only UsageError is thrown; its message has no control bytes and never quotes the
// password, which is inserted as "--password" and a word that looks like an option; when the
// scan succeeds and nothing else names a password option, the password is that word.
#include <algorithm>
#include <string>

#include "check_mail/cli/argument_scanner.hpp"
#include "check_mail/cli/command_line.hpp"
#include "check_mail/cli/mode_registry.hpp"
#include "fuzz_support.hpp"

using namespace check_mail;

namespace {

const std::string kSecret = "-Vsecret-mark";

// Or ends the options before it ("--").
bool names_a_password(const std::string& word) {
  return word == "--" || word.find("pass") != std::string::npos || word.find("secret") != std::string::npos ||
         (word.size() > 1 && word[0] == '-' && word[1] != '-' && word.find('P') != std::string::npos);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string> words = fuzz::lines_of(fuzz::as_text(data, size));
  const bool other_password = std::any_of(words.begin(), words.end(), names_a_password);
  // Where the password goes: after the word chosen by the input's size, never inside a value.
  const std::size_t at = words.empty() ? 0 : size % (words.size() + 1);
  words.insert(words.begin() + static_cast<std::ptrdiff_t>(at), {"--password", kSecret});
  for (std::string_view mode_name : {"smtp", "roundtrip"}) {
    const modes::ModeDefinition* mode = cli::find_mode(mode_name);
    FUZZ_CHECK(mode != nullptr);
    const std::vector<cli::OptionSpec> specs = cli::command_line_option_specs(*mode, mode->counters(), words);
    for (cli::UnknownOptions unknown : {cli::UnknownOptions::refuse, cli::UnknownOptions::skip}) {
      try {
        cli::Options options = cli::scan_arguments(words, specs, unknown);
        // The word before the password may be an option that takes it as its value.
        const bool taken = at > 0 && words[at - 1].rfind("-", 0) == 0 && words[at - 1].find('=') == std::string::npos;
        if (!other_password && !taken) FUZZ_CHECK(options.get("password") == kSecret);
      } catch (const cli::UsageError& e) {
        FUZZ_CHECK(unknown == cli::UnknownOptions::refuse);
        FUZZ_CHECK(e.message.find("secret-mark") == std::string::npos);
        FUZZ_CHECK(!fuzz::has_control_bytes(e.message));
      }
    }
  }
  return 0;
}
