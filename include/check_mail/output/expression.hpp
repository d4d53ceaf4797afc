#pragma once
// Status expressions as Centreon's plugins accept them in --warning-status and friends:
//   %{state} !~ /running/i and %{display} ne "smtp" || (%{code} >= 500)
// Variables are %{name}; operators =~ !~ eq ne lt gt le ge == != < <= > >= ! not && and || or,
// parentheses, quoted strings, numbers and /regex/flags literals, with Perl's precedence and
// Perl's string/number semantics. Parsed once, evaluated for every instance.
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace check_mail::output {

struct ExpressionError {
  std::string message;
  std::size_t position = 0;  // 1-based character position in the expression
};

using Variables = std::map<std::string, std::string, std::less<>>;

class Expression {
public:
  // Parses text; on failure returns an empty expression and fills *error. known_variables,
  // when not empty, is the list of %{names} the expression may use.
  static Expression parse(std::string_view text, const std::vector<std::string>& known_variables,
                          ExpressionError* error);

  Expression();
  Expression(Expression&&) noexcept;
  Expression& operator=(Expression&&) noexcept;
  ~Expression();

  [[nodiscard]] bool empty() const { return root_ == nullptr; }
  // True when the expression holds for these variables (an empty expression never holds).
  [[nodiscard]] bool evaluate(const Variables& variables) const;

  struct Node;

private:
  std::unique_ptr<Node> root_;
};

}  // namespace check_mail::output
