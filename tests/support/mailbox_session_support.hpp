#pragma once
// What the IMAP and POP3 session tests (tests/unit/transport/imap_session_test.cpp,
// pop3_session_test.cpp) start from: a check against the scripted server. Header-only, as only
// those tests link the mailbox layer.
#include <string>

#include "check_mail/mailbox/mailbox.hpp"
#include "support/scripted_server.hpp"
#include "support/test_pki.hpp"

namespace check_mail::test_support {

// The server's port on localhost, the test PKI's CA, one user; plain-text credentials allowed
// only without TLS.
inline transport::mailbox::Options mailbox_options_for(
    const ScriptedServer& server, transport::mailbox::Security security = transport::mailbox::Security::none) {
  transport::mailbox::Options options;
  options.endpoint = transport::Endpoint{"localhost", server.port()};
  options.security = security;
  options.tls.ca_pem = TestPki::instance().ca_pem();
  options.username = "monitor@example.test";
  options.password = "s3cret";
  options.allow_plaintext_auth = security == transport::mailbox::Security::none;
  return options;
}

inline std::string transcript_of(const transport::mailbox::Result& result) { return result.transcript.to_string(); }

}  // namespace check_mail::test_support
