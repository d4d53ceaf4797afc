#include "check_mail/transport/imap_session.hpp"

#include <algorithm>
#include <cstdio>
#include <functional>

#include "check_mail/transport/mail_headers.hpp"
#include "check_mail/transport/smtp_message.hpp"
#include "check_mail/util/base64.hpp"
#include "check_mail/util/strings.hpp"
#include "mailbox_internal.hpp"

namespace check_mail::transport::imap {
namespace {

using mailbox::Phase;
using mailbox::detail::seconds_since;

// Beyond this many messages the mailbox size is not summed from RFC822.SIZE (servers without
// STATUS=SIZE): the reply would be large and the figure is not worth it.
constexpr std::uint64_t kMaxMessagesToSum = 10000;

bool is_ascii(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

}  // namespace

Session::Session(const mailbox::Options& options, const Deadline& deadline) : options_(options), deadline_(deadline) {
  result_.transcript = Transcript(deadline.start());
}

mailbox::Result run_imap_check(const mailbox::Options& options, const Deadline& deadline) {
  return Session(options, deadline).run();
}

mailbox::Result Session::run() noexcept {
  const auto start = Deadline::Clock::now();
  try {
    try {
      check_options();
      connect();
      read_greeting();
      if (!capabilities_known_) capability();
      if (options_.security == mailbox::Security::starttls) starttls();
      login();
      open_mailbox();
      if (!options_.search.empty()) search();
      if (result_.found && options_.delete_found) remove();
      logout();
      phase_ = Phase::done;
    } catch (const TransportError& error) {
      mailbox::Failure failure;
      failure.phase = phase_;
      failure.kind = error.kind();
      failure.summary = mailbox::detail::failure_summary(phase_, error);
      if (error.kind() == ErrorKind::rejected && refusal_) {
        failure.response = refusal_->summary();
        failure.response_code = refusal_->code;
      }
      result_.failure = std::move(failure);
      const bool bye = refusal_ && refusal_->condition == StatusResponse::Condition::bye;
      if (mailbox::detail::still_in_step(error) && protocol_ && !bye) logout();
    }
  } catch (const std::exception& error) {
    result_.failure = mailbox::Failure{phase_, ErrorKind::io, std::string("internal error: ") + error.what(), {}, {}};
  } catch (...) {
    result_.failure = mailbox::Failure{phase_, ErrorKind::io, "internal error", {}, {}};
  }
  update_counters();
  result_.timings.total = seconds_since(start);
  protocol_.reset();
  if (connection_) connection_->close();
  return std::move(result_);
}

void Session::check_options() const { mailbox::detail::check_login_options(options_); }

void Session::update_counters() {
  if (!connection_) return;
  result_.bytes_sent = connection_->bytes_sent();
  result_.bytes_received = connection_->bytes_received();
}

void Session::connect() {
  phase_ = Phase::dns;
  ConnectTimings timings;
  try {
    connection_.emplace(Connection::open(options_.endpoint, deadline_, timings));
  } catch (const TransportError&) {
    result_.timings.dns = timings.dns;
    result_.timings.connect = timings.connect;
    if (timings.dns) phase_ = Phase::connect;
    throw;
  }
  result_.timings.dns = timings.dns;
  result_.timings.connect = timings.connect;
  connected_at_ = Deadline::Clock::now();
  result_.peer_address = connection_->peer_address();
  const LineProtocolLimits limits{options_.max_line, LineProtocolLimits{}.max_reply_bytes};
  protocol_.emplace(*connection_, deadline_, options_.record_transcript ? &result_.transcript : nullptr, limits);
  protocol_->note("connected to " + result_.peer_address + " port " + std::to_string(options_.endpoint.port));
  if (options_.security == mailbox::Security::implicit_tls) {
    phase_ = Phase::tls_handshake;
    const TlsInfo& info = connection_->start_tls(options_.tls, deadline_);
    result_.timings.tls_handshake = info.handshake_seconds;
    result_.tls = info;
    protocol_->note(mailbox::describe_tls(info));
  }
}

std::string Session::next_tag() {
  char tag[16];
  std::snprintf(tag, sizeof tag, "A%04u", ++tag_counter_);
  return tag;
}

Session::Reply Session::read(const std::string& tag, bool stop_at_continuation) {
  ImapReplyReader reader(tag, stop_at_continuation);
  protocol_->read_reply(reader);
  return Reply{tag, std::move(reader.untagged), std::move(reader.final)};
}

Session::Reply Session::command(const std::vector<Argument>& arguments, bool stop_at_continuation) {
  const std::string tag = next_tag();
  const bool literal_plus = capabilities_.has("LITERAL+");
  std::string line = tag;
  std::string display = tag;
  for (const Argument& argument : arguments) {
    line += ' ';
    display += ' ';
    if (!argument.is_string) {
      line += argument.text;
      display += argument.secret ? "<redacted>" : argument.text;
      continue;
    }
    if (argument.text.find('\0') != std::string::npos) {
      throw TransportError(ErrorKind::config, "an IMAP argument cannot contain a NUL byte");
    }
    if (const auto quoted = quote(argument.text)) {
      line += *quoted;
      display += argument.secret ? "<redacted>" : *quoted;
      continue;
    }
    // 8-bit text (UTF-8 user names, passwords, subjects) goes as a literal: "{n}" ends the line,
    // the server says "+" (unless LITERAL+), then the bytes follow and the command goes on.
    const std::string marker = "{" + std::to_string(argument.text.size()) + (literal_plus ? "+}" : "}");
    protocol_->send_line(line + marker, display + marker);
    if (!literal_plus) {
      Reply reply = read(tag, true);
      if (reply.final.kind != Response::Kind::continuation) return reply;  // refused before the literal
    }
    protocol_->send_raw(argument.text, argument.secret ? "<redacted literal>" : argument.text);
    line.clear();
    display.clear();
  }
  protocol_->send_line(line, display.empty() ? std::string_view("<end of command>") : std::string_view(display));
  return read(tag, stop_at_continuation);
}

Session::Reply Session::continue_command(const std::string& tag, std::string_view line, std::string_view display) {
  protocol_->send_line(line, display);
  return read(tag, true);
}

const Session::Reply& Session::expect_ok(const Reply& reply, std::string_view what) {
  const Response& final = reply.final;
  if (final.kind == Response::Kind::continuation) {
    throw TransportError(ErrorKind::protocol, std::string(what) + ": unexpected continuation request");
  }
  const auto status = parse_status(final.text);
  if (!status) {
    throw TransportError(ErrorKind::protocol,
                         std::string(what) + ": malformed response '" + util::sanitize_line(final.text, 80) + "'");
  }
  if (final.kind == Response::Kind::untagged) {  // BYE: the server is closing the session
    refusal_ = status;
    throw TransportError(ErrorKind::rejected, std::string(what) + ": server ended the session: " + status->summary());
  }
  if (status->condition == StatusResponse::Condition::ok) return reply;
  refusal_ = status;
  throw TransportError(ErrorKind::rejected, std::string(what) + " refused: " + status->summary());
}

void Session::update_capabilities(const Reply& reply) {
  for (const Response& response : reply.untagged) {
    if (response.text.size() >= 10 && util::iequals(response.text.substr(0, 10), "CAPABILITY")) {
      capabilities_ = parse_capabilities(std::string_view(response.text).substr(10));
      capabilities_known_ = true;
    }
  }
  if (const auto status = parse_status(reply.final.text); status && status->code == "CAPABILITY") {
    capabilities_ = parse_capabilities(status->code_arguments);
    capabilities_known_ = true;
  }
  if (capabilities_known_) result_.capabilities = capabilities_.names;
}

void Session::read_greeting() {
  phase_ = Phase::greeting;
  const auto start = Deadline::Clock::now();
  Reply reply = read("", false);
  const auto status = parse_status(reply.final.text);
  if (reply.final.kind != Response::Kind::untagged || !status) {
    throw TransportError(ErrorKind::protocol,
                         "not an IMAP greeting: " + util::sanitize_line(reply.final.text, 120));
  }
  result_.greeting = util::sanitize_line(status->text, 200);
  if (status->condition == StatusResponse::Condition::bye) {
    refusal_ = status;
    throw TransportError(ErrorKind::rejected, "server refused the connection: " + status->summary());
  }
  if (status->condition != StatusResponse::Condition::ok && status->condition != StatusResponse::Condition::preauth) {
    throw TransportError(ErrorKind::protocol, "not an IMAP greeting: " + status->summary());
  }
  preauthenticated_ = status->condition == StatusResponse::Condition::preauth;
  update_capabilities(reply);
  result_.timings.greeting = seconds_since(start);
}

void Session::capability() {
  phase_ = Phase::capability;
  update_capabilities(expect_ok(command({atom("CAPABILITY")}), "CAPABILITY"));
}

void Session::starttls() {
  phase_ = Phase::starttls;
  if (preauthenticated_) {
    throw TransportError(ErrorKind::unsupported, "server pre-authenticated the connection: STARTTLS is impossible");
  }
  if (!capabilities_.has("STARTTLS")) throw TransportError(ErrorKind::unsupported, "STARTTLS not offered by server");
  const auto start = Deadline::Clock::now();
  expect_ok(command({atom("STARTTLS")}), "STARTTLS");
  result_.timings.starttls = seconds_since(start);

  phase_ = Phase::tls_handshake;
  const TlsInfo& info = connection_->start_tls(options_.tls, deadline_);
  result_.timings.tls_handshake = info.handshake_seconds;
  result_.tls = info;
  protocol_->note(mailbox::describe_tls(info));
  // RFC 3501 6.2.1: what was learnt before TLS may have been forged; ask again.
  capabilities_ = Capabilities{};
  capabilities_known_ = false;
  capability();
}

void Session::login() {
  phase_ = Phase::login;
  if (preauthenticated_) {
    result_.logged_in = true;
    return;
  }
  mailbox::detail::require_protected_channel(connection_->is_tls(), options_);
  const auto mechanism = mailbox::detail::choose_login(options_.auth, capabilities_.auth_mechanisms());
  const auto start = Deadline::Clock::now();
  capabilities_known_ = false;  // until the server says what it offers after login
  if (!mechanism) {
    if (capabilities_.has("LOGINDISABLED")) {
      throw TransportError(ErrorKind::unsupported, "server refuses LOGIN here (LOGINDISABLED)");
    }
    const Reply reply = command({atom("LOGIN"), string(options_.username), string(options_.password, true)});
    update_capabilities(expect_ok(reply, "LOGIN"));
  } else if (*mechanism == sasl::Mechanism::plain) {
    authenticate_plain();
  } else if (*mechanism == sasl::Mechanism::cram_md5) {
    authenticate_cram_md5();
  } else {
    throw TransportError(ErrorKind::unsupported, "SASL LOGIN is not used for IMAP: use the LOGIN command");
  }
  result_.timings.login = seconds_since(start);
  result_.auth_mechanism = mechanism;
  result_.logged_in = true;
  // Capabilities often grow after login (Dovecot sends them in the OK); ask if they did not come.
  if (!capabilities_known_) {
    phase_ = Phase::capability;
    capability();
  }
}

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
  if (!data.exists) throw TransportError(ErrorKind::protocol, std::string(verb) + " reply without a message count (EXISTS)");
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
    if (const auto received = mail::header_value(fields, "Received")) found.received_epoch = mail::received_date(*received);
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
}

void Session::logout() {
  phase_ = Phase::logout;
  const auto start = Deadline::Clock::now();
  try {
    const std::string tag = next_tag();
    protocol_->send_line(tag + " LOGOUT");
    ImapReplyReader reader(tag, false, /*stop_at_bye=*/false);
    protocol_->read_reply(reader);
    const auto status = parse_status(reader.final.text);
    result_.logout_acknowledged = status && status->condition == StatusResponse::Condition::ok;
    result_.timings.logout = seconds_since(start);
  } catch (const TransportError& error) {
    // The check is complete (or already failed): a missing goodbye changes nothing.
    protocol_->note(std::string("LOGOUT: ") + error.what());
  }
}

void Session::authenticate_plain() {
  const std::string encoded =
      util::base64_encode(sasl::plain_message(options_.authzid, options_.username, options_.password));
  Reply reply;
  if (capabilities_.has("SASL-IR")) {  // RFC 4959: the response goes with the command
    reply = command({atom("AUTHENTICATE"), atom("PLAIN"), Argument{encoded, false, true}}, true);
  } else {
    reply = command({atom("AUTHENTICATE"), atom("PLAIN")}, true);
    if (reply.final.kind == Response::Kind::continuation) reply = continue_command(reply.tag, encoded, "<redacted>");
  }
  if (reply.final.kind == Response::Kind::continuation) {
    reply = continue_command(reply.tag, "*", "*");  // cancel: the server wants more than PLAIN has
  }
  update_capabilities(expect_ok(reply, "AUTHENTICATE PLAIN"));
}

void Session::authenticate_cram_md5() {
  Reply reply = command({atom("AUTHENTICATE"), atom("CRAM-MD5")}, true);
  if (reply.final.kind == Response::Kind::continuation) {
    const auto challenge = util::base64_decode(util::trim(reply.final.text));
    if (!challenge || challenge->empty()) {
      continue_command(reply.tag, "*", "*");
      throw TransportError(ErrorKind::protocol, "malformed CRAM-MD5 challenge from server");
    }
    const std::string response = sasl::cram_md5_response(options_.username, options_.password, *challenge);
    reply = continue_command(reply.tag, util::base64_encode(response), "<redacted>");
    if (reply.final.kind == Response::Kind::continuation) reply = continue_command(reply.tag, "*", "*");
  }
  update_capabilities(expect_ok(reply, "AUTHENTICATE CRAM-MD5"));
}

}  // namespace check_mail::transport::imap
