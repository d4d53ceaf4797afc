#pragma once
// Everything SMTP in one include: reply parsing, EHLO capabilities, the DATA encoder, the test
// message builder and the check session. See each header for details.
#include "check_mail/sasl/sasl.hpp"
#include "check_mail/smtp/smtp_capabilities.hpp"
#include "check_mail/smtp/smtp_data.hpp"
#include "check_mail/smtp/smtp_message.hpp"
#include "check_mail/smtp/smtp_reply.hpp"
#include "check_mail/smtp/smtp_session.hpp"
