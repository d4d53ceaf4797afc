#include "check_mail/mailbox/mail_headers.hpp"

#include <array>
#include <cstdint>

#include "check_mail/smtp/smtp_message.hpp"
#include "check_mail/util/base64.hpp"
#include "check_mail/util/strings.hpp"

namespace check_mail::transport::mail {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Splits text into lines at LF, dropping a CR before it.
std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

// A field name is printable ASCII except ':' (RFC 5322 ftext), at least one character.
bool is_field_name(std::string_view name) {
  if (name.empty()) return false;
  for (const char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 33 || u > 126 || c == ':') return false;
  }
  return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil), so no
// time zone database or timegm() is involved.
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day) {
  year -= month <= 2 ? 1 : 0;
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const auto year_of_era = static_cast<unsigned>(year - era * 400);
  const unsigned day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + static_cast<std::int64_t>(day_of_era) - 719468;
}

std::optional<int> month_number(std::string_view name) {
  static constexpr std::array<std::string_view, 12> kMonths = {"jan", "feb", "mar", "apr", "may", "jun",
                                                               "jul", "aug", "sep", "oct", "nov", "dec"};
  if (name.size() != 3) return std::nullopt;
  for (std::size_t i = 0; i < kMonths.size(); ++i) {
    if (util::iequals(name, kMonths[i])) return static_cast<int>(i + 1);
  }
  return std::nullopt;
}

std::optional<int> small_number(std::string_view digits, std::size_t min_digits, std::size_t max_digits) {
  if (digits.size() < min_digits || digits.size() > max_digits) return std::nullopt;
  int value = 0;
  for (const char c : digits) {
    if (!is_digit(c)) return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

// Zone offset in minutes east of UTC: "+0200", "-0000", or an obsolete name (RFC 5322 4.3).
std::optional<int> zone_offset_minutes(std::string_view zone) {
  if (zone.size() == 5 && (zone[0] == '+' || zone[0] == '-')) {
    const auto hours = small_number(zone.substr(1, 2), 2, 2);
    const auto minutes = small_number(zone.substr(3, 2), 2, 2);
    if (!hours || !minutes || *minutes > 59) return std::nullopt;
    const int offset = *hours * 60 + *minutes;
    return zone[0] == '-' ? -offset : offset;
  }
  struct Named {
    std::string_view name;
    int hours;
  };
  static constexpr std::array<Named, 11> kNamed = {{{"UT", 0},
                                                    {"UTC", 0},
                                                    {"GMT", 0},
                                                    {"Z", 0},
                                                    {"EST", -5},
                                                    {"EDT", -4},
                                                    {"CST", -6},
                                                    {"CDT", -5},
                                                    {"MST", -7},
                                                    {"MDT", -6},
                                                    {"PST", -8}}};
  for (const Named& named : kNamed) {
    if (util::iequals(zone, named.name)) return named.hours * 60;
  }
  if (util::iequals(zone, "PDT")) return -7 * 60;
  // Military zones were defined with the wrong sign; RFC 5322 says to read them as -0000.
  if (zone.size() == 1 && ((zone[0] >= 'A' && zone[0] <= 'Z') || (zone[0] >= 'a' && zone[0] <= 'z'))) return 0;
  return std::nullopt;
}

// Removes (possibly nested) comments, replacing each by a blank.
std::string without_comments(std::string_view text) {
  std::string out;
  int depth = 0;
  for (const char c : text) {
    if (c == '(') {
      ++depth;
    } else if (c == ')' && depth > 0) {
      if (--depth == 0) out += ' ';
    } else if (depth == 0) {
      out += c;
    }
  }
  return out;
}

std::vector<std::string_view> words_of(std::string_view text) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (is_blank(text[i]) || text[i] == ',' || text[i] == '\r' || text[i] == '\n')) ++i;
    const std::size_t start = i;
    while (i < text.size() && !is_blank(text[i]) && text[i] != ',' && text[i] != '\r' && text[i] != '\n') ++i;
    if (i > start) words.push_back(text.substr(start, i - start));
  }
  return words;
}

// "=?charset?B|Q?text?=" decoded when the charset is UTF-8 or US-ASCII.
std::optional<std::string> decode_encoded_word(std::string_view word) {
  if (word.size() < 8 || !word.starts_with("=?") || !word.ends_with("?=")) return std::nullopt;
  const std::string_view inner = word.substr(2, word.size() - 4);
  const std::size_t first = inner.find('?');
  if (first == std::string_view::npos || first + 2 >= inner.size() || inner[first + 2] != '?') return std::nullopt;
  std::string_view charset = inner.substr(0, first);
  charset = charset.substr(0, charset.find('*'));  // RFC 2231 language suffix
  if (!util::iequals(charset, "utf-8") && !util::iequals(charset, "us-ascii")) return std::nullopt;
  const char encoding = lower(inner[first + 1]);
  const std::string_view payload = inner.substr(first + 3);
  if (encoding == 'b') return util::base64_decode(payload);
  if (encoding != 'q') return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < payload.size(); ++i) {
    const char c = payload[i];
    if (c == '_') {
      out += ' ';
    } else if (c == '=' && i + 2 < payload.size()) {
      const auto hex = [](char h) -> int {
        if (is_digit(h)) return h - '0';
        const char l = lower(h);
        return l >= 'a' && l <= 'f' ? l - 'a' + 10 : -1;
      };
      const int high = hex(payload[i + 1]);
      const int low = hex(payload[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      out += static_cast<char>(high * 16 + low);
      i += 2;
    } else if (c == '=') {
      return std::nullopt;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::vector<HeaderField> parse_header_block(std::string_view text) {
  std::vector<HeaderField> fields;
  bool last_was_field = false;
  for (const std::string_view line : lines_of(text)) {
    if (line.empty()) break;  // end of the header block
    if (is_blank(line.front())) {
      // A continuation belongs to the field before it; stray ones are ignored.
      if (last_was_field) fields.back().value += line;
      continue;
    }
    const std::size_t colon = line.find(':');
    std::string_view name = colon == std::string_view::npos ? std::string_view() : line.substr(0, colon);
    while (!name.empty() && is_blank(name.back())) name.remove_suffix(1);  // obsolete "Name :" form
    last_was_field = is_field_name(name);
    if (!last_was_field) continue;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && is_blank(value.front())) value.remove_prefix(1);
    fields.push_back(HeaderField{std::string(name), std::string(value)});
  }
  return fields;
}

std::optional<std::string> header_value(const std::vector<HeaderField>& fields, std::string_view name) {
  for (const HeaderField& field : fields) {
    if (util::iequals(field.name, name)) return field.value;
  }
  return std::nullopt;
}

std::optional<Tracking> parse_tracking(std::string_view value) {
  value = util::trim(value);
  const std::size_t semicolon = value.find(';');
  const std::string_view token = util::trim(value.substr(0, semicolon));
  if (token.empty() || token.size() > 200) return std::nullopt;
  for (const char c : token) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 32 || u >= 127) return std::nullopt;
  }
  Tracking tracking{std::string(token), std::nullopt};
  if (semicolon == std::string_view::npos) return tracking;
  for (const std::string& parameter : util::split(value.substr(semicolon + 1), ';')) {
    const std::string_view item = util::trim(parameter);
    if (item.size() > 5 && util::iequals(item.substr(0, 5), "sent=")) {
      const std::string_view number = item.substr(5);
      // Digits and at most one '.', so parse_number's exponents and signs are not accepted.
      bool plain = !number.empty() && number.find_first_not_of("0123456789.") == std::string_view::npos &&
                   number.find('.') == number.rfind('.');
      if (plain) {
        if (const auto epoch = util::parse_number(number)) tracking.sent_epoch = *epoch;
      }
    }
  }
  return tracking;
}

std::optional<Tracking> tracking_in_headers(const std::vector<HeaderField>& fields) {
  const auto value = header_value(fields, smtp::tracking_header);
  if (!value) return std::nullopt;
  return parse_tracking(*value);
}

std::optional<Tracking> tracking_in_body(std::string_view text) {
  const std::string prefix = std::string(smtp::tracking_header) + ":";
  for (const std::string_view line : lines_of(text)) {
    if (line.size() > prefix.size() && util::iequals(line.substr(0, prefix.size()), prefix)) {
      return parse_tracking(line.substr(prefix.size()));
    }
  }
  return std::nullopt;
}

std::optional<double> parse_rfc5322_date(std::string_view text) {
  if (text.size() > 300) return std::nullopt;
  const std::string cleaned = without_comments(text);
  std::vector<std::string_view> words = words_of(cleaned);
  // Optional day name ("Tue" or "Tue,"; the comma was a separator).
  if (!words.empty() && !words.front().empty() && !is_digit(words.front().front())) words.erase(words.begin());
  if (words.size() < 4) return std::nullopt;
  const auto day = small_number(words[0], 1, 2);
  const auto month = month_number(words[1]);
  auto year = small_number(words[2], 2, 4);
  if (!day || !month || !year || *day < 1 || *day > 31) return std::nullopt;
  if (words[2].size() == 2)
    *year += *year < 50 ? 2000 : 1900;  // obsolete two-digit years
  else if (words[2].size() == 3)
    *year += 1900;
  if (*year < 1900) return std::nullopt;  // RFC 5322 3.3

  // Time: "hh:mm" or "hh:mm:ss".
  const std::vector<std::string> clock = util::split(words[3], ':');
  if (clock.size() < 2 || clock.size() > 3) return std::nullopt;
  const auto hour = small_number(clock[0], 1, 2);
  const auto minute = small_number(clock[1], 2, 2);
  const auto second = clock.size() == 3 ? small_number(clock[2], 2, 2) : std::optional<int>(0);
  if (!hour || !minute || !second || *hour > 23 || *minute > 59 || *second > 60) return std::nullopt;

  // A missing zone is read as UTC (RFC 5322 requires one, but some agents omit it).
  int offset = 0;
  if (words.size() > 4) {
    const auto zone = zone_offset_minutes(words[4]);
    if (!zone) return std::nullopt;
    offset = *zone;
  }
  const std::int64_t days = days_from_civil(*year, static_cast<unsigned>(*month), static_cast<unsigned>(*day));
  const std::int64_t seconds = days * 86400 + *hour * 3600 + *minute * 60 + *second - offset * 60;
  return static_cast<double>(seconds);
}

std::optional<double> received_date(std::string_view value) {
  const std::size_t semicolon = value.rfind(';');
  if (semicolon == std::string_view::npos) return std::nullopt;
  return parse_rfc5322_date(value.substr(semicolon + 1));
}

std::string decode_header_text(std::string_view text) {
  std::string out;
  bool previous_was_encoded = false;
  std::string pending_blanks;  // blanks between two encoded-words are dropped (RFC 2047 6.2)
  std::size_t i = 0;
  while (i < text.size()) {
    if (is_blank(text[i])) {
      pending_blanks += text[i++];
      continue;
    }
    std::size_t end = i;
    while (end < text.size() && !is_blank(text[end])) ++end;
    const std::string_view word = text.substr(i, end - i);
    const auto decoded = decode_encoded_word(word);
    if (!(decoded && previous_was_encoded)) out += pending_blanks;
    pending_blanks.clear();
    out += decoded ? *decoded : std::string(word);
    previous_was_encoded = decoded.has_value();
    i = end;
  }
  return out + pending_blanks;
}

bool contains_ignoring_case(std::string_view haystack, std::string_view needle) {
  if (needle.empty()) return true;
  if (needle.size() > haystack.size()) return false;
  for (std::size_t i = 0; i + needle.size() <= haystack.size(); ++i) {
    if (util::iequals(haystack.substr(i, needle.size()), needle)) return true;
  }
  return false;
}

}  // namespace check_mail::transport::mail
