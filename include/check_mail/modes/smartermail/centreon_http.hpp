#pragma once
// The options Centreon's HTTP and state-file layers add to every REST API plugin, read for the
// SmarterMail API: the HTTP backend and its TLS settings, the port rules, the cache options.
#include <vector>

#include "check_mail/http/http.hpp"
#include "check_mail/options/options.hpp"
#include "check_mail/output/report.hpp"

namespace check_mail::modes::smartermail {

std::vector<cli::OptionSpec> centreon_http_options();
std::vector<cli::OptionSpec> centreon_cache_options();

// --http-backend, --ssl-opt, --ssl, --curl-opt, --proxypac into http. Throws CheckError naming
// a value not understood. Notes what is accepted without effect in report's verbose lines.
void apply_centreon_http_options(const cli::Options& options, transport::HttpOptions& http, output::Report& report);

// --port: a number 1-65535; empty means the scheme's port (80 or 443), as Centreon's HTTP layer.
long api_port(const cli::Options& options, const std::string& proto);

// --statefile-dir, prefixed with the working directory under --statefile-concat-cwd. Notes the
// cache options that leave the token cache where it is (memcached, redis, formats, keys).
std::string statefile_directory(const cli::Options& options, output::Report& report);

}  // namespace check_mail::modes::smartermail
