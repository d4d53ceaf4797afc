#pragma once
// Everything IMAP in one include: response parsing and the check session. See each header.
#include "check_mail/transport/imap_response.hpp"
#include "check_mail/transport/imap_session.hpp"
#include "check_mail/transport/mail_headers.hpp"
#include "check_mail/transport/mailbox.hpp"
