// SCRAM server messages: scram::parse_server_first / parse_server_final, and the client steps fed
// the input as server-first then server-final (client nonce "abc", so an input starting
// "r=abc..." reaches the key derivation).
//   input: "server-first" NUL "server-final"; without a NUL, all of it is tried as both.
// Invariants: the parsers never throw; a parsed server-first has a non-empty printable nonce
// and salt and a positive count; the client throws only TransportError(protocol | config) and
// never accepts a server-final it did not verify.
#include <string>
#include <string_view>

#include "check_mail/net/error.hpp"
#include "check_mail/sasl/scram.hpp"
#include "fuzz_support.hpp"

using namespace check_mail;
namespace scram = transport::sasl::scram;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t nul = input.find('\0');
  const std::string_view first = input.substr(0, nul);
  const std::string_view last = nul == std::string_view::npos ? input : input.substr(nul + 1);

  const auto parsed = scram::parse_server_first(first);
  if (parsed) {
    FUZZ_CHECK(!parsed->nonce.empty() && !parsed->salt.empty() && parsed->iterations > 0);
    for (const char c : parsed->nonce) FUZZ_CHECK(c > 0x20 && c < 0x7F && c != ',');
  }
  if (const auto final_message = scram::parse_server_final(last)) {
    FUZZ_CHECK(final_message->verifier.empty() != final_message->error.empty());
  }
  // Keep the derivation cheap: only small iteration counts are run through the client.
  if (parsed && parsed->iterations > 64) return 0;

  transport::sasl::Credentials credentials;
  credentials.username = "user";
  credentials.password = "pencil";
  scram::ClientSetup setup;
  setup.client_nonce = "abc";
  auto client = scram::client(credentials, setup);
  try {
    (void)client->initial_response();
    (void)client->respond(first);
    (void)client->respond(last);
    client->succeeded();
    FUZZ_CHECK(false);  // no input can carry the right server signature for this exchange
  } catch (const transport::TransportError& e) {
    FUZZ_CHECK(e.kind() == transport::ErrorKind::protocol || e.kind() == transport::ErrorKind::config);
  }
  return 0;
}
