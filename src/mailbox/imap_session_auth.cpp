// The login step of the IMAP session: LOGIN, or AUTHENTICATE PLAIN (SASL-IR when offered) or
// CRAM-MD5 (RFC 3501 6.2, RFC 4959). Credentials appear in the transcript only as "<redacted>".
#include "check_mail/mailbox/imap_session.hpp"
#include "check_mail/util/base64.hpp"
#include "check_mail/util/strings.hpp"
#include "mailbox_internal.hpp"

namespace check_mail::transport::imap {

using mailbox::Phase;
using mailbox::detail::seconds_since;

void Session::login() {
  phase_ = Phase::login;
  if (preauthenticated_) {
    result_.logged_in = true;
    return;
  }
  mailbox::detail::require_protected_channel(connection_->is_tls(), options_);
  const auto mechanism = mailbox::detail::choose_login(options_.auth, capabilities_.auth_mechanisms());
  const auto start = Deadline::Clock::now();
  capabilities_known_ = false;  // until the server says what it offers after login
  if (!mechanism) {
    if (capabilities_.has("LOGINDISABLED")) {
      throw TransportError(ErrorKind::unsupported, "server refuses LOGIN here (LOGINDISABLED)");
    }
    const Reply reply = command({atom("LOGIN"), string(options_.username), string(options_.password, true)});
    update_capabilities(expect_ok(reply, "LOGIN"));
  } else if (*mechanism == sasl::Mechanism::plain) {
    authenticate_plain();
  } else if (*mechanism == sasl::Mechanism::cram_md5) {
    authenticate_cram_md5();
  } else {
    throw TransportError(ErrorKind::unsupported, "SASL LOGIN is not used for IMAP: use the LOGIN command");
  }
  result_.timings.login = seconds_since(start);
  result_.auth_mechanism = mechanism;
  result_.logged_in = true;
  // Capabilities often grow after login (Dovecot sends them in the OK); ask if they did not come.
  if (!capabilities_known_) {
    phase_ = Phase::capability;
    capability();
  }
}

void Session::authenticate_plain() {
  const std::string encoded =
      util::base64_encode(sasl::plain_message(options_.authzid, options_.username, options_.password));
  Reply reply;
  if (capabilities_.has("SASL-IR")) {  // RFC 4959: the response goes with the command
    reply = command({atom("AUTHENTICATE"), atom("PLAIN"), Argument{encoded, false, true}}, true);
  } else {
    reply = command({atom("AUTHENTICATE"), atom("PLAIN")}, true);
    if (reply.final.kind == Response::Kind::continuation) reply = continue_command(reply.tag, encoded, "<redacted>");
  }
  if (reply.final.kind == Response::Kind::continuation) {
    reply = continue_command(reply.tag, "*", "*");  // cancel: the server wants more than PLAIN has
  }
  update_capabilities(expect_ok(reply, "AUTHENTICATE PLAIN"));
}

void Session::authenticate_cram_md5() {
  Reply reply = command({atom("AUTHENTICATE"), atom("CRAM-MD5")}, true);
  if (reply.final.kind == Response::Kind::continuation) {
    const auto challenge = util::base64_decode(util::trim(reply.final.text));
    if (!challenge || challenge->empty()) {
      continue_command(reply.tag, "*", "*");
      throw TransportError(ErrorKind::protocol, "malformed CRAM-MD5 challenge from server");
    }
    const std::string response = sasl::cram_md5_response(options_.username, options_.password, *challenge);
    reply = continue_command(reply.tag, util::base64_encode(response), "<redacted>");
    if (reply.final.kind == Response::Kind::continuation) reply = continue_command(reply.tag, "*", "*");
  }
  update_capabilities(expect_ok(reply, "AUTHENTICATE CRAM-MD5"));
}

}  // namespace check_mail::transport::imap
