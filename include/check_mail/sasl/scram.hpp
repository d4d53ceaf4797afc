#pragma once
// SCRAM (RFC 5802) with SHA-1 and SHA-256 (RFC 7677), and the -PLUS variants bound to the TLS
// channel (RFC 5929 tls-server-end-point, RFC 9266 tls-exporter): the message parsers, the key
// derivation, and the client steps. The engine reaches the client through the mechanism table;
// tests, the fuzz target and the test server use these parts directly.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "check_mail/sasl/sasl.hpp"

namespace check_mail::transport::sasl::scram {

enum class Hash { sha1, sha256 };
[[nodiscard]] std::string_view hash_name(Hash hash);  // "SHA-1", "SHA-256"

// The most PBKDF2 iterations a server may ask for: the derivation runs inside the check's
// deadline, and a hostile server must not make it spin.
constexpr std::uint32_t kMaxIterations = 1'000'000;

// RFC 5802 7: server-first-message "[m=ext,]r=nonce,s=salt,i=count[,ext...]".
struct ServerFirst {
  std::string nonce;  // client nonce + server nonce
  std::string salt;   // decoded
  std::uint32_t iterations = 0;
};
// nullopt when malformed (including a mandatory extension "m=", which no client knows).
[[nodiscard]] std::optional<ServerFirst> parse_server_first(std::string_view message);

// RFC 5802 7: server-final-message "v=verifier" or "e=server-error-value".
struct ServerFinal {
  std::string verifier;  // decoded ServerSignature; empty when error is set
  std::string error;     // "invalid-proof", "channel-bindings-dont-match", ...
};
[[nodiscard]] std::optional<ServerFinal> parse_server_final(std::string_view message);

// RFC 5802 5.1: "," as "=2C" and "=" as "=3D" in user names.
[[nodiscard]] std::string escape_saslname(std::string_view name);
// SASLprep (RFC 4013) for what this client supports: ASCII is kept as it is and control
// characters are refused (TransportError config); other UTF-8 is passed unchanged, without the
// NFKC normalisation and mapping of RFC 4013 (a password already in NFKC form works).
[[nodiscard]] std::string saslprep(std::string_view text, std::string_view what);

// RFC 5802 3: the keys derived from the password.
struct Keys {
  std::string client_key;  // HMAC(SaltedPassword, "Client Key")
  std::string stored_key;  // H(ClientKey)
  std::string server_key;  // HMAC(SaltedPassword, "Server Key")
};
[[nodiscard]] Keys derive_keys(Hash hash, std::string_view password, std::string_view salt, std::uint32_t iterations);
[[nodiscard]] std::string hmac(Hash hash, std::string_view key, std::string_view data);

// What the client steps are started with.
struct ClientSetup {
  Hash hash = Hash::sha256;
  bool plus = false;  // -PLUS: bind to credentials.channel_binding (required)
  // Without -PLUS: the client could bind, but the server did not offer -PLUS ("y" flag, which
  // lets a server that does offer it detect the downgrade). Otherwise "n".
  bool binding_possible = false;
  std::string client_nonce;  // empty: 24 random bytes, base64
};
[[nodiscard]] std::unique_ptr<ClientSteps> client(const Credentials& credentials, const ClientSetup& setup);

}  // namespace check_mail::transport::sasl::scram
