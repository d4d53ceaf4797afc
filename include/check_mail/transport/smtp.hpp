#pragma once
// Everything SMTP in one include: reply parsing, EHLO capabilities, the DATA encoder, the test
// message builder and the check session. See each header for details.
#include "check_mail/transport/sasl.hpp"
#include "check_mail/transport/smtp_capabilities.hpp"
#include "check_mail/transport/smtp_data.hpp"
#include "check_mail/transport/smtp_message.hpp"
#include "check_mail/transport/smtp_reply.hpp"
#include "check_mail/transport/smtp_session.hpp"
