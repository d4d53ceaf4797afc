// Status expressions: output::Expression::parse and evaluate with arbitrary variables.
//   input: line 1 the expression; each further line "name=value", a variable of the instance.
// Invariants: a failed parse names a position inside the text (or just past it) and a reason;
// restricting the variables to those defined parses exactly when every %{name} used is known;
// evaluation is deterministic.
#include <string>

#include "check_mail/output/expression.hpp"
#include "fuzz_support.hpp"

using namespace check_mail;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = fuzz::as_text(data, size);
  std::string_view expression_text = fuzz::take_line(text);
  output::Variables variables;
  std::vector<std::string> names;
  for (const std::string& line : fuzz::lines_of(text)) {
    auto equals = line.find('=');
    std::string name = line.substr(0, equals);
    variables[name] = equals == std::string::npos ? std::string() : line.substr(equals + 1);
    names.push_back(name);
  }

  output::ExpressionError error;
  output::Expression expression = output::Expression::parse(expression_text, {}, &error);
  if (expression.empty()) {
    if (!error.message.empty()) {
      FUZZ_CHECK(error.position >= 1);
      FUZZ_CHECK(error.position <= expression_text.size() + 1);
    }
    return 0;
  }
  FUZZ_CHECK(error.message.empty());
  bool first = expression.evaluate(variables);
  FUZZ_CHECK(expression.evaluate(variables) == first);
  (void)expression.evaluate({});

  // The same text against a list of known variables: only unknown names may make it fail.
  names.emplace_back("state");
  output::ExpressionError known_error;
  output::Expression known = output::Expression::parse(expression_text, names, &known_error);
  if (!known.empty())
    FUZZ_CHECK(known.evaluate(variables) == first);
  else
    FUZZ_CHECK(known_error.message.find("unknown variable") != std::string::npos);
  return 0;
}
