#pragma once
// SASL mechanisms used by the mail protocols (SMTP AUTH, and later IMAP AUTHENTICATE and POP3
// AUTH): message encoders and the choice of mechanism. Pure functions; the protocol code does
// the base64 framing and the exchange.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace check_mail::transport::sasl {

enum class Mechanism { plain, login, cram_md5 };

// "PLAIN", "LOGIN", "CRAM-MD5".
[[nodiscard]] std::string_view mechanism_name(Mechanism mechanism);
// Case-insensitive inverse of mechanism_name(); nullopt for anything else.
[[nodiscard]] std::optional<Mechanism> parse_mechanism(std::string_view name);

// Picks the mechanism to use from those the server offers (upper-case names). With a requested
// mechanism: that one if offered. Without (automatic): the strongest offered, CRAM-MD5 > PLAIN
// > LOGIN. Throws TransportError(unsupported) naming what the server offers otherwise.
[[nodiscard]] Mechanism choose_mechanism(const std::vector<std::string>& offered,
                                         std::optional<Mechanism> requested);

// RFC 4616 PLAIN message "authzid NUL authcid NUL password" (not yet base64-encoded). Throws
// TransportError(config) if a part contains NUL, which the format cannot carry.
[[nodiscard]] std::string plain_message(std::string_view authzid, std::string_view authcid,
                                        std::string_view password);

// RFC 2195 CRAM-MD5 response "user <hex HMAC-MD5(secret, challenge)>" (not yet base64-encoded),
// where challenge is the decoded server challenge.
[[nodiscard]] std::string cram_md5_response(std::string_view user, std::string_view secret,
                                            std::string_view challenge);

// Lower-case hex HMAC-MD5 (OpenSSL). Throws TransportError(config) if MD5 is unavailable
// (e.g. a FIPS-only OpenSSL).
[[nodiscard]] std::string hmac_md5_hex(std::string_view key, std::string_view data);

}  // namespace check_mail::transport::sasl
