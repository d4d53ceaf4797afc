#include "check_mail/output/expression.hpp"

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <optional>
#include <variant>

#include "check_mail/output/regex.hpp"
#include "check_mail/util/strings.hpp"

namespace check_mail::output {

// A Perl scalar, as far as expressions need one: a string that may also be read as a number.
namespace {
struct Scalar {
  std::string text;
  [[nodiscard]] bool truthy() const { return !(text.empty() || text == "0"); }
  [[nodiscard]] double number() const {
    // Perl reads the leading numeric part of a string and 0 when there is none.
    std::string_view t = util::trim(text);
    std::size_t i = 0;
    if (i < t.size() && (t[i] == '+' || t[i] == '-')) ++i;
    std::size_t digits = 0;
    while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i]))) ++i, ++digits;
    if (i < t.size() && t[i] == '.') {  // one decimal point at most: "1.2.3" is 1.2
      ++i;
      while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i]))) ++i, ++digits;
    }
    if (digits == 0) return 0.0;
    if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
      std::size_t j = i + 1;
      if (j < t.size() && (t[j] == '+' || t[j] == '-')) ++j;
      if (j < t.size() && std::isdigit(static_cast<unsigned char>(t[j]))) {
        i = j;
        while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i]))) ++i;
      }
    }
    // The prefix is a well-formed decimal number of any length ("1" and 400 zeros is 1e400, Inf
    // as in Perl); util::parse_number's length limit is for option values, not for this.
    std::string prefix(t.substr(0, i));
    return std::strtod(prefix.c_str(), nullptr);
  }
};
Scalar boolean(bool b) { return Scalar{b ? "1" : ""}; }
}  // namespace

struct Expression::Node {
  enum class Kind { Literal, Variable, Not, And, Or, Match, NotMatch, Compare } kind;
  std::string text;  // literal value, variable name or comparison operator
  std::unique_ptr<Node> left, right;
  std::optional<Regex> regex;

  [[nodiscard]] Scalar eval(const Variables& vars) const {
    switch (kind) {
      case Kind::Literal: return Scalar{text};
      case Kind::Variable: {
        auto it = vars.find(text);
        return Scalar{it == vars.end() ? std::string() : it->second};
      }
      case Kind::Not: return boolean(!left->eval(vars).truthy());
      case Kind::And: {
        Scalar l = left->eval(vars);
        return l.truthy() ? right->eval(vars) : l;
      }
      case Kind::Or: {
        Scalar l = left->eval(vars);
        return l.truthy() ? l : right->eval(vars);
      }
      case Kind::Match: return boolean(regex->search(left->eval(vars).text));
      case Kind::NotMatch: return boolean(!regex->search(left->eval(vars).text));
      case Kind::Compare: return boolean(compare(left->eval(vars), right->eval(vars)));
    }
    return Scalar{};
  }

  [[nodiscard]] bool compare(const Scalar& a, const Scalar& b) const {
    if (text == "eq") return a.text == b.text;
    if (text == "ne") return a.text != b.text;
    if (text == "lt") return a.text < b.text;
    if (text == "gt") return a.text > b.text;
    if (text == "le") return a.text <= b.text;
    if (text == "ge") return a.text >= b.text;
    double x = a.number(), y = b.number();
    if (text == "==") return x == y;
    if (text == "!=") return x != y;
    if (text == "<") return x < y;
    if (text == "<=") return x <= y;
    if (text == ">") return x > y;
    return x >= y;  // ">="
  }
};

namespace {

using NodePtr = std::unique_ptr<Expression::Node>;
using Kind = Expression::Node::Kind;

NodePtr make(Kind kind, std::string text = {}, NodePtr left = nullptr, NodePtr right = nullptr) {
  auto node = std::make_unique<Expression::Node>();
  node->kind = kind;
  node->text = std::move(text);
  node->left = std::move(left);
  node->right = std::move(right);
  return node;
}

struct ParseFailure {
  std::string message;
  std::size_t position;
};

// Recursive descent over the text; each level is one row of Perl's precedence table.
class Parser {
public:
  Parser(std::string_view text, const std::vector<std::string>& known) : text_(text), known_(known) {}

  NodePtr parse() {
    NodePtr node = parse_low_or();
    skip_space();
    if (pos_ < text_.size()) fail("unexpected '" + std::string(text_.substr(pos_, 10)) + "'");
    return node;
  }

private:
  [[noreturn]] void fail(const std::string& message) { throw ParseFailure{message, pos_ + 1}; }

  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  // A word operator must not run into a following identifier character ("order" is not "or").
  bool accept_word(std::string_view word) {
    skip_space();
    if (text_.substr(pos_, word.size()) != word) return false;
    std::size_t after = pos_ + word.size();
    if (after < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[after])) || text_[after] == '_'))
      return false;
    pos_ = after;
    return true;
  }
  bool accept_symbol(std::string_view symbol) {
    skip_space();
    if (text_.substr(pos_, symbol.size()) != symbol) return false;
    pos_ += symbol.size();
    return true;
  }

  // Nesting is bounded so a hostile expression cannot exhaust the stack.
  struct DepthGuard {
    Parser& parser;
    explicit DepthGuard(Parser& p) : parser(p) {
      if (++parser.depth_ > 100) parser.fail("expression nested too deeply");
    }
    ~DepthGuard() { --parser.depth_; }
  };

  NodePtr parse_low_or() {
    DepthGuard guard(*this);
    NodePtr node = parse_low_and();
    while (accept_word("or")) node = make(Kind::Or, {}, std::move(node), parse_low_and());
    return node;
  }
  NodePtr parse_low_and() {
    NodePtr node = parse_low_not();
    while (accept_word("and")) node = make(Kind::And, {}, std::move(node), parse_low_not());
    return node;
  }
  NodePtr parse_low_not() {
    if (accept_word("not")) {
      DepthGuard guard(*this);
      return make(Kind::Not, {}, parse_low_not());
    }
    return parse_or();
  }
  NodePtr parse_or() {
    NodePtr node = parse_and();
    while (accept_symbol("||")) node = make(Kind::Or, {}, std::move(node), parse_and());
    return node;
  }
  NodePtr parse_and() {
    NodePtr node = parse_equality();
    while (accept_symbol("&&")) node = make(Kind::And, {}, std::move(node), parse_equality());
    return node;
  }
  NodePtr parse_equality() {
    NodePtr node = parse_relational();
    for (std::string_view op : {"==", "!=", "eq", "ne"}) {
      bool word = op[0] >= 'a';
      if (word ? accept_word(op) : (peek_not_match() && accept_symbol(op)))
        return make(Kind::Compare, std::string(op), std::move(node), parse_relational());
    }
    return node;
  }
  NodePtr parse_relational() {
    NodePtr node = parse_match();
    for (std::string_view op : {"<=", ">=", "<", ">", "lt", "gt", "le", "ge"}) {
      bool word = op[0] >= 'a';
      if (word ? accept_word(op) : accept_symbol(op))
        return make(Kind::Compare, std::string(op), std::move(node), parse_match());
    }
    return node;
  }
  // "!=" must not be read when the text is "!~".
  bool peek_not_match() {
    skip_space();
    return text_.substr(pos_, 2) != "!~";
  }
  NodePtr parse_match() {
    NodePtr node = parse_unary();
    bool negate = false;
    if (accept_symbol("=~") || (negate = accept_symbol("!~"))) {
      auto match = make(negate ? Kind::NotMatch : Kind::Match, {}, std::move(node));
      match->regex = parse_regex();
      return match;
    }
    return node;
  }
  NodePtr parse_unary() {
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == '!' && text_.substr(pos_, 2) != "!=" && text_.substr(pos_, 2) != "!~") {
      ++pos_;
      DepthGuard guard(*this);
      return make(Kind::Not, {}, parse_unary());
    }
    return parse_primary();
  }
  NodePtr parse_primary() {
    skip_space();
    if (pos_ >= text_.size()) fail("unexpected end of expression");
    char c = text_[pos_];
    if (c == '(') {
      ++pos_;
      NodePtr node = parse_low_or();
      if (!accept_symbol(")")) fail("missing ')'");
      return node;
    }
    if (c == '%' && text_.substr(pos_, 2) == "%{") {
      auto close = text_.find('}', pos_);
      if (close == std::string_view::npos) fail("unterminated %{variable}");
      std::string name(text_.substr(pos_ + 2, close - pos_ - 2));
      if (!known_.empty() && std::find(known_.begin(), known_.end(), name) == known_.end())
        fail("unknown variable %{" + name + "} (known: %{" + util::join(known_, "}, %{") + "})");
      pos_ = close + 1;
      return make(Kind::Variable, name);
    }
    if (c == '\'' || c == '"') return make(Kind::Literal, parse_quoted(c));
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '+' || c == '.') {
      std::size_t start = pos_;
      ++pos_;
      while (pos_ < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '.'))
        ++pos_;
      std::string number(text_.substr(start, pos_ - start));
      auto value = util::parse_number(number);
      if (!value) {
        pos_ = start;
        fail("invalid number '" + number + "'");
      }
      return make(Kind::Literal, number_text(number, *value));
    }
    fail("expected a %{variable}, a quoted string, a number or '('");
  }
  // A number literal is a number in Perl: as a string it reads "1.5" for 1.50, "1000" for 1e3, "0" for -0.
  static std::string number_text(const std::string& written, double value) {
    if (written.find_first_of(".eE") == std::string::npos) {
      if (auto integer = util::parse_integer(written[0] == '+' ? written.substr(1) : written, LLONG_MIN, LLONG_MAX))
        return std::to_string(*integer);
    }
    return util::format_number(value == 0 ? 0.0 : value);
  }
  std::string parse_quoted(char quote) {
    std::size_t start = pos_++;
    std::string value;
    while (pos_ < text_.size() && text_[pos_] != quote) {
      if (text_[pos_] == '\\' && pos_ + 1 < text_.size()) ++pos_;
      value += text_[pos_++];
    }
    if (pos_ >= text_.size()) {
      pos_ = start;
      fail("unterminated string");
    }
    ++pos_;
    return value;
  }
  // /pattern/flags or m/pattern/flags, or m{pattern}flags.
  Regex parse_regex() {
    skip_space();
    std::size_t start = pos_;
    char open = pos_ < text_.size() ? text_[pos_] : '\0';
    if (open == 'm' && pos_ + 1 < text_.size() && !std::isalnum(static_cast<unsigned char>(text_[pos_ + 1]))) {
      ++pos_;
      open = text_[pos_];
    }
    if (open != '/' && open != '{' && open != '#' && open != '!' && open != '|')
      fail("expected a /regular expression/ after =~ or !~");
    char close = open == '{' ? '}' : open;
    ++pos_;
    std::string pattern;
    while (pos_ < text_.size() && text_[pos_] != close) {
      if (text_[pos_] == '\\' && pos_ + 1 < text_.size() && text_[pos_ + 1] == close)
        ++pos_;  // \/ -> /
      else if (text_[pos_] == '\\' && pos_ + 1 < text_.size())
        pattern += text_[pos_++];
      pattern += text_[pos_++];
    }
    if (pos_ >= text_.size()) {
      pos_ = start;
      fail("unterminated regular expression");
    }
    ++pos_;
    std::size_t flags_start = pos_;
    while (pos_ < text_.size() && std::isalpha(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    Regex::Error error;
    Regex regex = Regex::compile(pattern, text_.substr(flags_start, pos_ - flags_start), &error);
    if (!regex.valid()) {
      pos_ = start;
      fail("invalid regular expression: " + error.message);
    }
    return regex;
  }

  std::string_view text_;
  const std::vector<std::string>& known_;
  std::size_t pos_ = 0;
  int depth_ = 0;
};

}  // namespace

Expression::Expression() = default;
Expression::Expression(Expression&&) noexcept = default;
Expression& Expression::operator=(Expression&&) noexcept = default;
Expression::~Expression() = default;

Expression Expression::parse(std::string_view text, const std::vector<std::string>& known_variables,
                             ExpressionError* error) {
  Expression expression;
  if (util::trim(text).empty()) return expression;
  if (text.size() > 4096) {
    if (error) *error = {"expression longer than 4096 characters", 1};
    return expression;
  }
  try {
    Parser parser(text, known_variables);
    expression.root_ = parser.parse();
  } catch (const ParseFailure& failure) {
    if (error) *error = {failure.message, failure.position};
  }
  return expression;
}

bool Expression::evaluate(const Variables& variables) const { return root_ && root_->eval(variables).truthy(); }

}  // namespace check_mail::output
