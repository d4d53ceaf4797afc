// --ssl-opt, --ssl and --curl-opt: smartermail::apply_ssl_opt / apply_ssl_version / apply_curl_opt.
//   input: the option value as the command line gives it.
// Invariants: never throws; a value refused leaves a message naming it; a value accepted never
// turns verification off unless it names SSL_verify_mode or CURLOPT_SSL_VERIFY*.
#include <cctype>
#include <string>

#include "check_mail/modes/smartermail/tls_options.hpp"
#include "fuzz_support.hpp"

using namespace check_mail;
namespace sm = modes::smartermail;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = fuzz::as_text(data, size);
  for (int which = 0; which < 3; ++which) {
    transport::HttpOptions http;
    std::optional<std::string> error = which == 0   ? sm::apply_ssl_opt(text, http)
                                       : which == 1 ? sm::apply_curl_opt(text, http)
                                                    : sm::apply_ssl_version(text, http);
    if (error) {
      FUZZ_CHECK(!error->empty());
      continue;
    }
    if (http.insecure || !http.verify_host) {
      FUZZ_CHECK(which != 2);
      std::string lower(text);
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      FUZZ_CHECK(lower.find("verify") != std::string::npos);
    }
    if (http.tls_min && http.tls_max) FUZZ_CHECK(*http.tls_min <= *http.tls_max);
  }
  return 0;
}
