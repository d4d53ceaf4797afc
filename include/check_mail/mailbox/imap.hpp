#pragma once
// Everything IMAP in one include: response parsing and the check session. See each header.
#include "check_mail/mailbox/imap_response.hpp"
#include "check_mail/mailbox/imap_session.hpp"
#include "check_mail/mailbox/mail_headers.hpp"
#include "check_mail/mailbox/mailbox.hpp"
