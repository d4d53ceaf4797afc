// SCRAM-SHA-1, SCRAM-SHA-256 and their -PLUS variants (RFC 5802, RFC 7677), with OpenSSL.
#include "check_mail/sasl/scram.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <algorithm>
#include <charconv>
#include <vector>

#include "check_mail/net/error.hpp"
#include "check_mail/util/base64.hpp"
#include "check_mail/util/strings.hpp"
#include "mechanism_steps.hpp"

namespace check_mail::transport::sasl::scram {
namespace {

const EVP_MD* digest(Hash hash) { return hash == Hash::sha1 ? EVP_sha1() : EVP_sha256(); }

std::string hash_of(Hash hash, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), out, &length, digest(hash), nullptr) != 1) {
    throw TransportError(ErrorKind::config, "SCRAM: " + std::string(hash_name(hash)) + " is not available");
  }
  return std::string(reinterpret_cast<const char*>(out), length);
}

std::string xor_of(std::string a, std::string_view b) {
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) a[i] = static_cast<char>(a[i] ^ b[i]);
  return a;
}

// "a=value" attributes separated by commas (RFC 5802 7).
std::optional<std::vector<std::pair<char, std::string_view>>> attributes(std::string_view message) {
  std::vector<std::pair<char, std::string_view>> out;
  while (true) {
    const std::size_t comma = message.find(',');
    const std::string_view part = message.substr(0, comma);
    if (part.size() < 2 || part[1] != '=' ||
        !((part[0] >= 'a' && part[0] <= 'z') || (part[0] >= 'A' && part[0] <= 'Z')))
      return std::nullopt;
    out.emplace_back(part[0], part.substr(2));
    if (comma == std::string_view::npos) break;
    message.remove_prefix(comma + 1);
  }
  return out;
}

bool printable_nonce(std::string_view nonce) {
  if (nonce.empty()) return false;
  for (const char c : nonce) {
    if (c < 0x21 || c > 0x7E || c == ',') return false;
  }
  return true;
}

std::string random_nonce() {
  unsigned char bytes[24];
  if (RAND_bytes(bytes, sizeof bytes) != 1)
    throw TransportError(ErrorKind::config, "SCRAM: no random bytes for a nonce");
  return util::base64_encode(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

// RFC 5802's server-error values are short tokens; a longer one is cut for the status line.
constexpr std::size_t kMaxErrorShown = 80;

[[noreturn]] void fail(std::string_view mechanism, const std::string& what) {
  throw TransportError(ErrorKind::protocol, std::string(mechanism) + ": " + what);
}

class ScramClient final : public ClientSteps {
public:
  ScramClient(const Credentials& credentials, const ClientSetup& setup)
      : setup_(setup),
        mechanism_("SCRAM-" + std::string(hash_name(setup.hash)) + (setup.plus ? "-PLUS" : "")),
        password_(saslprep(credentials.password, "the password")),
        nonce_(setup.client_nonce.empty() ? random_nonce() : setup.client_nonce) {
    std::string flag = "n";
    if (setup.plus) {
      if (!credentials.channel_binding) {
        throw TransportError(ErrorKind::config, mechanism_ + " needs TLS channel binding, which this connection lacks");
      }
      binding_ = credentials.channel_binding->data;
      flag = "p=" + credentials.channel_binding->type;
    } else if (setup.binding_possible) {
      flag = "y";
    }
    const std::string authzid =
        credentials.authzid.empty()
            ? std::string()
            : "a=" + escape_saslname(saslprep(credentials.authzid, "the authorisation identity"));
    gs2_header_ = flag + "," + authzid + ",";
    client_first_bare_ = "n=" + escape_saslname(saslprep(credentials.username, "the user name")) + ",r=" + nonce_;
  }

  std::optional<std::string> initial_response() override { return gs2_header_ + client_first_bare_; }

  std::string respond(std::string_view challenge) override {
    switch (state_) {
      case State::sent_first: return client_final(challenge);
      case State::sent_final: return check_server_final(challenge);
      case State::verified: break;
    }
    fail(mechanism_, "unexpected further challenge from server");
  }

  std::string refusal_reason() const override {
    return error_.empty() ? std::string() : mechanism_ + " server error: " + error_;
  }

  void succeeded() override {
    if (state_ != State::verified) {
      fail(mechanism_,
           "the server accepted the login without proving that it knows the password (no server signature)");
    }
  }

private:
  enum class State { sent_first, sent_final, verified };

  std::string client_final(std::string_view message) {
    const auto first = parse_server_first(message);
    if (!first) fail(mechanism_, "malformed server-first-message");
    if (first->nonce.size() <= nonce_.size() || first->nonce.compare(0, nonce_.size(), nonce_) != 0) {
      fail(mechanism_, "the server's nonce does not extend the client's (a replayed or forged exchange)");
    }
    if (first->iterations > kMaxIterations) {
      fail(mechanism_, "the server asks for " + std::to_string(first->iterations) + " iterations (at most " +
                           std::to_string(kMaxIterations) + " are computed)");
    }
    const Keys keys = derive_keys(setup_.hash, password_, first->salt, first->iterations);
    const std::string without_proof = "c=" + util::base64_encode(gs2_header_ + binding_) + ",r=" + first->nonce;
    const std::string auth_message = client_first_bare_ + "," + std::string(message) + "," + without_proof;
    const std::string signature = hmac(setup_.hash, keys.stored_key, auth_message);
    server_signature_ = hmac(setup_.hash, keys.server_key, auth_message);
    state_ = State::sent_final;
    return without_proof + ",p=" + util::base64_encode(xor_of(keys.client_key, signature));
  }

  std::string check_server_final(std::string_view message) {
    const auto final_message = parse_server_final(message);
    if (!final_message) fail(mechanism_, "malformed server-final-message");
    if (!final_message->error.empty()) {
      // The server's own verdict follows as its refusal; the empty response lets it say so.
      error_ = final_message->error.substr(0, kMaxErrorShown);
      return {};
    }
    if (final_message->verifier.size() != server_signature_.size() ||
        CRYPTO_memcmp(final_message->verifier.data(), server_signature_.data(), server_signature_.size()) != 0) {
      fail(mechanism_,
           "the server's signature is wrong: it cannot prove that it knows the password (a man in the middle, or "
           "a server with other credentials)");
    }
    state_ = State::verified;
    return {};
  }

  ClientSetup setup_;
  std::string mechanism_;
  std::string password_;
  std::string nonce_;
  std::string binding_;
  std::string gs2_header_;
  std::string client_first_bare_;
  std::string server_signature_;
  std::string error_;  // the server-final "e=" value, as far as it is shown
  State state_ = State::sent_first;
};

}  // namespace

std::string_view hash_name(Hash hash) { return hash == Hash::sha1 ? "SHA-1" : "SHA-256"; }

std::optional<ServerFirst> parse_server_first(std::string_view message) {
  const auto attrs = attributes(message);
  if (!attrs || attrs->size() < 3) return std::nullopt;
  const auto& a = *attrs;
  if (a[0].first != 'r' || a[1].first != 's' || a[2].first != 'i') return std::nullopt;  // also refuses "m="
  ServerFirst first;
  first.nonce = std::string(a[0].second);
  if (!printable_nonce(first.nonce)) return std::nullopt;
  const auto salt = util::base64_decode(a[1].second);
  if (!salt || salt->empty()) return std::nullopt;
  first.salt = *salt;
  const std::string_view count = a[2].second;
  const auto [end, error] = std::from_chars(count.data(), count.data() + count.size(), first.iterations);
  if (error != std::errc() || end != count.data() + count.size() || first.iterations == 0 || count[0] == '+') {
    return std::nullopt;
  }
  return first;
}

std::optional<ServerFinal> parse_server_final(std::string_view message) {
  const auto attrs = attributes(message);
  if (!attrs || attrs->empty()) return std::nullopt;
  const auto& [name, value] = attrs->front();
  ServerFinal final_message;
  if (name == 'e') {
    if (value.empty()) return std::nullopt;
    final_message.error = std::string(value);
    return final_message;
  }
  if (name != 'v') return std::nullopt;
  const auto verifier = util::base64_decode(value);
  if (!verifier || verifier->empty()) return std::nullopt;
  final_message.verifier = *verifier;
  return final_message;
}

std::string escape_saslname(std::string_view name) {
  std::string out;
  for (const char c : name) {
    if (c == ',') {
      out += "=2C";
    } else if (c == '=') {
      out += "=3D";
    } else {
      out += c;
    }
  }
  return out;
}

std::string saslprep(std::string_view text, std::string_view what) {
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) {
      throw TransportError(ErrorKind::config,
                           "SCRAM: " + std::string(what) + " contains a control character (refused by SASLprep)");
    }
  }
  return std::string(text);
}

std::string hmac(Hash hash, std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (HMAC(digest(hash), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
           data.size(), out, &length) == nullptr) {
    throw TransportError(ErrorKind::config, "SCRAM: HMAC-" + std::string(hash_name(hash)) + " is not available");
  }
  return std::string(reinterpret_cast<const char*>(out), length);
}

Keys derive_keys(Hash hash, std::string_view password, std::string_view salt, std::uint32_t iterations) {
  std::string salted(static_cast<std::size_t>(EVP_MD_get_size(digest(hash))), '\0');
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                        reinterpret_cast<const unsigned char*>(salt.data()), static_cast<int>(salt.size()),
                        static_cast<int>(iterations), digest(hash), static_cast<int>(salted.size()),
                        reinterpret_cast<unsigned char*>(salted.data())) != 1) {
    throw TransportError(ErrorKind::config, "SCRAM: PBKDF2 failed");
  }
  Keys keys;
  keys.client_key = hmac(hash, salted, "Client Key");
  keys.stored_key = hash_of(hash, keys.client_key);
  keys.server_key = hmac(hash, salted, "Server Key");
  OPENSSL_cleanse(salted.data(), salted.size());
  return keys;
}

std::unique_ptr<ClientSteps> client(const Credentials& credentials, const ClientSetup& setup) {
  return std::make_unique<ScramClient>(credentials, setup);
}

}  // namespace check_mail::transport::sasl::scram

namespace check_mail::transport::sasl::detail {
namespace {

std::unique_ptr<ClientSteps> start_scram(const Credentials& credentials, const ExchangeContext& context,
                                         scram::Hash hash, bool plus) {
  scram::ClientSetup setup;
  setup.hash = hash;
  setup.plus = plus;
  const std::string plus_name = "SCRAM-" + std::string(scram::hash_name(hash)) + "-PLUS";
  const bool server_offers_plus = std::any_of(context.offered.begin(), context.offered.end(),
                                              [&](const std::string& m) { return util::iequals(m, plus_name); });
  setup.binding_possible = !plus && credentials.channel_binding.has_value() && !server_offers_plus;
  return scram::client(credentials, setup);
}

}  // namespace

std::unique_ptr<ClientSteps> start_scram_sha_1(const Credentials& c, const ExchangeContext& x) {
  return start_scram(c, x, scram::Hash::sha1, false);
}
std::unique_ptr<ClientSteps> start_scram_sha_1_plus(const Credentials& c, const ExchangeContext& x) {
  return start_scram(c, x, scram::Hash::sha1, true);
}
std::unique_ptr<ClientSteps> start_scram_sha_256(const Credentials& c, const ExchangeContext& x) {
  return start_scram(c, x, scram::Hash::sha256, false);
}
std::unique_ptr<ClientSteps> start_scram_sha_256_plus(const Credentials& c, const ExchangeContext& x) {
  return start_scram(c, x, scram::Hash::sha256, true);
}

}  // namespace check_mail::transport::sasl::detail
