#include "check_mail/mailbox/imap_response.hpp"

#include <algorithm>

#include "check_mail/mailbox/mail_headers.hpp"
#include "check_mail/net/error.hpp"
#include "check_mail/util/strings.hpp"

namespace check_mail::transport::imap {
namespace {

// Literals larger than this are refused before anything is read (the LineProtocol's reply limit
// is usually much smaller; this keeps the pure parser's arithmetic safe on its own).
constexpr std::uint64_t kMaxLiteral = std::uint64_t{1} << 31;
constexpr int kMaxDepth = 32;

[[noreturn]] void malformed(const std::string& what) { throw TransportError(ErrorKind::protocol, what); }

bool is_atom_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u > 0x20 && u < 0x7F && c != '(' && c != ')' && c != '{' && c != '"' && c != '\\' && c != '%' && c != '*' &&
         c != ']';
}

// The size of a "{n}" or "{n+}" marker ending the line, if there is one.
std::optional<std::uint64_t> trailing_literal(std::string_view line) {
  if (line.empty() || line.back() != '}') return std::nullopt;
  const std::size_t open = line.rfind('{');
  if (open == std::string_view::npos) return std::nullopt;
  std::string_view digits = line.substr(open + 1, line.size() - open - 2);
  if (!digits.empty() && digits.back() == '+') digits.remove_suffix(1);
  const auto size = util::parse_digits(digits);
  if (!size) return std::nullopt;
  if (*size > kMaxLiteral) malformed("literal of " + std::string(digits) + " bytes is too large");
  return size;
}

// An IMAP value: atom (NIL apart), string (quoted or literal), or parenthesised list.
struct Value {
  enum class Kind { atom, string, nil, list };
  Kind kind = Kind::atom;
  std::string text;
  std::vector<Value> items;
};

// Reads values from a response text whose literals are "{n}" markers.
class ValueReader {
public:
  ValueReader(std::string_view text, const std::vector<std::string>& literals) : text_(text), literals_(literals) {}

  // The next value, or nullopt at the end of the text (or before a ')').
  std::optional<Value> next(int depth = 0) {
    skip_blanks();
    if (at_end() || text_[pos_] == ')') return std::nullopt;
    if (depth > kMaxDepth) malformed("IMAP response nested too deeply");
    const char c = text_[pos_];
    if (c == '(') return list(depth);
    if (c == '"') return quoted();
    if (c == '{') return literal();
    return atom();
  }

  [[nodiscard]] bool at_end() const { return pos_ >= text_.size(); }
  [[nodiscard]] std::string_view rest() const { return text_.substr(std::min(pos_, text_.size())); }

private:
  void skip_blanks() {
    while (!at_end() && text_[pos_] == ' ') ++pos_;
  }

  Value list(int depth) {
    ++pos_;  // '('
    Value value{Value::Kind::list, {}, {}};
    while (auto item = next(depth + 1)) value.items.push_back(std::move(*item));
    skip_blanks();
    if (at_end()) malformed("unterminated list in IMAP response");
    ++pos_;  // ')'
    return value;
  }

  Value quoted() {
    ++pos_;  // '"'
    Value value{Value::Kind::string, {}, {}};
    while (!at_end()) {
      const char c = text_[pos_++];
      if (c == '"') return value;
      if (c == '\\') {
        if (at_end()) break;
        value.text += text_[pos_++];
      } else {
        value.text += c;
      }
    }
    malformed("unterminated quoted string in IMAP response");
  }

  Value literal() {
    const std::size_t close = text_.find('}', pos_);
    if (close == std::string_view::npos) malformed("malformed literal in IMAP response");
    pos_ = close + 1;
    if (next_literal_ >= literals_.size()) malformed("literal marker without literal data in IMAP response");
    return Value{Value::Kind::string, literals_[next_literal_++], {}};
  }

  // An atom; "[...]" sections (BODY[HEADER.FIELDS (DATE)]) and "<...>" partials belong to it.
  Value atom() {
    const std::size_t start = pos_;
    while (!at_end()) {
      const char c = text_[pos_];
      if (c == '[') {
        const std::size_t close = text_.find(']', pos_);
        if (close == std::string_view::npos) malformed("unterminated '[' in IMAP response");
        pos_ = close + 1;
      } else if (is_atom_char(c) || c == '%' || c == '*' || c == '\\') {
        ++pos_;
      } else {
        break;
      }
    }
    if (pos_ == start) malformed("unexpected character in IMAP response");
    Value value{Value::Kind::atom, std::string(text_.substr(start, pos_ - start)), {}};
    if (util::iequals(value.text, "NIL")) value.kind = Value::Kind::nil;
    return value;
  }

  std::string_view text_;
  const std::vector<std::string>& literals_;
  std::size_t pos_ = 0;
  std::size_t next_literal_ = 0;
};

std::optional<std::uint64_t> number_value(const Value& value) {
  if (value.kind != Value::Kind::atom) return std::nullopt;
  return util::parse_digits(value.text);
}

}  // namespace

ReadRequest ResponseAssembler::feed_line(std::string_view line) {
  if (!started_) {
    if (line.empty()) malformed("empty line from IMAP server");
    response_ = Response{};
    started_ = true;
    complete_ = false;
    if (line == "*" || line.starts_with("* ")) {
      response_.kind = Response::Kind::untagged;
      line.remove_prefix(std::min<std::size_t>(2, line.size()));
    } else if (line.front() == '+') {
      // Continuation requests carry base64 or text, never literals.
      response_.kind = Response::Kind::continuation;
      response_.line = std::string(line);
      line.remove_prefix(line.starts_with("+ ") ? 2 : 1);
      response_.text = std::string(line);
      complete_ = true;
      return ReadRequest::done();
    } else {
      const std::size_t space = line.find(' ');
      if (space == std::string_view::npos || space == 0) {
        malformed("IMAP response without a tag: " + util::sanitize_line(line, 80));
      }
      response_.kind = Response::Kind::tagged;
      response_.tag = std::string(line.substr(0, space));
      for (const char c : response_.tag) {
        if (!is_atom_char(c) || c == '+') malformed("malformed tag in IMAP response: " + util::sanitize_line(line, 80));
      }
      line.remove_prefix(space + 1);
    }
  }
  response_.text += line;
  if (const auto size = trailing_literal(line)) {
    if (response_.literals.size() >= max_literals) malformed("too many literals in one IMAP response");
    return ReadRequest::literal(static_cast<std::size_t>(*size));
  }
  complete_ = true;
  return ReadRequest::done();
}

ReadRequest ResponseAssembler::feed_literal(std::string_view bytes) {
  if (!started_ || complete_) malformed("unexpected literal data");
  response_.literals.emplace_back(bytes);
  return ReadRequest::line();  // the response goes on after the literal, on the same "line"
}

Response ResponseAssembler::take() {
  started_ = false;
  complete_ = false;
  return std::move(response_);
}

ReadRequest ImapReplyReader::on_line(std::string_view line) {
  const ReadRequest request = assembler_.feed_line(line);
  return request.kind == ReadRequest::Kind::done ? finish_response() : request;
}

ReadRequest ImapReplyReader::on_literal(std::string_view bytes) {
  const ReadRequest request = assembler_.feed_literal(bytes);
  return request.kind == ReadRequest::Kind::done ? finish_response() : request;
}

ReadRequest ImapReplyReader::finish_response() {
  Response response = assembler_.take();
  const bool greeting = tag_.empty();
  bool last = greeting;
  switch (response.kind) {
    case Response::Kind::tagged:
      if (greeting || response.tag != tag_) {
        malformed("IMAP response with unexpected tag '" + util::sanitize_line(response.tag, 40) + "'");
      }
      last = true;
      break;
    case Response::Kind::continuation:
      if (!greeting && !stop_at_continuation_) malformed("unexpected continuation request from IMAP server");
      last = true;
      break;
    case Response::Kind::untagged: {
      const std::string_view text = response.text;
      if (stop_at_bye_ && text.size() >= 3 && util::iequals(text.substr(0, 3), "BYE") &&
          (text.size() == 3 || text[3] == ' ')) {
        last = true;
      }
      break;
    }
  }
  if (!last) {
    if (untagged.size() >= 100000) throw TransportError(ErrorKind::too_long, "too many untagged IMAP responses");
    untagged.push_back(std::move(response));
    return ReadRequest::line();
  }
  final = std::move(response);
  return ReadRequest::done();
}

std::vector<Response> parse_responses(std::string_view stream) {
  std::vector<Response> responses;
  ResponseAssembler assembler;
  ReadRequest request = ReadRequest::line();
  bool inside = false;  // a response has started and is not complete yet
  while (!stream.empty()) {
    if (request.kind == ReadRequest::Kind::literal) {
      const std::size_t size = request.literal_size;
      if (stream.size() < size) malformed("IMAP response ends inside a literal");
      request = assembler.feed_literal(stream.substr(0, size));
      stream.remove_prefix(size);
      continue;
    }
    const std::size_t end = stream.find('\n');
    std::string_view line = stream.substr(0, end);
    stream = end == std::string_view::npos ? std::string_view() : stream.substr(end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    request = assembler.feed_line(line);
    inside = true;
    if (request.kind == ReadRequest::Kind::done) {
      responses.push_back(assembler.take());
      request = ReadRequest::line();
      inside = false;
    }
  }
  if (inside) malformed("IMAP stream ends inside a response");
  return responses;
}

std::string StatusResponse::summary(std::size_t max_length) const {
  static constexpr const char* kNames[] = {"OK", "NO", "BAD", "PREAUTH", "BYE"};
  std::string line = kNames[static_cast<int>(condition)];
  if (!code.empty()) line += " [" + code + (code_arguments.empty() ? "" : " " + code_arguments) + "]";
  if (!text.empty()) line += " " + text;
  // sanitize_line adds "..." after max_length characters: leave room for it.
  return util::sanitize_line(line, line.size() <= max_length || max_length < 3 ? max_length : max_length - 3);
}

std::optional<StatusResponse> parse_status(std::string_view text) {
  const std::size_t space = text.find(' ');
  const std::string word = util::to_upper(text.substr(0, space));
  StatusResponse status;
  if (word == "OK")
    status.condition = StatusResponse::Condition::ok;
  else if (word == "NO")
    status.condition = StatusResponse::Condition::no;
  else if (word == "BAD")
    status.condition = StatusResponse::Condition::bad;
  else if (word == "PREAUTH")
    status.condition = StatusResponse::Condition::preauth;
  else if (word == "BYE")
    status.condition = StatusResponse::Condition::bye;
  else
    return std::nullopt;
  std::string_view rest = space == std::string_view::npos ? std::string_view() : text.substr(space + 1);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  if (rest.starts_with("[")) {
    const std::size_t close = rest.find(']');
    if (close != std::string_view::npos) {
      const std::string_view inside = rest.substr(1, close - 1);
      const std::size_t blank = inside.find(' ');
      status.code = util::to_upper(inside.substr(0, blank));
      if (blank != std::string_view::npos) status.code_arguments = std::string(inside.substr(blank + 1));
      rest.remove_prefix(close + 1);
      while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    }
  }
  status.text = std::string(rest);
  return status;
}

bool Capabilities::has(std::string_view name) const {
  return std::any_of(names.begin(), names.end(), [&](const std::string& n) { return util::iequals(n, name); });
}

std::vector<std::string> Capabilities::auth_mechanisms() const {
  std::vector<std::string> mechanisms;
  for (const std::string& name : names) {
    if (name.size() > 5 && name.starts_with("AUTH=")) mechanisms.push_back(name.substr(5));
  }
  return mechanisms;
}

Capabilities parse_capabilities(std::string_view atoms) {
  Capabilities capabilities;
  for (const std::string& word : util::split(atoms, ' ')) {
    if (!word.empty() && capabilities.names.size() < 500) capabilities.names.push_back(util::to_upper(word));
  }
  return capabilities;
}

void apply_mailbox_data(const Response& response, MailboxData& data) {
  if (response.kind != Response::Kind::untagged) return;
  const std::string_view text = response.text;
  const std::size_t space = text.find(' ');
  const std::string_view first = text.substr(0, space);
  const std::string_view rest = space == std::string_view::npos ? std::string_view() : text.substr(space + 1);
  if (const auto number = util::parse_digits(first)) {
    const std::string keyword = util::to_upper(util::trim(rest));
    if (keyword == "EXISTS")
      data.exists = *number;
    else if (keyword == "RECENT")
      data.recent = *number;
    return;
  }
  if (util::iequals(first, "OK")) {
    const auto status = parse_status(text);
    if (!status) return;
    if (status->code == "UIDVALIDITY")
      data.uid_validity = util::parse_digits(status->code_arguments);
    else if (status->code == "UIDNEXT")
      data.uid_next = util::parse_digits(status->code_arguments);
    return;
  }
  if (util::iequals(first, "STATUS")) {
    ValueReader reader(rest, response.literals);
    const auto mailbox = reader.next();
    const auto items = reader.next();
    if (!mailbox || !items || items->kind != Value::Kind::list) malformed("malformed STATUS response");
    for (std::size_t i = 0; i + 1 < items->items.size(); i += 2) {
      const std::string name = util::to_upper(items->items[i].text);
      const auto value = number_value(items->items[i + 1]);
      if (name == "MESSAGES")
        data.messages = value;
      else if (name == "SIZE" || name == "X-SIZE")
        data.size = value;
    }
  }
}

std::optional<std::vector<std::uint64_t>> parse_search(const Response& response) {
  if (response.kind != Response::Kind::untagged) return std::nullopt;
  const std::string_view text = response.text;
  const std::size_t space = text.find(' ');
  if (!util::iequals(text.substr(0, space), "SEARCH")) return std::nullopt;
  std::vector<std::uint64_t> numbers;
  if (space == std::string_view::npos) return numbers;
  for (const std::string& word : util::split(text.substr(space + 1), ' ')) {
    if (word.empty()) continue;
    if (word.front() == '(') break;  // CONDSTORE "(MODSEQ 917162500)"
    const auto number = util::parse_digits(word);
    if (!number || *number == 0) malformed("malformed SEARCH response: " + util::sanitize_line(text, 80));
    numbers.push_back(*number);
  }
  return numbers;
}

const std::string* FetchData::section_starting_with(std::string_view prefix) const {
  for (const auto& [name, bytes] : sections) {
    if (name.starts_with(prefix)) return &bytes;
  }
  return nullptr;
}

std::optional<FetchData> parse_fetch(const Response& response) {
  if (response.kind != Response::Kind::untagged) return std::nullopt;
  ValueReader reader(response.text, response.literals);
  const auto sequence_value = reader.next();
  if (!sequence_value) return std::nullopt;
  const auto sequence = number_value(*sequence_value);
  if (!sequence) return std::nullopt;
  const auto keyword = reader.next();
  if (!keyword || keyword->kind != Value::Kind::atom || !util::iequals(keyword->text, "FETCH")) return std::nullopt;
  const auto items = reader.next();
  if (!items || items->kind != Value::Kind::list || items->items.size() % 2 != 0) {
    malformed("malformed FETCH response");
  }
  FetchData data;
  data.sequence = *sequence;
  for (std::size_t i = 0; i < items->items.size(); i += 2) {
    const Value& name_value = items->items[i];
    const Value& value = items->items[i + 1];
    if (name_value.kind != Value::Kind::atom) malformed("malformed FETCH item name");
    std::string name = util::to_upper(name_value.text);
    if (name == "UID") {
      data.uid = number_value(value);
    } else if (name == "RFC822.SIZE") {
      data.size = number_value(value);
    } else if (name == "INTERNALDATE") {
      if (value.kind == Value::Kind::string) data.internal_date = value.text;
    } else if (name.starts_with("BODY[") || name.starts_with("BINARY[") || name.starts_with("RFC822")) {
      // "BODY[TEXT]<0>": the section ends at its first ']', a partial "<origin>" follows.
      const std::size_t partial = name.find("]<");
      if (partial != std::string::npos) name.erase(partial + 1);
      if (value.kind == Value::Kind::string) data.sections[name] = value.text;
    }
  }
  return data;
}

std::optional<double> parse_internal_date(std::string_view text) {
  // "17-Jul-1996 02:44:25 -0700" is an RFC 5322 date once the dashes of its date are blanks.
  std::string date(util::trim(text));
  const std::size_t blank = date.find(' ');
  for (std::size_t i = 0; i < date.size() && i < blank; ++i) {
    if (date[i] == '-') date[i] = ' ';
  }
  return mail::parse_rfc5322_date(date);
}

}  // namespace check_mail::transport::imap
