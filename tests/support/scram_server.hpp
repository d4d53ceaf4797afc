#pragma once
// The server side of SCRAM (RFC 5802, RFC 7677) for tests: it answers a client's messages and
// checks its proof and channel binding, so the client can be tested end to end against
// something whose own answers are first checked against the RFC 7677 test vectors. It can
// also forge its signature, to play a server that does not know the password.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "check_mail/sasl/scram.hpp"

struct ssl_st;

namespace check_mail::test_support {

struct ScramServerSetup {
  transport::sasl::scram::Hash hash = transport::sasl::scram::Hash::sha256;
  std::string username = "user";
  std::string password = "pencil";
  std::string salt;  // decoded
  std::uint32_t iterations = 4096;
  std::string server_nonce = "3rfcNHYJY1ZVvWVs7j";
  bool forge_signature = false;  // answer with a server signature computed from another password
};

class ScramServer {
public:
  explicit ScramServer(ScramServerSetup setup) : setup_(std::move(setup)) {}

  // client-first-message -> server-first-message; nullopt when malformed or for another user.
  std::optional<std::string> first(std::string_view client_first);
  // client-final-message -> server-final-message ("v=..." or "e=..."). binding: the channel
  // binding data the server sees for the type the client named (empty without "p=").
  std::string final(std::string_view client_final, std::string_view binding = {});
  // The channel-binding type the client asked for ("" when it sent "n" or "y").
  [[nodiscard]] const std::string& binding_type() const { return binding_type_; }
  [[nodiscard]] bool authenticated() const { return authenticated_; }

private:
  ScramServerSetup setup_;
  std::string gs2_header_;
  std::string binding_type_;
  std::string client_first_bare_;
  std::string server_first_;
  std::string nonce_;
  bool authenticated_ = false;
};

// The server side's channel binding of its TLS session: "tls-exporter" (RFC 9266) or
// "tls-server-end-point" (RFC 5929, the hash of its own certificate).
std::string server_channel_binding(ssl_st* ssl, std::string_view type);

}  // namespace check_mail::test_support
