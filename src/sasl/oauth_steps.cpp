// The client steps of XOAUTH2 and OAUTHBEARER on the SASL engine: the initial response carries
// the bearer token; a challenge can only be the server's JSON error, which is decoded for the
// status line and answered with the mechanism's acknowledgement so that the server ends the
// exchange with its final failure.
#include "check_mail/net/error.hpp"
#include "check_mail/sasl/oauth_mechanisms.hpp"
#include "mechanism_steps.hpp"

namespace check_mail::transport::sasl::detail {
namespace {

class OAuthSteps : public ClientSteps {
public:
  OAuthSteps(const Credentials& credentials, bool bearer) : credentials_(credentials), bearer_(bearer) {}

  std::optional<std::string> initial_response() override {
    if (!credentials_.access_token) throw TransportError(ErrorKind::config, "no OAuth access token source");
    const std::string token = credentials_.access_token();
    return bearer_ ? oauthbearer_initial_response(credentials_.username, token)
                   : xoauth2_initial_response(credentials_.username, token);
  }

  std::string respond(std::string_view challenge) override {
    if (answered_) throw TransportError(ErrorKind::protocol, "unexpected second OAuth challenge from server");
    answered_ = true;
    const auto error = parse_oauth_error_challenge(challenge);
    if (credentials_.oauth_refusal) {
      if (error)
        credentials_.oauth_refusal(describe_oauth_error(*error), oauth_error_means_bad_token(*error));
      else
        credentials_.oauth_refusal("an error challenge that is not JSON", true);
    }
    return std::string(bearer_ ? oauthbearer_error_acknowledgement() : xoauth2_error_acknowledgement());
  }

  void succeeded() override {}

private:
  const Credentials& credentials_;
  bool bearer_;
  bool answered_ = false;
};

}  // namespace

std::unique_ptr<ClientSteps> start_xoauth2(const Credentials& credentials, const ExchangeContext&) {
  return std::make_unique<OAuthSteps>(credentials, false);
}

std::unique_ptr<ClientSteps> start_oauthbearer(const Credentials& credentials, const ExchangeContext&) {
  return std::make_unique<OAuthSteps>(credentials, true);
}

}  // namespace check_mail::transport::sasl::detail
