#include "check_mail/mailbox/imap_response.hpp"

#include <gtest/gtest.h>

#include "check_mail/net/error.hpp"
#include "support/error_kind.hpp"

using namespace check_mail::transport;
using check_mail::test::kind_of;
using namespace check_mail::transport::imap;

namespace {

Response untagged(std::string text, std::vector<std::string> literals = {}) {
  return Response{Response::Kind::untagged, "", std::move(text), std::move(literals), {}};
}

}  // namespace

TEST(ImapResponse, SplitsTaggedUntaggedAndContinuation) {
  const auto responses = parse_responses("* OK ready\r\n+ go ahead\r\nA0001 NO [ALERT] nope\r\n* BYE\n");
  ASSERT_EQ(responses.size(), 4u);
  EXPECT_EQ(responses[0].kind, Response::Kind::untagged);
  EXPECT_EQ(responses[0].text, "OK ready");
  EXPECT_EQ(responses[1].kind, Response::Kind::continuation);
  EXPECT_EQ(responses[1].text, "go ahead");
  EXPECT_EQ(responses[2].kind, Response::Kind::tagged);
  EXPECT_EQ(responses[2].tag, "A0001");
  EXPECT_EQ(responses[2].text, "NO [ALERT] nope");
  EXPECT_EQ(responses[3].text, "BYE");
}

TEST(ImapResponse, LiteralsAreCountedExactly) {
  const auto responses = parse_responses("* 1 FETCH (BODY[HEADER] {12}\r\nA: b\r\nC: }\r\n UID 7)\r\nA1 OK done\r\n");
  ASSERT_EQ(responses.size(), 2u);
  EXPECT_EQ(responses[0].text, "1 FETCH (BODY[HEADER] {12} UID 7)");
  ASSERT_EQ(responses[0].literals.size(), 1u);
  EXPECT_EQ(responses[0].literals[0], "A: b\r\nC: }\r\n");
  const auto fetch = parse_fetch(responses[0]);
  ASSERT_TRUE(fetch);
  EXPECT_EQ(fetch->uid, 7u);
  EXPECT_EQ(*fetch->section_starting_with("BODY[HEADER"), "A: b\r\nC: }\r\n");
}

TEST(ImapResponse, MalformedStreams) {
  EXPECT_EQ(kind_of([] { (void)parse_responses("* 1 FETCH (BODY[] {10}\r\nshort"); }), ErrorKind::protocol);
  EXPECT_EQ(kind_of([] { (void)parse_responses("* X {3}\r\nabc"); }), ErrorKind::protocol);  // no closing line
  EXPECT_EQ(kind_of([] { (void)parse_responses("\r\n"); }), ErrorKind::protocol);
  EXPECT_EQ(kind_of([] { (void)parse_responses("notag\r\n"); }), ErrorKind::protocol);
  EXPECT_EQ(kind_of([] { (void)parse_responses("* {99999999999}\r\n"); }), ErrorKind::protocol);
}

TEST(ImapResponse, StatusResponses) {
  auto status = parse_status("OK [CAPABILITY IMAP4rev1 STARTTLS] Dovecot ready.");
  ASSERT_TRUE(status);
  EXPECT_EQ(status->condition, StatusResponse::Condition::ok);
  EXPECT_EQ(status->code, "CAPABILITY");
  EXPECT_EQ(status->code_arguments, "IMAP4rev1 STARTTLS");
  EXPECT_EQ(status->text, "Dovecot ready.");
  status = parse_status("no [authenticationfailed] Authentication failed.");
  ASSERT_TRUE(status);
  EXPECT_EQ(status->condition, StatusResponse::Condition::no);
  EXPECT_EQ(status->summary(), "NO [AUTHENTICATIONFAILED] Authentication failed.");
  EXPECT_EQ(parse_status("BYE")->condition, StatusResponse::Condition::bye);
  EXPECT_EQ(parse_status("PREAUTH hi")->condition, StatusResponse::Condition::preauth);
  EXPECT_FALSE(parse_status("3 EXISTS"));
  EXPECT_EQ(parse_status("BAD [unterminated code")->text, "[unterminated code");
}

TEST(ImapResponse, Capabilities) {
  const Capabilities caps = parse_capabilities(" IMAP4rev1 starttls AUTH=PLAIN  AUTH=cram-md5 LOGINDISABLED");
  EXPECT_TRUE(caps.has("STARTTLS"));
  EXPECT_TRUE(caps.has("LoginDisabled"));
  EXPECT_FALSE(caps.has("IDLE"));
  EXPECT_EQ(caps.auth_mechanisms(), (std::vector<std::string>{"PLAIN", "CRAM-MD5"}));
}

TEST(ImapResponse, MailboxData) {
  MailboxData data;
  for (const Response& r : parse_responses("* FLAGS (\\Seen \\Deleted)\r\n* 3 EXISTS\r\n* 1 RECENT\r\n"
                                           "* OK [UIDVALIDITY 1795441197] UIDs valid\r\n* OK [UIDNEXT 4] next\r\n"
                                           "* STATUS {5}\r\nINBOX (MESSAGES 3 SIZE 4567)\r\n")) {
    apply_mailbox_data(r, data);
  }
  EXPECT_EQ(data.exists, 3u);
  EXPECT_EQ(data.recent, 1u);
  EXPECT_EQ(data.uid_validity, 1795441197u);
  EXPECT_EQ(data.uid_next, 4u);
  EXPECT_EQ(data.messages, 3u);
  EXPECT_EQ(data.size, 4567u);
  EXPECT_EQ(kind_of([] {
              MailboxData d;
              apply_mailbox_data(untagged("STATUS INBOX"), d);
            }),
            ErrorKind::protocol);
}

TEST(ImapResponse, SearchResults) {
  EXPECT_EQ(parse_search(untagged("SEARCH 2 84 882")), (std::vector<std::uint64_t>{2, 84, 882}));
  EXPECT_EQ(parse_search(untagged("SEARCH")), std::vector<std::uint64_t>{});
  EXPECT_EQ(parse_search(untagged("search 5 (MODSEQ 917162500)")), std::vector<std::uint64_t>{5});
  EXPECT_FALSE(parse_search(untagged("3 EXISTS")));
  EXPECT_EQ(kind_of([] { (void)parse_search(untagged("SEARCH 1 x")); }), ErrorKind::protocol);
  EXPECT_EQ(kind_of([] { (void)parse_search(untagged("SEARCH 0")); }), ErrorKind::protocol);
}

TEST(ImapResponse, FetchItems) {
  const auto fetch =
      parse_fetch(untagged("12 FETCH (UID 5 RFC822.SIZE 120 FLAGS (\\Seen) INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" "
                           "BODY[HEADER.FIELDS (DATE RECEIVED)] {4} BODY[TEXT]<0> \"a\\\"b\" BODY[1] NIL)",
                           {"D: x"}));
  ASSERT_TRUE(fetch);
  EXPECT_EQ(fetch->sequence, 12u);
  EXPECT_EQ(fetch->uid, 5u);
  EXPECT_EQ(fetch->size, 120u);
  EXPECT_EQ(fetch->internal_date, "17-Jul-1996 02:44:25 -0700");
  EXPECT_EQ(fetch->sections.at("BODY[HEADER.FIELDS (DATE RECEIVED)]"), "D: x");
  EXPECT_EQ(fetch->sections.at("BODY[TEXT]"), "a\"b");
  EXPECT_EQ(fetch->sections.count("BODY[1]"), 0u);
  EXPECT_FALSE(parse_fetch(untagged("3 EXISTS")));
  EXPECT_EQ(kind_of([] { (void)parse_fetch(untagged("1 FETCH (UID)")); }), ErrorKind::protocol);
  EXPECT_EQ(kind_of([] { (void)parse_fetch(untagged("1 FETCH (BODY[] {3})")); }), ErrorKind::protocol);
  EXPECT_EQ(kind_of([] { (void)parse_fetch(untagged("1 FETCH (UID 1")); }), ErrorKind::protocol);
  EXPECT_EQ(kind_of([] { (void)parse_fetch(untagged("1 FETCH (X \"open)")); }), ErrorKind::protocol);
  EXPECT_EQ(kind_of([] { (void)parse_fetch(untagged("1 FETCH (X " + std::string(100, '(') + ")")); }),
            ErrorKind::protocol);
}

TEST(ImapResponse, InternalDate) {
  EXPECT_EQ(parse_internal_date("14-Nov-2023 23:13:20 +0100"), 1700000000.0);
  EXPECT_EQ(parse_internal_date(" 4-Nov-2023 00:00:00 +0000"), 1699056000.0);
  EXPECT_FALSE(parse_internal_date("yesterday"));
}

TEST(ImapResponse, ModifiedUtf7MailboxNames) {
  EXPECT_EQ(encode_mailbox_name("INBOX"), "INBOX");
  EXPECT_EQ(encode_mailbox_name("Tom & Jerry"), "Tom &- Jerry");
  EXPECT_EQ(encode_mailbox_name("Entw\xC3\xBC"
                                "rfe"),
            "Entw&APw-rfe");
  // RFC 3501's example: "~peter/mail/台北/日本語".
  EXPECT_EQ(encode_mailbox_name("~peter/mail/\xE5\x8F\xB0\xE5\x8C\x97/\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E"),
            "~peter/mail/&U,BTFw-/&ZeVnLIqe-");
  EXPECT_EQ(encode_mailbox_name("\xF0\x9F\x93\xAC"), "&2D3c7A-");  // outside the BMP: a surrogate pair
  EXPECT_EQ(encode_mailbox_name("\xFF"), "&,,0-");                 // invalid UTF-8: U+FFFD
}

TEST(ImapResponse, Quoting) {
  EXPECT_EQ(quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(quote(""), "\"\"");
  EXPECT_FALSE(quote("caf\xC3\xA9"));
  EXPECT_FALSE(quote("a\r\nb"));
  EXPECT_FALSE(quote(std::string("a\0b", 3)));
}

TEST(ImapResponse, ReplyReaderStopsAtItsTag) {
  ImapReplyReader reader("A2");
  EXPECT_EQ(reader.on_line("* 2 EXISTS").kind, ReadRequest::Kind::line);
  EXPECT_EQ(reader.on_line("* 1 FETCH (BODY[] {2}").kind, ReadRequest::Kind::literal);
  EXPECT_EQ(reader.on_literal("ab").kind, ReadRequest::Kind::line);
  EXPECT_EQ(reader.on_line(")").kind, ReadRequest::Kind::line);
  EXPECT_EQ(reader.on_line("A2 OK done").kind, ReadRequest::Kind::done);
  EXPECT_EQ(reader.untagged.size(), 2u);
  EXPECT_EQ(reader.final.tag, "A2");

  ImapReplyReader other("A3");
  EXPECT_EQ(kind_of([&] { (void)other.on_line("A2 OK stale"); }), ErrorKind::protocol);
  ImapReplyReader no_continuation("A4");
  EXPECT_EQ(kind_of([&] { (void)no_continuation.on_line("+ more"); }), ErrorKind::protocol);
  ImapReplyReader bye("A5");
  EXPECT_EQ(bye.on_line("* BYE shutting down").kind, ReadRequest::Kind::done);
  ImapReplyReader logout("A6", false, false);
  EXPECT_EQ(logout.on_line("* BYE logging out").kind, ReadRequest::Kind::line);
}
