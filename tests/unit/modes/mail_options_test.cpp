// The connection options shared by the mail modes: which options each scope declares, default
// ports, a leg's prefixed option winning over the shared one, and bad values.
#include "check_mail/modes/mail/mail_options.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "check_mail/modes/mode.hpp"

using namespace check_mail;
using namespace check_mail::modes;

namespace {

std::vector<std::string> names(const std::vector<cli::OptionSpec>& specs) {
  std::vector<std::string> out;
  for (const auto& spec : specs) out.push_back(spec.name);
  return out;
}

bool has(const std::vector<std::string>& list, const std::string& name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

cli::Options options_of(mail::Protocol protocol, mail::Scope scope,
                        const std::vector<std::pair<std::string, std::string>>& given) {
  std::vector<cli::OptionSpec> specs = mail::connection_option_specs(protocol, scope, "s", "t");
  if (scope == mail::Scope::leg) {
    auto shared = mail::connection_option_specs(protocol, mail::Scope::shared, "s", "t");
    specs.insert(specs.end(), shared.begin(), shared.end());
  }
  cli::Options options;
  options.set_defaults(specs);
  for (const auto& [name, value] : given) options.set(name, {value});
  return options;
}

}  // namespace

TEST(MailOptions, ScopesDeclareTheirOptions) {
  const auto standalone = names(mail::connection_option_specs(mail::Protocol::imap, mail::Scope::standalone, "s", "t"));
  for (const char* name : {"hostname", "port", "security", "auth-type", "username", "password", "password-file",
                           "cafile", "insecure", "ssl-cert-file", "ssl-key-file", "tls-min-version"}) {
    EXPECT_TRUE(has(standalone, name)) << name;
  }
  const auto shared = names(mail::connection_option_specs(mail::Protocol::imap, mail::Scope::shared, "s", "t"));
  EXPECT_TRUE(has(shared, "hostname"));
  EXPECT_TRUE(has(shared, "cafile"));
  EXPECT_FALSE(has(shared, "port"));
  EXPECT_FALSE(has(shared, "security"));
  const auto leg = names(mail::connection_option_specs(mail::Protocol::pop3, mail::Scope::leg, "s", "t"));
  for (const char* name : {"pop3-hostname", "pop3-port", "pop3-security", "pop3-auth-type", "pop3-username",
                           "pop3-password", "pop3-cafile", "pop3-insecure"}) {
    EXPECT_TRUE(has(leg, name)) << name;
  }
  EXPECT_FALSE(has(leg, "pop3-ssl-cert-file"));
}

TEST(MailOptions, DefaultPortsFollowTheSecurity) {
  output::Report report;
  auto read = [&](mail::Protocol protocol, const std::string& security) {
    return mail::read_connection(
               options_of(protocol, mail::Scope::standalone, {{"hostname", "h"}, {"security", security}}), protocol,
               mail::Scope::standalone, report)
        .endpoint.port;
  };
  EXPECT_EQ(read(mail::Protocol::imap, "none"), 143);
  EXPECT_EQ(read(mail::Protocol::imap, "starttls"), 143);
  EXPECT_EQ(read(mail::Protocol::imap, "ssl"), 993);
  EXPECT_EQ(read(mail::Protocol::pop3, "none"), 110);
  EXPECT_EQ(read(mail::Protocol::pop3, "ssl"), 995);
  EXPECT_EQ(read(mail::Protocol::smtp, "ssl"), 465);
}

TEST(MailOptions, LegOptionsWinOverSharedOnes) {
  output::Report report;
  const cli::Options options = options_of(mail::Protocol::smtp, mail::Scope::leg,
                                          {{"hostname", "store"},
                                           {"smtp-hostname", "mx"},
                                           {"username", "u"},
                                           {"password", "shared-secret"},
                                           {"smtp-password", "leg-secret"},
                                           {"smtp-port", "587"},
                                           {"smtp-security", "starttls"},
                                           {"cafile", "/ca.pem"}});
  const mail::ConnectionSettings s = mail::read_connection(options, mail::Protocol::smtp, mail::Scope::leg, report);
  EXPECT_EQ(s.endpoint.host, "mx");
  EXPECT_EQ(s.endpoint.port, 587);
  EXPECT_EQ(s.security, mail::Security::starttls);
  EXPECT_EQ(s.username, "u");
  EXPECT_EQ(s.password, "leg-secret");
  EXPECT_EQ(s.tls.ca_file, "/ca.pem");
  EXPECT_EQ(s.auth, transport::sasl::AuthType::none());  // SMTP's default
  EXPECT_EQ(mail::to_smtp_options(s).auth, transport::sasl::AuthType::none());
}

TEST(MailOptions, MailboxOptionsNeedCredentials) {
  output::Report report;
  const cli::Options options = options_of(mail::Protocol::imap, mail::Scope::standalone, {{"hostname", "h"}});
  const mail::ConnectionSettings s =
      mail::read_connection(options, mail::Protocol::imap, mail::Scope::standalone, report);
  EXPECT_EQ(s.auth, transport::sasl::AuthType::of(transport::sasl::Mechanism::login));
  EXPECT_THROW((void)mail::to_mailbox_options(s), CheckError);
  mail::ConnectionSettings with = s;
  with.username = "u";
  with.password = "p";
  EXPECT_EQ(mail::to_mailbox_options(with).auth, transport::sasl::AuthType::of(transport::sasl::Mechanism::login));
}

TEST(MailOptions, AuthTypeIsParsedOnce) {
  output::Report report;
  for (const auto& [protocol, value] : std::vector<std::pair<mail::Protocol, std::string>>{
           {mail::Protocol::imap, "digest-md5"}, {mail::Protocol::pop3, "none"}, {mail::Protocol::smtp, "ntlm"}}) {
    const cli::Options options =
        options_of(protocol, mail::Scope::standalone, {{"hostname", "h"}, {"auth-type", value}});
    try {
      (void)mail::read_connection(options, protocol, mail::Scope::standalone, report);
      ADD_FAILURE() << value;
    } catch (const CheckError& e) {
      EXPECT_NE(std::string(e.what()).find("for --auth-type ("), std::string::npos) << e.what();
    }
  }
  const cli::Options options =
      options_of(mail::Protocol::smtp, mail::Scope::standalone, {{"hostname", "h"}, {"auth-type", "CRAM-MD5"}});
  EXPECT_EQ(mail::read_connection(options, mail::Protocol::smtp, mail::Scope::standalone, report).auth,
            transport::sasl::AuthType::of(transport::sasl::Mechanism::cram_md5));
}

TEST(MailOptions, BadValuesAreCheckErrors) {
  output::Report report;
  for (const auto& given : std::vector<std::vector<std::pair<std::string, std::string>>>{
           {},
           {{"hostname", "h"}, {"port", "0"}},
           {{"hostname", "h"}, {"security", "tls1"}},
           {{"hostname", "h"}, {"tls-min-version", "2.0"}},
       }) {
    EXPECT_THROW((void)mail::read_connection(options_of(mail::Protocol::pop3, mail::Scope::standalone, given),
                                             mail::Protocol::pop3, mail::Scope::standalone, report),
                 CheckError);
  }
}
