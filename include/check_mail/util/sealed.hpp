#pragma once
// Seals a secret (an API token) for a state file with AES-256-GCM under a key derived from
// another secret the check already holds (the API password), so the state file never contains
// the token in the clear and cannot be read without the password.
#include <optional>
#include <string>

namespace check_mail::util {

// Returns "salt:nonce:ciphertext+tag" in hex. context is bound to the ciphertext (the cache key).
std::optional<std::string> seal(const std::string& secret, const std::string& key_material, const std::string& context);
// nullopt when the box was tampered with, or the key or context differ.
std::optional<std::string> unseal(const std::string& box, const std::string& key_material, const std::string& context);

std::string sha256_hex(const std::string& data);
std::string to_hex(const unsigned char* data, std::size_t size);

}  // namespace check_mail::util
