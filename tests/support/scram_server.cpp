#include "support/scram_server.hpp"

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "check_mail/util/base64.hpp"

namespace check_mail::test_support {
namespace {

namespace scram = transport::sasl::scram;
using util::base64_decode;
using util::base64_encode;

std::string hash_of(scram::Hash hash, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), out, &length, hash == scram::Hash::sha1 ? EVP_sha1() : EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<const char*>(out), length);
}

// "key=value" attribute `name` of a comma-separated message; nullopt when absent.
std::optional<std::string> attribute(std::string_view message, char name) {
  while (!message.empty()) {
    const std::size_t comma = message.find(',');
    const std::string_view part = message.substr(0, comma);
    if (part.size() >= 2 && part[0] == name && part[1] == '=') return std::string(part.substr(2));
    if (comma == std::string_view::npos) break;
    message.remove_prefix(comma + 1);
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> ScramServer::first(std::string_view client_first) {
  // gs2-header: cbind-flag "," [authzid] ","
  const std::size_t first_comma = client_first.find(',');
  if (first_comma == std::string_view::npos) return std::nullopt;
  const std::size_t second_comma = client_first.find(',', first_comma + 1);
  if (second_comma == std::string_view::npos) return std::nullopt;
  gs2_header_ = std::string(client_first.substr(0, second_comma + 1));
  const std::string_view flag = client_first.substr(0, first_comma);
  binding_type_ = flag.rfind("p=", 0) == 0 ? std::string(flag.substr(2)) : std::string();
  client_first_bare_ = std::string(client_first.substr(second_comma + 1));
  const auto user = attribute(client_first_bare_, 'n');
  const auto client_nonce = attribute(client_first_bare_, 'r');
  if (!user || *user != setup_.username || !client_nonce) return std::nullopt;
  nonce_ = *client_nonce + setup_.server_nonce;
  server_first_ = "r=" + nonce_ + ",s=" + base64_encode(setup_.salt) + ",i=" + std::to_string(setup_.iterations);
  return server_first_;
}

std::string ScramServer::final(std::string_view client_final, std::string_view binding) {
  const std::size_t proof_at = client_final.rfind(",p=");
  if (proof_at == std::string_view::npos) return "e=invalid-encoding";
  const std::string_view without_proof = client_final.substr(0, proof_at);
  const auto channel = attribute(without_proof, 'c');
  const auto nonce = attribute(without_proof, 'r');
  const auto proof = base64_decode(client_final.substr(proof_at + 3));
  if (!channel || !nonce || !proof) return "e=invalid-encoding";
  if (*nonce != nonce_) return "e=other-error";
  if (*channel != base64_encode(gs2_header_ + std::string(binding))) return "e=channel-bindings-dont-match";

  const std::string auth_message = client_first_bare_ + "," + server_first_ + "," + std::string(without_proof);
  const scram::Keys keys = scram::derive_keys(setup_.hash, setup_.password, setup_.salt, setup_.iterations);
  const std::string signature = scram::hmac(setup_.hash, keys.stored_key, auth_message);
  std::string client_key = *proof;
  for (std::size_t i = 0; i < client_key.size() && i < signature.size(); ++i) client_key[i] ^= signature[i];
  if (hash_of(setup_.hash, client_key) != keys.stored_key) return "e=invalid-proof";
  authenticated_ = true;
  const scram::Keys signing = setup_.forge_signature ? scram::derive_keys(setup_.hash, setup_.password + "-forged",
                                                                          setup_.salt, setup_.iterations)
                                                     : keys;
  return "v=" + base64_encode(scram::hmac(setup_.hash, signing.server_key, auth_message));
}

std::string server_channel_binding(ssl_st* ssl, std::string_view type) {
  if (ssl == nullptr) return {};
  if (type == "tls-exporter") {
    static constexpr char kLabel[] = "EXPORTER-Channel-Binding";
    unsigned char out[32];
    if (SSL_export_keying_material(ssl, out, sizeof out, kLabel, sizeof kLabel - 1, nullptr, 0, 1) != 1) return {};
    return std::string(reinterpret_cast<const char*>(out), sizeof out);
  }
  if (type == "tls-server-end-point") {
    X509* certificate = SSL_get_certificate(ssl);  // the server's own
    int digest_nid = NID_undef;
    int key_nid = NID_undef;
    if (certificate == nullptr || X509_get_signature_info(certificate, &digest_nid, &key_nid, nullptr, nullptr) != 1) {
      return {};
    }
    const EVP_MD* md =
        (digest_nid == NID_md5 || digest_nid == NID_sha1) ? EVP_sha256() : EVP_get_digestbynid(digest_nid);
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (md == nullptr || X509_digest(certificate, md, out, &length) != 1) return {};
    return std::string(reinterpret_cast<const char*>(out), length);
  }
  return {};
}

}  // namespace check_mail::test_support
