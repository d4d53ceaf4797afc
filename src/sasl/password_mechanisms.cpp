// The client steps of PLAIN (RFC 4616), LOGIN (draft-murchison-sasl-login) and CRAM-MD5
// (RFC 2195).
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "check_mail/net/error.hpp"
#include "check_mail/sasl/sasl.hpp"
#include "check_mail/util/strings.hpp"
#include "mechanism_steps.hpp"

namespace check_mail::transport::sasl {
namespace {

[[noreturn]] void unexpected_challenge(std::string_view mechanism) {
  throw TransportError(ErrorKind::protocol,
                       "AUTH " + std::string(mechanism) + ": unexpected further challenge from server");
}

// Client-first: everything in the initial response.
class PlainSteps final : public ClientSteps {
public:
  explicit PlainSteps(std::string message) : message_(std::move(message)) {}
  std::optional<std::string> initial_response() override { return message_; }
  std::string respond(std::string_view) override { unexpected_challenge("PLAIN"); }
  void succeeded() override {}

private:
  std::string message_;
};

// The server asks for the user name, then the password; its prompts are not read.
class LoginSteps final : public ClientSteps {
public:
  LoginSteps(std::string username, std::string password) : answers_{std::move(username), std::move(password)} {}
  std::optional<std::string> initial_response() override { return std::nullopt; }
  std::string respond(std::string_view) override {
    if (next_ >= 2) unexpected_challenge("LOGIN");
    return answers_[next_++];
  }
  void succeeded() override {}

private:
  std::string answers_[2];
  int next_ = 0;
};

class CramMd5Steps final : public ClientSteps {
public:
  CramMd5Steps(std::string username, std::string secret) : username_(std::move(username)), secret_(std::move(secret)) {}
  std::optional<std::string> initial_response() override { return std::nullopt; }
  std::string respond(std::string_view challenge) override {
    if (answered_) unexpected_challenge("CRAM-MD5");
    if (challenge.empty()) throw TransportError(ErrorKind::protocol, "malformed CRAM-MD5 challenge from server");
    answered_ = true;
    return cram_md5_response(username_, secret_, challenge);
  }
  void succeeded() override {}

private:
  std::string username_;
  std::string secret_;
  bool answered_ = false;
};

}  // namespace

namespace detail {

std::unique_ptr<ClientSteps> start_plain(const Credentials& c, const ExchangeContext&) {
  return std::make_unique<PlainSteps>(plain_message(c.authzid, c.username, c.password));
}

std::unique_ptr<ClientSteps> start_login(const Credentials& c, const ExchangeContext&) {
  return std::make_unique<LoginSteps>(c.username, c.password);
}

std::unique_ptr<ClientSteps> start_cram_md5(const Credentials& c, const ExchangeContext&) {
  return std::make_unique<CramMd5Steps>(c.username, c.cram_md5_secret.empty() ? c.password : c.cram_md5_secret);
}

}  // namespace detail

std::string plain_message(std::string_view authzid, std::string_view authcid, std::string_view password) {
  for (const std::string_view part : {authzid, authcid, password}) {
    if (part.find('\0') != std::string_view::npos) {
      throw TransportError(ErrorKind::config, "user name or password contains a NUL byte");
    }
  }
  std::string message;
  message.reserve(authzid.size() + authcid.size() + password.size() + 2);
  message.append(authzid).append(1, '\0').append(authcid).append(1, '\0').append(password);
  return message;
}

std::string hmac_md5_hex(std::string_view key, std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  const unsigned char* ok = HMAC(EVP_md5(), key.data(), static_cast<int>(key.size()),
                                 reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest, &length);
  if (ok == nullptr) throw TransportError(ErrorKind::config, "HMAC-MD5 is not available in this OpenSSL (FIPS mode?)");
  return util::to_hex(std::string_view(reinterpret_cast<const char*>(digest), length));
}

std::string cram_md5_response(std::string_view user, std::string_view secret, std::string_view challenge) {
  return std::string(user) + " " + hmac_md5_hex(secret, challenge);
}

}  // namespace check_mail::transport::sasl
