#pragma once
// Seals a secret (an API token) for a state file under a key derived from another secret the
// check already holds (the API password), so the state file never contains the token in the
// clear and cannot be opened without the password.
//
// libsodium rather than OpenSSL: OpenSSL 3 spends ~2 ms setting up its providers on the first
// digest or cipher of a process, which would double the run time of a cached-token check;
// libsodium needs no set-up, and its XChaCha20-Poly1305 and BLAKE2b are the right tools here.
#include <optional>
#include <string>

namespace check_mail::util {

// Returns "nonce:ciphertext+tag" in hex. context is authenticated with the ciphertext.
std::optional<std::string> seal(const std::string& secret, const std::string& key_material, const std::string& context);
// nullopt when the box was tampered with, or the key or context differ.
std::optional<std::string> unseal(const std::string& box, const std::string& key_material, const std::string& context);

// A 256-bit BLAKE2b digest in hex, for file names derived from identities.
std::string hash_hex(const std::string& data);

}  // namespace check_mail::util
