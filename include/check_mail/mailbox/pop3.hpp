#pragma once
// Everything POP3 in one include: reply parsing and the check session. See each header.
#include "check_mail/mailbox/mail_headers.hpp"
#include "check_mail/mailbox/mailbox.hpp"
#include "check_mail/mailbox/pop3_reply.hpp"
#include "check_mail/mailbox/pop3_session.hpp"
