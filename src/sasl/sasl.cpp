#include "check_mail/sasl/sasl.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>

#include "check_mail/net/error.hpp"

namespace check_mail::transport::sasl {
namespace {

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool offered_contains(const std::vector<std::string>& offered, Mechanism mechanism) {
  const std::string_view name = mechanism_name(mechanism);
  return std::any_of(offered.begin(), offered.end(), [&](const std::string& m) { return upper(m) == name; });
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : " ") + item;
  return out;
}

}  // namespace

std::string_view mechanism_name(Mechanism mechanism) {
  switch (mechanism) {
    case Mechanism::plain: return "PLAIN";
    case Mechanism::login: return "LOGIN";
    case Mechanism::cram_md5: return "CRAM-MD5";
  }
  return "?";
}

std::optional<Mechanism> parse_mechanism(std::string_view name) {
  const std::string wanted = upper(name);
  for (const Mechanism m : {Mechanism::plain, Mechanism::login, Mechanism::cram_md5}) {
    if (wanted == mechanism_name(m)) return m;
  }
  return std::nullopt;
}

Mechanism choose_mechanism(const std::vector<std::string>& offered, std::optional<Mechanism> requested) {
  if (offered.empty()) throw TransportError(ErrorKind::unsupported, "server does not offer authentication (no AUTH)");
  if (requested) {
    if (offered_contains(offered, *requested)) return *requested;
    throw TransportError(ErrorKind::unsupported, "server does not offer AUTH " + std::string(mechanism_name(*requested)) +
                                                     " (offers: " + join(offered) + ")");
  }
  for (const Mechanism m : {Mechanism::cram_md5, Mechanism::plain, Mechanism::login}) {
    if (offered_contains(offered, m)) return m;
  }
  throw TransportError(ErrorKind::unsupported,
                       "server offers no supported AUTH mechanism (offers: " + join(offered) + ")");
}

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
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0x0F];
  }
  return hex;
}

std::string cram_md5_response(std::string_view user, std::string_view secret, std::string_view challenge) {
  return std::string(user) + " " + hmac_md5_hex(secret, challenge);
}

}  // namespace check_mail::transport::sasl
