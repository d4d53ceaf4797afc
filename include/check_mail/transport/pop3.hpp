#pragma once
// Everything POP3 in one include: reply parsing and the check session. See each header.
#include "check_mail/transport/mail_headers.hpp"
#include "check_mail/transport/mailbox.hpp"
#include "check_mail/transport/pop3_reply.hpp"
#include "check_mail/transport/pop3_session.hpp"
