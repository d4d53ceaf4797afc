// The mailbox steps of the IMAP session: STATUS and EXAMINE/SELECT for the figures, UID SEARCH
// and UID FETCH of the header fields to find and read test messages, UID STORE + UID EXPUNGE to
// delete them.
#include <algorithm>
#include <functional>

#include "check_mail/mailbox/imap_session.hpp"
#include "check_mail/mailbox/mail_headers.hpp"
#include "check_mail/smtp/smtp_message.hpp"
#include "check_mail/util/strings.hpp"
#include "mailbox_internal.hpp"

namespace check_mail::transport::imap {
namespace {

using mailbox::Phase;

// Beyond this many messages the mailbox size is not summed from RFC822.SIZE (servers without
// STATUS=SIZE): the reply would be large and the figure is not worth it.
constexpr std::uint64_t kMaxMessagesToSum = 10000;

bool is_ascii(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

}  // namespace

void Session::open_mailbox() {
  phase_ = Phase::mailbox;
  const auto start = Deadline::Clock::now();
  const std::string name = encode_mailbox_name(options_.mailbox);
  MailboxData data;
  // STATUS before SELECT: RFC 3501 advises against STATUS on the selected mailbox.
  if (capabilities_.has("STATUS=SIZE")) {
    const Reply reply = command({atom("STATUS"), string(name), atom("(MESSAGES SIZE)")});
    for (const Response& response : expect_ok(reply, "STATUS \"" + options_.mailbox + "\"").untagged) {
      apply_mailbox_data(response, data);
    }
  }
  // EXAMINE is read-only (no \Recent reset, nothing changes) unless we are going to delete.
  const char* verb = options_.delete_found ? "SELECT" : "EXAMINE";
  const Reply reply = command({atom(verb), string(name)});
  for (const Response& response : expect_ok(reply, std::string(verb) + " \"" + options_.mailbox + "\"").untagged) {
    apply_mailbox_data(response, data);
  }
  if (!data.exists)
    throw TransportError(ErrorKind::protocol, std::string(verb) + " reply without a message count (EXISTS)");
  result_.message_count = data.exists;
  result_.uid_validity = data.uid_validity;
  result_.mailbox_bytes = data.size;
  if (!data.size && *data.exists == 0) result_.mailbox_bytes = 0;
  if (!data.size && *data.exists > 0 && *data.exists <= kMaxMessagesToSum) {
    const Reply sizes = command({atom("FETCH"), atom("1:*"), atom("(RFC822.SIZE)")});
    std::uint64_t total = 0;
    for (const Response& response : expect_ok(sizes, "FETCH sizes").untagged) {
      if (const auto fetched = parse_fetch(response); fetched && fetched->size) total += *fetched->size;
    }
    result_.mailbox_bytes = total;
  }
  result_.timings.mailbox = seconds_since(start);
}

void Session::search() {
  phase_ = Phase::search;
  const auto start = Deadline::Clock::now();
  const mailbox::Search& wanted = options_.search;
  std::vector<Argument> arguments = {atom("UID"), atom("SEARCH")};
  if (!is_ascii(wanted.subject)) {
    arguments.push_back(atom("CHARSET"));
    arguments.push_back(atom("UTF-8"));
  }
  // Any of the tokens: "OR k1 OR k2 k3" (IMAP's OR takes two keys).
  for (std::size_t i = 0; i < wanted.tokens.size(); ++i) {
    if (i + 1 < wanted.tokens.size()) arguments.push_back(atom("OR"));
    if (wanted.in_body) {
      arguments.push_back(atom("BODY"));
    } else {
      arguments.push_back(atom("HEADER"));
      arguments.push_back(atom(std::string(smtp::tracking_header)));
    }
    arguments.push_back(string(wanted.tokens[i]));
  }
  if (!wanted.subject.empty()) {
    arguments.push_back(atom("SUBJECT"));
    arguments.push_back(string(wanted.subject));
  }
  const Reply reply = command(arguments);
  std::vector<std::uint64_t> uids;
  for (const Response& response : expect_ok(reply, "SEARCH").untagged) {
    if (auto numbers = parse_search(response)) uids.insert(uids.end(), numbers->begin(), numbers->end());
  }
  seen_at_ = Deadline::Clock::now();
  result_.timings.search = seconds_since(start);
  result_.searched = true;
  if (uids.empty()) return;

  // Newest first. A subject alone asks for the newest match; tokens for every message carrying one.
  std::sort(uids.begin(), uids.end(), std::greater<>());
  uids.erase(std::unique(uids.begin(), uids.end()), uids.end());
  matches_ = uids.size();
  const std::size_t wanted_count = wanted.tokens.empty() ? 1 : options_.max_found_messages;
  if (uids.size() > wanted_count) uids.resize(wanted_count);
  fetch(uids);
}

void Session::fetch(const std::vector<std::uint64_t>& uids) {
  phase_ = Phase::fetch;
  const auto start = Deadline::Clock::now();
  std::string set;
  for (const std::uint64_t uid : uids) set += (set.empty() ? "" : ",") + std::to_string(uid);
  std::string items = "(UID RFC822.SIZE INTERNALDATE BODY.PEEK[HEADER.FIELDS (DATE RECEIVED SUBJECT " +
                      std::string(smtp::tracking_header) + ")]";
  if (options_.search.in_body) items += " BODY.PEEK[TEXT]<0.2048>";
  items += ")";
  const Reply reply = command({atom("UID"), atom("FETCH"), atom(set), atom(items)});
  const std::vector<std::string>& tokens = options_.search.tokens;
  for (const Response& response : expect_ok(reply, "FETCH").untagged) {
    const auto data = parse_fetch(response);
    if (!data || !data->uid || std::find(uids.begin(), uids.end(), *data->uid) == uids.end()) continue;
    mailbox::FoundMessage found;
    found.number = *data->uid;
    found.id = std::to_string(found.number);
    found.matches = matches_;
    found.seen_at = seen_at_;
    found.size = data->size;
    if (data->internal_date) found.internal_epoch = parse_internal_date(*data->internal_date);
    const std::string* header = data->section_starting_with("BODY[HEADER");
    const auto fields = mail::parse_header_block(header ? *header : std::string());
    std::optional<mail::Tracking> tracking;
    if (options_.search.in_body) {
      if (const std::string* text = data->section_starting_with("BODY[TEXT")) tracking = mail::tracking_in_body(*text);
    } else {
      tracking = mail::tracking_in_headers(fields);
    }
    if (tracking) {
      found.token = tracking->token;
      found.sent_epoch = tracking->sent_epoch;
    }
    // SEARCH matches substrings: only an exact token is ours.
    if (!tokens.empty() && std::find(tokens.begin(), tokens.end(), found.token) == tokens.end()) continue;
    if (const auto date = mail::header_value(fields, "Date")) found.date_epoch = mail::parse_rfc5322_date(*date);
    if (const auto received = mail::header_value(fields, "Received"))
      found.received_epoch = mail::received_date(*received);
    if (const auto subject = mail::header_value(fields, "Subject")) {
      found.subject = util::sanitize_line(mail::decode_header_text(*subject), 200);
    }
    result_.found_all.push_back(std::move(found));
  }
  std::sort(result_.found_all.begin(), result_.found_all.end(),
            [](const mailbox::FoundMessage& a, const mailbox::FoundMessage& b) { return a.number > b.number; });
  if (!result_.found_all.empty()) result_.found = result_.found_all.front();
  result_.timings.fetch = seconds_since(start);
}

void Session::remove() {
  phase_ = Phase::remove;
  const auto start = Deadline::Clock::now();
  std::string set;
  for (const mailbox::FoundMessage& found : result_.found_all) set += (set.empty() ? "" : ",") + found.id;
  remove_found([&] {
    expect_ok(command({atom("UID"), atom("STORE"), atom(set), atom("+FLAGS.SILENT"), atom("(\\Deleted)")}),
              "STORE \\Deleted");
    // UID EXPUNGE removes only our messages; plain EXPUNGE also removes others already marked.
    if (capabilities_.has("UIDPLUS")) {
      expect_ok(command({atom("UID"), atom("EXPUNGE"), atom(set)}), "UID EXPUNGE");
    } else {
      expect_ok(command({atom("EXPUNGE")}), "EXPUNGE");
    }
    result_.deleted = true;
    result_.timings.remove = seconds_since(start);
  });
}

}  // namespace check_mail::transport::imap
