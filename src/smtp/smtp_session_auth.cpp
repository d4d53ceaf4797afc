// The AUTH step of the SMTP session (RFC 4954): mechanism choice and the PLAIN, LOGIN and
// CRAM-MD5 exchanges. Credentials appear in the transcript only as "<redacted>".
#include "check_mail/smtp/smtp_session.hpp"
#include "check_mail/util/base64.hpp"

namespace check_mail::transport::smtp {
namespace {

double seconds_since(Deadline::Clock::time_point start) {
  return std::chrono::duration<double>(Deadline::Clock::now() - start).count();
}

}  // namespace

void Session::authenticate() {
  phase_ = Phase::auth;
  if (!connection_->is_tls() && !options_.allow_plaintext_auth) {
    throw TransportError(ErrorKind::config, "refusing to send credentials over an unencrypted connection");
  }
  std::optional<sasl::Mechanism> requested;
  switch (options_.auth) {
    case AuthMethod::plain: requested = sasl::Mechanism::plain; break;
    case AuthMethod::login: requested = sasl::Mechanism::login; break;
    case AuthMethod::cram_md5: requested = sasl::Mechanism::cram_md5; break;
    case AuthMethod::automatic:
    case AuthMethod::none: break;
  }
  const std::vector<std::string> none;
  const auto& offered = result_.capabilities ? result_.capabilities->auth_mechanisms : none;
  const sasl::Mechanism mechanism = sasl::choose_mechanism(offered, requested);

  const auto start = Deadline::Clock::now();
  switch (mechanism) {
    case sasl::Mechanism::plain: authenticate_plain(); break;
    case sasl::Mechanism::login: authenticate_login(); break;
    case sasl::Mechanism::cram_md5: authenticate_cram_md5(); break;
  }
  result_.timings.auth = seconds_since(start);
  result_.auth_mechanism = mechanism;
}

void Session::authenticate_plain() {
  const std::string encoded =
      util::base64_encode(sasl::plain_message(options_.authzid, options_.username, options_.password));
  Reply reply = command("AUTH PLAIN " + encoded, "AUTH PLAIN <redacted>");
  // A server that ignores initial responses asks with an empty 334 challenge.
  if (reply.code == 334) reply = command(encoded, "<redacted>");
  expect_auth_success(reply, sasl::Mechanism::plain);
}

void Session::authenticate_login() {
  Reply reply = command("AUTH LOGIN");
  if (reply.code == 334) reply = command(util::base64_encode(options_.username), "<redacted>");
  if (reply.code == 334) reply = command(util::base64_encode(options_.password), "<redacted>");
  expect_auth_success(reply, sasl::Mechanism::login);
}

void Session::authenticate_cram_md5() {
  Reply reply = command("AUTH CRAM-MD5");
  if (reply.code == 334) {
    const std::string text = reply.lines.empty() ? std::string() : reply.lines.front();
    const auto challenge = util::base64_decode(text);
    if (!challenge || challenge->empty()) {
      throw TransportError(ErrorKind::protocol, "malformed CRAM-MD5 challenge from server");
    }
    const std::string& secret = options_.shared_secret.empty() ? options_.password : options_.shared_secret;
    reply = command(util::base64_encode(sasl::cram_md5_response(options_.username, secret, *challenge)), "<redacted>");
  }
  expect_auth_success(reply, sasl::Mechanism::cram_md5);
}

void Session::expect_auth_success(const Reply& reply, sasl::Mechanism mechanism) {
  if (reply.code == 235) return;
  if (reply.code == 334) {
    throw TransportError(ErrorKind::protocol, "AUTH " + std::string(sasl::mechanism_name(mechanism)) +
                                                  ": unexpected further challenge from server");
  }
  refuse("AUTH " + std::string(sasl::mechanism_name(mechanism)) + " failed", reply);
}

}  // namespace check_mail::transport::smtp
