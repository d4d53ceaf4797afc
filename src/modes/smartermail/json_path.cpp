#include "check_mail/modes/smartermail/json_path.hpp"

#include <vector>

#include "check_mail/output/regex.hpp"
#include "check_mail/util/strings.hpp"

namespace check_mail::modes::smartermail {
namespace {

using nlohmann::json;
using Nodes = std::vector<const json*>;

constexpr std::size_t kMaxNodes = 100'000;  // a document of a few secrets selects a handful

struct Parser {
  std::string_view text;
  std::size_t pos = 0;
  std::string error;

  bool at_end() const { return pos >= text.size(); }
  char peek() const { return at_end() ? '\0' : text[pos]; }
  bool take(char c) {
    if (peek() != c) return false;
    ++pos;
    return true;
  }
  void skip_spaces() {
    while (!at_end() && (text[pos] == ' ' || text[pos] == '\t')) ++pos;
  }
  bool fail(const std::string& what) {
    if (error.empty()) error = what + " at position " + std::to_string(pos + 1);
    return false;
  }
  std::string name() {
    std::size_t start = pos;
    while (!at_end() && (std::isalnum(static_cast<unsigned char>(text[pos])) || text[pos] == '_' || text[pos] == '-'))
      ++pos;
    return std::string(text.substr(start, pos - start));
  }
  std::optional<std::string> quoted() {
    char quote = peek();
    if (quote != '\'' && quote != '"') return std::nullopt;
    ++pos;
    std::string out;
    while (!at_end() && text[pos] != quote) {
      if (text[pos] == '\\' && pos + 1 < text.size()) ++pos;
      out += text[pos++];
    }
    if (!take(quote)) return std::nullopt;
    return out;
  }
};

void add(Nodes& out, const json* node) {
  if (out.size() < kMaxNodes) out.push_back(node);
}

void descendants_named(const json& node, const std::string& key, Nodes& out, int depth) {
  if (depth > 64) return;
  if (node.is_object()) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (it.key() == key) add(out, &*it);
      descendants_named(*it, key, out, depth + 1);
    }
  } else if (node.is_array()) {
    for (const json& child : node) descendants_named(child, key, out, depth + 1);
  }
}

void every_node(const json& node, Nodes& out, int depth) {
  if (depth > 64) return;
  add(out, &node);
  if (node.is_object() || node.is_array())
    for (const json& child : node) every_node(child, out, depth + 1);
}

void children(const json& node, Nodes& out) {
  if (node.is_object() || node.is_array())
    for (const json& child : node) add(out, &child);
}

std::string text_of(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return "";
  return value.dump();
}

// One filter condition: member OP literal.
struct Condition {
  std::string member;
  std::string op;
  std::string literal;
  std::optional<output::Regex> regex;

  bool holds(const json& node) const {
    if (!node.is_object() || !node.contains(member)) return false;
    std::string value = text_of(node[member]);
    if (op == "=~") return regex->search(value);
    if (op == "!~") return !regex->search(value);
    if (op == "eq") return value == literal;
    if (op == "ne") return value != literal;
    auto a = util::parse_number(value), b = util::parse_number(literal);
    if (op == "==") return a && b && *a == *b;
    if (op == "!=") return !(a && b && *a == *b);
    return false;
  }
};

bool parse_condition(Parser& p, Condition& condition) {
  p.skip_spaces();
  if (p.text.substr(p.pos, 5) == "$_->{") {
    p.pos += 5;
    if (auto q = p.quoted())
      condition.member = *q;
    else
      condition.member = p.name();
    if (!p.take('}')) return p.fail("expected '}'");
  } else if (p.take('@') && p.take('.')) {
    condition.member = p.name();
  } else {
    return p.fail("a filter starts with $_->{name} or @.name");
  }
  if (condition.member.empty()) return p.fail("empty member name");
  p.skip_spaces();
  for (std::string op : {"=~", "!~", "==", "!=", "eq", "ne"})
    if (p.text.substr(p.pos, op.size()) == op) {
      condition.op = op;
      p.pos += op.size();
      break;
    }
  if (condition.op.empty()) return p.fail("expected =~ !~ == != eq or ne");
  p.skip_spaces();
  if (condition.op == "=~" || condition.op == "!~") {
    if (!p.take('/')) return p.fail("expected /regex/");
    std::string pattern;
    while (!p.at_end() && p.peek() != '/') {
      if (p.peek() == '\\' && p.pos + 1 < p.text.size()) pattern += p.text[p.pos++];
      pattern += p.text[p.pos++];
    }
    if (!p.take('/')) return p.fail("unterminated /regex/");
    std::string flags;
    while (!p.at_end() && std::string_view("imsx").find(p.peek()) != std::string_view::npos) flags += p.text[p.pos++];
    output::Regex::Error error;
    condition.regex = output::Regex::try_compile(pattern, flags, &error);
    if (!condition.regex) return p.fail("invalid regex (" + error.message + ")");
  } else if (auto q = p.quoted()) {
    condition.literal = *q;
  } else {
    std::size_t start = p.pos;
    while (!p.at_end() && p.peek() != ')' && p.peek() != ' ') ++p.pos;
    condition.literal = std::string(p.text.substr(start, p.pos - start));
    if (condition.literal.empty()) return p.fail("expected a value");
  }
  p.skip_spaces();
  return true;
}

// A bracket step: [N], [*], ['name'], [?(...)].
bool bracket(Parser& p, const Nodes& in, Nodes& out) {
  p.skip_spaces();
  if (p.take('*')) {
    for (const json* node : in) children(*node, out);
  } else if (p.take('?')) {
    if (!p.take('(')) return p.fail("expected '(' after '?'");
    Condition condition;
    if (!parse_condition(p, condition)) return false;
    if (!p.take(')')) return p.fail("expected ')'");
    for (const json* node : in) {
      Nodes candidates;
      if (node->is_array() || (node->is_object() && !condition.holds(*node)))
        children(*node, candidates);
      else
        candidates.push_back(node);
      for (const json* candidate : candidates)
        if (condition.holds(*candidate)) add(out, candidate);
    }
  } else if (auto q = p.quoted()) {
    for (const json* node : in)
      if (node->is_object() && node->contains(*q)) add(out, &(*node)[*q]);
  } else {
    std::size_t start = p.pos;
    while (!p.at_end() && std::isdigit(static_cast<unsigned char>(p.peek()))) ++p.pos;
    if (start == p.pos) return p.fail("expected an index, '*', a quoted name or a filter");
    auto index = util::parse_integer(p.text.substr(start, p.pos - start), 0, 1'000'000);
    if (!index) return p.fail("index out of range");
    for (const json* node : in)
      if (node->is_array() && static_cast<std::size_t>(*index) < node->size()) add(out, &(*node)[*index]);
  }
  p.skip_spaces();
  if (!p.take(']')) return p.fail("expected ']'");
  return true;
}

}  // namespace

std::optional<json> json_path_first(const json& document, std::string_view path, std::string* error) {
  Parser p;
  p.text = util::trim(path);
  auto failed = [&]() -> std::optional<json> {
    if (error) *error = "unsupported JSON path '" + util::sanitize_line(path, 80) + "': " + p.error;
    return std::nullopt;
  };
  if (!p.take('$')) {
    p.fail("a path starts with $");
    return failed();
  }
  Nodes nodes{&document};
  while (!p.at_end()) {
    Nodes next;
    if (p.take('.')) {
      if (p.take('.')) {
        if (p.peek() == '[') {  // "..[?(...)]": the bracket applies to every node below
          for (const json* node : nodes) every_node(*node, next, 0);
          nodes = std::move(next);
          continue;
        }
        std::string key = p.name();
        if (key.empty()) {
          p.fail("expected a name after '..'");
          return failed();
        }
        for (const json* node : nodes) descendants_named(*node, key, next, 0);
      } else if (p.peek() == '[') {
        continue;  // ".[?(...)]" as the Perl module's examples write it
      } else if (p.take('*')) {
        for (const json* node : nodes) children(*node, next);
      } else {
        std::string key = p.name();
        if (key.empty()) {
          p.fail("expected a name after '.'");
          return failed();
        }
        for (const json* node : nodes)
          if (node->is_object() && node->contains(key)) add(next, &(*node)[key]);
      }
    } else if (p.take('[')) {
      if (!bracket(p, nodes, next)) return failed();
    } else {
      p.fail("unexpected character");
      return failed();
    }
    nodes = std::move(next);
  }
  if (nodes.empty()) return std::nullopt;
  return *nodes.front();
}

}  // namespace check_mail::modes::smartermail
