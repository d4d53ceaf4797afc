#pragma once
// IMAP4rev1 server responses (RFC 3501 section 7): assembly of tagged, untagged and continuation
// responses with their "{n}" literals, status responses with response codes, and the data the
// checks need (CAPABILITY, SELECT/EXAMINE and STATUS figures, SEARCH results, FETCH of header
// fields). Pure functions over strings, for testing and fuzzing; malformed input throws
// TransportError(protocol).
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "check_mail/protocol/line_protocol.hpp"

namespace check_mail::transport::imap {

// One server response. `text` is everything after "* ", "<tag> " or "+ ", with the lines of a
// response that carries literals joined and each literal left as its "{n}" marker; the literal
// bytes are in `literals`, in order.
struct Response {
  enum class Kind { untagged, tagged, continuation };
  Kind kind = Kind::untagged;
  std::string tag;  // tagged only
  std::string text;
  std::vector<std::string> literals;
  std::string line;  // continuation only: the line as received ("+OK ready" from a POP3 server)
};

// Incremental assembly of one response from lines and literal bytes.
class ResponseAssembler {
public:
  static constexpr std::size_t max_literals = 64;

  // Feeds a line (without CRLF). Returns line() or literal(n) while the response goes on, done()
  // once it is complete. Throws protocol on an empty line or a tag that is not an atom.
  ReadRequest feed_line(std::string_view line);
  // Feeds the bytes of the literal that feed_line() asked for.
  ReadRequest feed_literal(std::string_view bytes);
  [[nodiscard]] bool complete() const noexcept { return complete_; }
  // The assembled response (call once complete); the assembler is then ready for the next one.
  [[nodiscard]] Response take();

private:
  Response response_;
  bool started_ = false;
  bool complete_ = false;
};

// A ReplyReader for LineProtocol: collects untagged responses until the tagged response with
// `tag`, a continuation request ("+ ...", when the command may get one), or an untagged BYE (the
// server is ending the session). With an empty tag it stops after the first response (the
// greeting). A tagged response with another tag is a protocol error.
class ImapReplyReader final : public ReplyReader {
public:
  explicit ImapReplyReader(std::string tag, bool stop_at_continuation = false, bool stop_at_bye = true)
      : tag_(std::move(tag)), stop_at_continuation_(stop_at_continuation), stop_at_bye_(stop_at_bye) {}
  ReadRequest on_line(std::string_view line) override;
  ReadRequest on_literal(std::string_view bytes) override;

  std::vector<Response> untagged;  // in arrival order, without the final one
  Response final;                  // the tagged response, continuation request, greeting or BYE

private:
  ReadRequest finish_response();

  std::string tag_;
  bool stop_at_continuation_;
  bool stop_at_bye_;
  ResponseAssembler assembler_;
};

// Splits a byte stream into responses (CRLF or LF line ends; literal bytes counted exactly).
// Throws protocol if the stream ends inside a response.
[[nodiscard]] std::vector<Response> parse_responses(std::string_view stream);

// "OK", "NO", "BAD", "PREAUTH", "BYE" followed by an optional "[CODE arguments]" and text.
struct StatusResponse {
  enum class Condition { ok, no, bad, preauth, bye };
  Condition condition = Condition::ok;
  std::string code;            // upper-case: "CAPABILITY", "UIDVALIDITY", "AUTHENTICATIONFAILED"
  std::string code_arguments;  // as sent: "IMAP4rev1 STARTTLS", "3857529045"
  std::string text;            // human-readable rest
  // "NO [AUTHENTICATIONFAILED] Authentication failed." for status lines.
  [[nodiscard]] std::string summary(std::size_t max_length = 200) const;
};

// Parses a status response text; nullopt when its first word is not a condition.
[[nodiscard]] std::optional<StatusResponse> parse_status(std::string_view text);

// Capability names, upper-case, from "CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN" (an untagged
// response) or from the arguments of a [CAPABILITY ...] response code.
struct Capabilities {
  std::vector<std::string> names;
  [[nodiscard]] bool has(std::string_view name) const;             // case-insensitive
  [[nodiscard]] std::vector<std::string> auth_mechanisms() const;  // from AUTH=<mechanism>
};
[[nodiscard]] Capabilities parse_capabilities(std::string_view atoms);

// What SELECT/EXAMINE and STATUS reported.
struct MailboxData {
  std::optional<std::uint64_t> exists;        // "* 3 EXISTS"
  std::optional<std::uint64_t> recent;        // "* 0 RECENT"
  std::optional<std::uint64_t> uid_validity;  // "* OK [UIDVALIDITY 1]"
  std::optional<std::uint64_t> uid_next;      // "* OK [UIDNEXT 4]"
  std::optional<std::uint64_t> size;          // "* STATUS INBOX (SIZE 1234)" (RFC 8438)
  std::optional<std::uint64_t> messages;      // "* STATUS INBOX (MESSAGES 3)"
  bool read_only = false;                     // "[READ-ONLY]" on the tagged OK
};
// Updates `data` from one untagged response (others are ignored).
void apply_mailbox_data(const Response& response, MailboxData& data);

// Message numbers or UIDs of "* SEARCH 2 84 882" (an untagged response; empty list allowed).
// Returns nullopt for responses that are not SEARCH results.
[[nodiscard]] std::optional<std::vector<std::uint64_t>> parse_search(const Response& response);

// "* 12 FETCH (UID 5 RFC822.SIZE 120 INTERNALDATE "..." BODY[HEADER.FIELDS (DATE)] {40})".
struct FetchData {
  std::uint64_t sequence = 0;
  std::optional<std::uint64_t> uid;
  std::optional<std::uint64_t> size;
  std::optional<std::string> internal_date;  // "17-Jul-1996 02:44:25 -0700"
  // BODY[...] and BINARY[...] sections, upper-cased names without a partial "<origin>":
  // "BODY[HEADER.FIELDS (DATE RECEIVED)]" -> the bytes (NIL: absent).
  std::map<std::string, std::string> sections;
  // The first section whose name starts with prefix ("BODY[HEADER"), nullptr if none.
  [[nodiscard]] const std::string* section_starting_with(std::string_view prefix) const;
};
// Returns nullopt for responses that are not FETCH data.
[[nodiscard]] std::optional<FetchData> parse_fetch(const Response& response);

// INTERNALDATE "17-Jul-1996 02:44:25 -0700" as Unix seconds.
[[nodiscard]] std::optional<double> parse_internal_date(std::string_view text);

// Mailbox names are modified UTF-7 on the wire (RFC 3501 5.1.3): "Entwürfe" -> "Entw&APw-rfe".
[[nodiscard]] std::string encode_mailbox_name(std::string_view utf8);

// The argument as an IMAP quoted string ("a\"b"), or nullopt when it needs a literal (8-bit
// bytes, CR, LF) or cannot be sent at all (NUL).
[[nodiscard]] std::optional<std::string> quote(std::string_view text);

}  // namespace check_mail::transport::imap
