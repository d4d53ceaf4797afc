#pragma once
// The SASL vocabulary of the mail protocols (SMTP AUTH RFC 4954, IMAP AUTHENTICATE RFC 3501 and
// RFC 4959, POP3 AUTH RFC 5034): the one mechanism type, the --auth-type values, the credentials,
// and the client steps of each mechanism. A mechanism is one entry of the table in
// src/sasl/mechanisms.cpp: its name, what it needs or risks, and a factory for its client steps.
// sasl_engine.hpp runs the exchange over a protocol's small adapter.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "check_mail/tls/tls.hpp"

namespace check_mail::transport::sasl {

enum class Mechanism {
  plain,
  login,
  cram_md5,
  scram_sha_1,
  scram_sha_1_plus,
  scram_sha_256,
  scram_sha_256_plus,
  xoauth2,
  oauthbearer,
};

// What a mechanism authenticates with. Only the fields the chosen mechanism needs are read.
struct Credentials {
  std::string authzid;   // authorisation identity; usually empty
  std::string username;  // authentication identity
  std::string password;
  std::string cram_md5_secret;  // CRAM-MD5's shared secret; empty: the password
  // The TLS session's binding, set by the session once TLS is up (-PLUS mechanisms).
  std::optional<ChannelBinding> channel_binding;
  // An OAuth 2.0 access token source; empty when none is configured (token mechanisms need one).
  std::function<std::string()> access_token;
  // Told the server's decoded OAuth error when it refuses the token (XOAUTH2, OAUTHBEARER): a
  // one-line description ("status 401, scope ...") and whether a new token might help.
  std::function<void(const std::string& description, bool bad_token)> oauth_refusal;
};

// The client side of one exchange, a small state machine driven by the engine. Messages are
// the decoded bytes; the engine does the base64 framing.
class ClientSteps {
public:
  virtual ~ClientSteps() = default;
  // The initial response, or nullopt when the mechanism waits for a first challenge.
  virtual std::optional<std::string> initial_response() = 0;
  // The answer to a server challenge. Throws TransportError when the challenge is malformed or
  // proves the server wrong (the engine then cancels the exchange).
  virtual std::string respond(std::string_view challenge) = 0;
  // The server said the exchange succeeded. Throws TransportError when the mechanism has not
  // finished its own checks (a mechanism that authenticates the server must have done so).
  virtual void succeeded() = 0;
  // What the exchange itself said about the refusal that ended it (SCRAM's server-final "e="
  // value), added to the server's refusal in the status line; empty when it said nothing.
  [[nodiscard]] virtual std::string refusal_reason() const { return {}; }
};

// What the client steps know about the exchange beyond the credentials.
struct ExchangeContext {
  std::vector<std::string> offered;  // the mechanisms the server advertised, upper-case
};

struct MechanismInfo {
  Mechanism mechanism;
  std::string_view name;  // the registered name: "CRAM-MD5"
  bool clear_password;    // the password travels readable: only over TLS (or when allowed)
  bool needs_token;       // authenticates with an OAuth access token, not the password
  bool channel_binding;   // binds the exchange to the TLS session: only over TLS
  bool auto_over_tls;     // whether auto uses it over TLS
  bool auto_without_tls;  // whether auto uses it without TLS (--allow-plaintext-auth)
  std::unique_ptr<ClientSteps> (*start)(const Credentials& credentials, const ExchangeContext& context);
};

// Every mechanism, in auto's order of preference.
[[nodiscard]] const std::vector<MechanismInfo>& mechanisms();
[[nodiscard]] const MechanismInfo& info(Mechanism mechanism);
// "PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-256-PLUS", ...
[[nodiscard]] std::string_view mechanism_name(Mechanism mechanism);
// Case-insensitive inverse of mechanism_name(); nullopt for anything else.
[[nodiscard]] std::optional<Mechanism> parse_mechanism(std::string_view name);

// An --auth-type value: none, auto, or one mechanism.
struct AuthType {
  enum class Kind { none, automatic, mechanism };
  Kind kind = Kind::none;
  Mechanism mechanism = Mechanism::plain;  // for Kind::mechanism

  [[nodiscard]] static AuthType none() { return {}; }
  [[nodiscard]] static AuthType automatic() { return {Kind::automatic, Mechanism::plain}; }
  [[nodiscard]] static AuthType of(Mechanism m) { return {Kind::mechanism, m}; }
  [[nodiscard]] bool is(Mechanism m) const { return kind == Kind::mechanism && mechanism == m; }
  friend bool operator==(const AuthType& a, const AuthType& b) {
    return a.kind == b.kind && (a.kind != Kind::mechanism || a.mechanism == b.mechanism);
  }
};
// "none", "auto" or a mechanism name, any case; nullopt for anything else.
[[nodiscard]] std::optional<AuthType> parse_auth_type(std::string_view text);
// "none", "auto", "cram-md5": as --auth-type spells it.
[[nodiscard]] std::string auth_type_name(AuthType type);
// The values --auth-type takes, for help and error texts: "auto, plain, login or cram-md5"
// (with_none: "none, auto, ...").
[[nodiscard]] std::string auth_type_list(bool with_none);

// Where the exchange happens, as far as choosing a mechanism goes.
struct Conditions {
  bool tls = false;              // the connection is encrypted
  bool allow_plaintext = false;  // --allow-plaintext-auth
  bool token_available = false;  // an OAuth token source is configured
};

// The mechanisms to try, in order. A requested mechanism: itself, if the server offers it
// (TransportError unsupported otherwise, naming what it offers) and it can be used here
// (TransportError config otherwise). auto: every offered mechanism auto may use under these
// conditions, in preference order; possibly none.
[[nodiscard]] std::vector<Mechanism> candidates(AuthType requested, const std::vector<std::string>& offered,
                                                const Conditions& conditions);

// RFC 4616 PLAIN message "authzid NUL authcid NUL password". Throws TransportError(config) if a
// part contains NUL, which the format cannot carry.
[[nodiscard]] std::string plain_message(std::string_view authzid, std::string_view authcid, std::string_view password);
// RFC 2195 CRAM-MD5 response "user <hex HMAC-MD5(secret, challenge)>".
[[nodiscard]] std::string cram_md5_response(std::string_view user, std::string_view secret, std::string_view challenge);
// Lower-case hex HMAC-MD5 (OpenSSL). Throws TransportError(config) if MD5 is unavailable
// (e.g. a FIPS-only OpenSSL).
[[nodiscard]] std::string hmac_md5_hex(std::string_view key, std::string_view data);

}  // namespace check_mail::transport::sasl
