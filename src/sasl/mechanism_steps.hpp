#pragma once
// The client-step factories the mechanism table (mechanisms.cpp) refers to. Internal to src/sasl.
#include <memory>

#include "check_mail/sasl/sasl.hpp"

namespace check_mail::transport::sasl::detail {

std::unique_ptr<ClientSteps> start_plain(const Credentials& credentials, const ExchangeContext& context);
std::unique_ptr<ClientSteps> start_login(const Credentials& credentials, const ExchangeContext& context);
std::unique_ptr<ClientSteps> start_cram_md5(const Credentials& credentials, const ExchangeContext& context);
std::unique_ptr<ClientSteps> start_scram_sha_1(const Credentials& credentials, const ExchangeContext& context);
std::unique_ptr<ClientSteps> start_scram_sha_1_plus(const Credentials& credentials, const ExchangeContext& context);
std::unique_ptr<ClientSteps> start_scram_sha_256(const Credentials& credentials, const ExchangeContext& context);
std::unique_ptr<ClientSteps> start_scram_sha_256_plus(const Credentials& credentials, const ExchangeContext& context);
std::unique_ptr<ClientSteps> start_xoauth2(const Credentials& credentials, const ExchangeContext& context);
std::unique_ptr<ClientSteps> start_oauthbearer(const Credentials& credentials, const ExchangeContext& context);

}  // namespace check_mail::transport::sasl::detail
