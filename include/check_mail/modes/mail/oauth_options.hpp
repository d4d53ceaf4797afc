#pragma once
// The OAuth 2.0 options of the mail modes (smtp, imap, pop3; roundtrip once for both legs):
// where the access token comes from, declared once as data and read into a token source.
#include <optional>
#include <string>
#include <vector>

#include "check_mail/oauth/token_provider.hpp"
#include "check_mail/options/options.hpp"
#include "check_mail/output/report.hpp"

namespace check_mail::modes::mail {

inline const std::string kOAuthSection = "OAuth 2.0 options (XOAUTH2, OAUTHBEARER)";

// The declarations; both_legs adds roundtrip's "Both legs." to each help text.
[[nodiscard]] std::vector<cli::OptionSpec> oauth_option_specs(bool both_legs);

// The token source the options (and CHECK_MAIL_OAUTH_TOKEN, CHECK_MAIL_OAUTH_CLIENT_SECRET,
// CHECK_MAIL_OAUTH_REFRESH_TOKEN) configure, or nullopt when none is. Throws CheckError for an
// incomplete or contradictory set; warnings (a secret file readable by others) go to the report.
[[nodiscard]] std::optional<oauth::TokenSourceSettings> read_oauth_source(const cli::Options& options,
                                                                          output::Report& report);

}  // namespace check_mail::modes::mail
