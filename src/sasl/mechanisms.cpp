// The mechanism table, the --auth-type vocabulary, and the choice of mechanisms to try.
#include <algorithm>

#include "check_mail/net/error.hpp"
#include "check_mail/sasl/sasl.hpp"
#include "check_mail/util/strings.hpp"
#include "mechanism_steps.hpp"

namespace check_mail::transport::sasl {
namespace {

// In auto's order of preference. Adding a mechanism: an enumerator, a row here, its client
// steps, and its tests.
// SCRAM first: the password never travels and the server proves it knows it too; bound to
// the TLS channel where the server offers -PLUS. CRAM-MD5 adds nothing over TLS (and needs the
// password stored in the clear on the server), so auto uses it only without TLS. PLAIN and
// LOGIN send the password readable: TLS (or --allow-plaintext-auth) only.
const std::vector<MechanismInfo> kMechanisms = {
    // mechanism, name, clear password, needs token, channel binding, auto over TLS, auto without, steps
    // The bearer token travels readable, as a password does.
    {Mechanism::xoauth2, "XOAUTH2", true, true, false, true, true, detail::start_xoauth2},
    {Mechanism::oauthbearer, "OAUTHBEARER", true, true, false, true, true, detail::start_oauthbearer},
    {Mechanism::scram_sha_256_plus, "SCRAM-SHA-256-PLUS", false, false, true, true, false,
     detail::start_scram_sha_256_plus},
    {Mechanism::scram_sha_256, "SCRAM-SHA-256", false, false, false, true, true, detail::start_scram_sha_256},
    {Mechanism::scram_sha_1_plus, "SCRAM-SHA-1-PLUS", false, false, true, true, false, detail::start_scram_sha_1_plus},
    {Mechanism::scram_sha_1, "SCRAM-SHA-1", false, false, false, true, true, detail::start_scram_sha_1},
    {Mechanism::cram_md5, "CRAM-MD5", false, false, false, false, true, detail::start_cram_md5},
    {Mechanism::plain, "PLAIN", true, false, false, true, true, detail::start_plain},
    {Mechanism::login, "LOGIN", true, false, false, true, true, detail::start_login},
};

bool offers(const std::vector<std::string>& offered, std::string_view name) {
  return std::any_of(offered.begin(), offered.end(), [&](const std::string& m) { return util::iequals(m, name); });
}

// Why a mechanism cannot be used under these conditions; empty when it can.
std::string unusable_because(const MechanismInfo& m, const Conditions& conditions) {
  if (m.needs_token && !conditions.token_available) return "needs an OAuth token source";
  if (m.channel_binding && !conditions.tls) return "binds to TLS: needs --security=ssl or starttls";
  if (m.clear_password && !conditions.tls && !conditions.allow_plaintext)
    return "sends the password readable: needs TLS or --allow-plaintext-auth";
  return {};
}

}  // namespace

const std::vector<MechanismInfo>& mechanisms() { return kMechanisms; }

const MechanismInfo& info(Mechanism mechanism) {
  for (const MechanismInfo& m : kMechanisms) {
    if (m.mechanism == mechanism) return m;
  }
  throw std::logic_error("SASL mechanism missing from the table");
}

std::string_view mechanism_name(Mechanism mechanism) { return info(mechanism).name; }

std::optional<Mechanism> parse_mechanism(std::string_view name) {
  for (const MechanismInfo& m : kMechanisms) {
    if (util::iequals(name, m.name)) return m.mechanism;
  }
  return std::nullopt;
}

std::optional<AuthType> parse_auth_type(std::string_view text) {
  if (util::iequals(text, "none")) return AuthType::none();
  if (util::iequals(text, "auto")) return AuthType::automatic();
  if (const auto mechanism = parse_mechanism(text)) return AuthType::of(*mechanism);
  return std::nullopt;
}

std::string auth_type_name(AuthType type) {
  switch (type.kind) {
    case AuthType::Kind::none: return "none";
    case AuthType::Kind::automatic: return "auto";
    case AuthType::Kind::mechanism: break;
  }
  return util::to_lower(mechanism_name(type.mechanism));
}

std::string auth_type_list(bool with_none) {
  std::vector<std::string> names;
  if (with_none) names.emplace_back("none");
  names.emplace_back("auto");
  // The option lists the simple mechanisms first, as they have always been listed.
  for (const Mechanism m : {Mechanism::plain, Mechanism::login, Mechanism::cram_md5}) {
    names.push_back(util::to_lower(mechanism_name(m)));
  }
  for (const MechanismInfo& m : kMechanisms) {
    const std::string name = util::to_lower(m.name);
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  const std::string last = names.back();
  names.pop_back();
  return util::join(names, ", ") + " or " + last;
}

std::vector<Mechanism> candidates(AuthType requested, const std::vector<std::string>& offered,
                                  const Conditions& conditions) {
  if (requested.kind == AuthType::Kind::mechanism) {
    const MechanismInfo& m = info(requested.mechanism);
    if (const std::string why = unusable_because(m, conditions); !why.empty()) {
      throw TransportError(ErrorKind::config, std::string(m.name) + " " + why);
    }
    if (offered.empty()) throw TransportError(ErrorKind::unsupported, "server does not offer authentication (no AUTH)");
    if (!offers(offered, m.name)) {
      throw TransportError(ErrorKind::unsupported, "server does not offer AUTH " + std::string(m.name) +
                                                       " (offers: " + util::join(offered, " ") + ")");
    }
    return {m.mechanism};
  }
  std::vector<Mechanism> chosen;
  if (requested.kind != AuthType::Kind::automatic) return chosen;
  for (const MechanismInfo& m : kMechanisms) {
    if (!(conditions.tls ? m.auto_over_tls : m.auto_without_tls)) continue;
    if (!unusable_because(m, conditions).empty() || !offers(offered, m.name)) continue;
    chosen.push_back(m.mechanism);
  }
  return chosen;
}

}  // namespace check_mail::transport::sasl
