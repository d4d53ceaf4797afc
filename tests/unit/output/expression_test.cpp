// Status expressions (--warning-status and friends): operators, Perl's precedence, Perl's string
// and number semantics, regular expressions, and syntax errors with their positions. The expected
// truth values were checked by evaluating the same text with Perl after Centreon's
// s/%\{(.*?)\}/$values->{$1}/g rewrite.
#include "check_mail/output/expression.hpp"

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

namespace check_mail::output {
namespace {

// Parses (any variable allowed) and evaluates; a parse error fails the test.
bool holds(const std::string& text, const Variables& variables = {}) {
  ExpressionError error;
  Expression expression = Expression::parse(text, {}, &error);
  EXPECT_TRUE(error.message.empty()) << "'" << text << "': " << error.message << " at " << error.position;
  EXPECT_FALSE(expression.empty()) << "'" << text << "'";
  return expression.evaluate(variables);
}

ExpressionError parse_error(const std::string& text, const std::vector<std::string>& known = {}) {
  ExpressionError error;
  Expression expression = Expression::parse(text, known, &error);
  EXPECT_FALSE(error.message.empty()) << "'" << text << "' should not parse";
  EXPECT_TRUE(expression.empty()) << "a failed parse leaves an empty expression";
  EXPECT_FALSE(expression.evaluate({})) << "an empty expression never holds";
  return error;
}

struct Case {
  const char* expression;
  Variables variables;
  bool expected;
};

void PrintTo(const Case& c, std::ostream* os) { *os << "'" << c.expression << "'"; }

class PerlSemantics : public ::testing::TestWithParam<Case> {};

TEST_P(PerlSemantics, EvaluatesAsPerl) {
  const Case& c = GetParam();
  EXPECT_EQ(holds(c.expression, c.variables), c.expected) << "'" << c.expression << "'";
}

INSTANTIATE_TEST_SUITE_P(
    Regex, PerlSemantics,
    ::testing::Values(Case{"%{state} !~ /running/", {{"state", "inactive"}}, true},
                      Case{"%{state} !~ /running/", {{"state", "running"}}, false},
                      Case{"%{state} =~ /running/", {{"state", "not running"}}, true},  // unanchored
                      Case{"%{state} =~ /^running$/", {{"state", "not running"}}, false},
                      Case{"%{state} =~ /RUNNING/i", {{"state", "running"}}, true},
                      Case{"%{state} =~ /RUNNING/", {{"state", "running"}}, false},
                      Case{"%{p} =~ /a\\/b/", {{"p", "xa/by"}}, true},  // \/ is a slash
                      Case{"%{p} =~ /^a.b$/s", {{"p", "a\nb"}}, true}, Case{"%{p} =~ /^a.b$/", {{"p", "a\nb"}}, false},
                      Case{"%{p} =~ /^b$/m", {{"p", "a\nb"}}, true}, Case{"%{p} =~ /^b$/", {{"p", "a\nb"}}, false},
                      Case{"%{p} =~ / a b /x", {{"p", "ab"}}, true}, Case{"%{p} =~ m{a/b}", {{"p", "a/b"}}, true},
                      Case{"%{p} =~ m#^x#", {{"p", "xyz"}}, true}, Case{"%{p} =~ /\\d+\\s\\w/", {{"p", "12 a"}}, true},
                      Case{"%{p} =~ /a\\\\/", {{"p", "a\\"}}, true},  // an escaped backslash ends before '/'
                      Case{"%{p} =~ /(?i)UP/", {{"p", "up"}}, true},
                      Case{"%{p}=~/x/", {{"p", "x"}}, true},  // no blanks needed
                      Case{"%{p} =~ /é/", {{"p", "café"}}, true},
                      Case{"%{p} =~ /^.$/", {{"p", "é"}}, true}));  // UTF-8 aware

INSTANTIATE_TEST_SUITE_P(
    StringsAndNumbers, PerlSemantics,
    ::testing::Values(Case{"%{v} == 10.0", {{"v", "10"}}, true}, Case{"%{v} == 10", {{"v", "10.0"}}, true},
                      Case{"%{v} eq 10", {{"v", "10.0"}}, false}, Case{"%{v} eq \"10\"", {{"v", "10"}}, true},
                      Case{"%{v} eq '10'", {{"v", "10"}}, true},
                      Case{"%{v} == 0", {{"v", "abc"}}, true},  // a non-numeric string is 0
                      Case{"\"abc\" == 0", {}, true},
                      Case{"%{v} == 12", {{"v", " 12abc"}}, true},  // leading number, leading blanks
                      Case{"%{v} == 1.2", {{"v", "1.2.3"}}, true},  // stops at the second point
                      Case{"%{v} == 1", {{"v", "1..2"}}, true}, Case{"%{v} == 1000", {{"v", "1e3"}}, true},
                      Case{"%{v} == 100", {{"v", "1e+2x"}}, true}, Case{"%{v} == 1", {{"v", "1e"}}, true},
                      Case{"%{v} == 0", {{"v", "0x10"}}, true},  // no hex in strings
                      Case{"%{v} == 0.5", {{"v", ".5"}}, true}, Case{"%{v} == -5", {{"v", "-.5e1x"}}, true},
                      Case{"%{v} == 0", {{"v", ""}}, true}, Case{"%{v} > 2", {{"v", ""}}, false},
                      Case{"%{v} < 9", {{"v", "10"}}, false},  // numeric
                      Case{"%{v} lt 9", {{"v", "10"}}, true},  // string: "1" < "9"
                      Case{"%{v} gt \"abc\"", {{"v", "abd"}}, true}, Case{"%{v} le \"abc\"", {{"v", "abc"}}, true},
                      Case{"%{v} ge \"b\"", {{"v", "abc"}}, false}, Case{"%{v} != 3", {{"v", "3.0"}}, false},
                      Case{"%{v} ne \"3\"", {{"v", "3.0"}}, true}, Case{"%{v} >= -1", {{"v", "-1"}}, true},
                      Case{"%{v} <= -1.5", {{"v", "-1"}}, false}, Case{"%{v} > +1", {{"v", "2"}}, true},
                      Case{"%{v} == -0", {{"v", "0"}}, true},
                      // a number literal is the number: 1.50 reads back as "1.5", 1e3 as "1000"
                      Case{"%{v} eq 1.50", {{"v", "1.5"}}, true}, Case{"%{v} eq 1e3", {{"v", "1000"}}, true},
                      Case{"%{v} eq 10.0", {{"v", "10"}}, true}, Case{"%{v} eq -0", {{"v", "0"}}, true},
                      // strings: escapes and both quotes
                      Case{"%{v} eq \"a\\\"b\"", {{"v", "a\"b"}}, true},
                      Case{"%{v} eq 'it\\'s'", {{"v", "it's"}}, true}, Case{"%{v} eq \"\"", {{"v", ""}}, true},
                      Case{"%{v} eq \"a b\"", {{"v", "a b"}}, true},
                      // an unset variable is the empty string
                      Case{"%{missing} eq \"\"", {}, true}, Case{"%{missing} == 0", {}, true}));

INSTANTIATE_TEST_SUITE_P(Truth, PerlSemantics,
                         ::testing::Values(Case{"!%{v}", {{"v", "0"}}, true}, Case{"!%{v}", {{"v", ""}}, true},
                                           Case{"!%{v}", {{"v", "0.0"}}, false},  // "0.0" is true in Perl
                                           Case{"!%{v}", {{"v", "00"}}, false}, Case{"%{v}", {{"v", "00"}}, true},
                                           Case{"%{v}", {{"v", " "}}, true}, Case{"%{v}", {{"v", "0"}}, false},
                                           Case{"0", {}, false}, Case{"1", {}, true}, Case{"\"0\"", {}, false},
                                           Case{"''", {}, false}, Case{"'a'", {}, true},
                                           Case{"0.0", {}, false},  // the literal 0.0 is the number 0
                                           Case{"!!%{v}", {{"v", "x"}}, true}));

INSTANTIATE_TEST_SUITE_P(
    Precedence, PerlSemantics,
    ::testing::Values(
        Case{"1 || 0 && 0", {}, true}, Case{"(1 || 0) && 0", {}, false}, Case{"1 or 0 and 0", {}, true},
        Case{"(1 or 0) and 0", {}, false}, Case{"not 1 or 1", {}, true}, Case{"not (1 or 1)", {}, false},
        Case{"not 0 and 0", {}, false},  // (not 0) and 0
        Case{"! 1 || 1", {}, true}, Case{"!(1 || 1)", {}, false},
        Case{"not 1 || 1", {}, false},  // not (1 || 1): 'not' is below '||'
        Case{"0 || \"x\" eq \"x\"", {}, true}, Case{"1 && 0 || 1", {}, true}, Case{"0 and 1 or 1", {}, true},
        Case{"1 or 1 and 0", {}, true}, Case{"0 || 0 or 1 && 1", {}, true},
        Case{"%{a} eq \"x\" or %{b} eq \"y\" and %{c} eq \"z\"", {{"a", "x"}, {"b", "n"}, {"c", "n"}}, true},
        Case{"%{a} eq \"x\" || %{b} eq \"y\" && %{c} eq \"z\"", {{"a", "n"}, {"b", "y"}, {"c", "n"}}, false},
        Case{"%{a} == 1 && %{b} =~ /x/", {{"a", "1"}, {"b", "x"}}, true},
        Case{"%{a} == 1 and not %{b} =~ /x/", {{"a", "1"}, {"b", "x"}}, false},
        // '!' binds tighter than =~: (!"running") =~ /^$/ is true
        Case{"!%{s} =~ /^$/", {{"s", "running"}}, true}, Case{"!(%{s} =~ /^$/)", {{"s", "running"}}, true},
        Case{"!(%{s} =~ /running/)", {{"s", "running"}}, false}, Case{"((((1))))", {}, true},
        Case{"( ( 0 ) )", {}, false}, Case{"%{a} < 5 == 1", {{"a", "3"}}, true},  // relational before equality
        Case{"%{a}<5&&%{a}>1", {{"a", "3"}}, true},
        // words are operators only as whole words
        Case{"%{order} eq \"x\"", {{"order", "x"}}, true}, Case{"%{android} eq \"x\"", {{"android", "x"}}, true},
        Case{"%{note} eq \"x\"", {{"note", "x"}}, true}));

TEST(Expression, EveryComparisonOperator) {
  Variables v{{"n", "5"}, {"s", "m"}};
  struct {
    const char* text;
    bool expected;
  } cases[] = {{"%{n} == 5", true},     {"%{n} != 5", false},    {"%{n} < 6", true},      {"%{n} <= 5", true},
               {"%{n} > 5", false},     {"%{n} >= 5", true},     {"%{s} eq \"m\"", true}, {"%{s} ne \"m\"", false},
               {"%{s} lt \"n\"", true}, {"%{s} le \"m\"", true}, {"%{s} gt \"l\"", true}, {"%{s} ge \"n\"", false},
               {"%{s} =~ /m/", true},   {"%{s} !~ /m/", false}};
  for (const auto& c : cases) EXPECT_EQ(holds(c.text, v), c.expected) << c.text;
}

TEST(Expression, ModeDefaults) {
  const std::vector<std::string> services = {"state", "display"};
  ExpressionError error;
  Expression services_critical = Expression::parse("%{state} !~ /running/", services, &error);
  ASSERT_TRUE(error.message.empty()) << error.message;
  EXPECT_TRUE(services_critical.evaluate({{"state", "inactive"}, {"display", "xmpp"}}));
  EXPECT_FALSE(services_critical.evaluate({{"state", "running"}, {"display", "xmpp"}}));

  Expression licenses_critical =
      Expression::parse("%{upgrade_protection_status} =~ /expired/", {"upgrade_protection_status"}, &error);
  ASSERT_TRUE(error.message.empty()) << error.message;
  EXPECT_TRUE(licenses_critical.evaluate({{"upgrade_protection_status", "expired"}}));
  EXPECT_FALSE(licenses_critical.evaluate({{"upgrade_protection_status", "licensed"}}));
}

TEST(Expression, EmptyExpressionNeverHolds) {
  for (const char* text : {"", " ", "\t\n"}) {
    ExpressionError error;
    Expression expression = Expression::parse(text, {"state"}, &error);
    EXPECT_TRUE(error.message.empty()) << "an empty expression is not an error";
    EXPECT_TRUE(expression.empty());
    EXPECT_FALSE(expression.evaluate({{"state", "anything"}}));
  }
  Expression default_constructed;
  EXPECT_TRUE(default_constructed.empty());
  EXPECT_FALSE(default_constructed.evaluate({}));
}

TEST(Expression, ParsedOnceEvaluatedManyTimesAndMovable) {
  ExpressionError error;
  Expression e = Expression::parse("%{x} > 3", {}, &error);
  Expression moved = std::move(e);
  EXPECT_FALSE(moved.evaluate({{"x", "1"}}));
  EXPECT_TRUE(moved.evaluate({{"x", "4"}}));
  EXPECT_FALSE(moved.evaluate({{"x", "3"}}));
  Expression assigned;
  assigned = std::move(moved);
  EXPECT_TRUE(assigned.evaluate({{"x", "10"}}));
}

TEST(Expression, ErrorArgumentIsOptional) {
  Expression e = Expression::parse("%{x} ==", {}, nullptr);
  EXPECT_TRUE(e.empty());
}

// --- Errors ---------------------------------------------------------------------------------------

TEST(ExpressionErrors, UnknownVariableNamesTheKnownOnesAndItsPosition) {
  ExpressionError error = parse_error("%{state} eq \"x\" and %{stat} eq \"y\"", {"state", "display"});
  EXPECT_NE(error.message.find("unknown variable %{stat}"), std::string::npos) << error.message;
  EXPECT_NE(error.message.find("%{state}, %{display}"), std::string::npos) << error.message;
  EXPECT_EQ(error.position, 21u);  // the '%' of %{stat}
}

TEST(ExpressionErrors, AnyVariableIsAllowedWhenNoneAreDeclared) { EXPECT_TRUE(holds("%{whatever} eq \"\"")); }

struct ErrorCase {
  const char* text;
  std::size_t position;  // 1-based
  const char* message_part;
};

void PrintTo(const ErrorCase& c, std::ostream* os) { *os << "'" << c.text << "'"; }

class SyntaxErrors : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(SyntaxErrors, ReportsWhereAndWhat) {
  const ErrorCase& c = GetParam();
  ExpressionError error = parse_error(c.text);
  EXPECT_EQ(error.position, c.position) << "'" << c.text << "': " << error.message;
  EXPECT_NE(error.message.find(c.message_part), std::string::npos) << "'" << c.text << "': " << error.message;
}

INSTANTIATE_TEST_SUITE_P(
    Expression, SyntaxErrors,
    ::testing::Values(
        ErrorCase{"%{state} eq", 12, "unexpected end"},
        ErrorCase{"%{state} =~ running", 13, "expected a /regular expression/"},
        ErrorCase{"%{state} =~ /running", 13, "unterminated regular expression"},
        ErrorCase{"%{state} =~ /(run/", 13, "invalid regular expression"},
        ErrorCase{"%{state} =~ /run/q", 13, "modifier"}, ErrorCase{"(%{state} eq \"x\"", 17, "missing ')'"},
        ErrorCase{"%{state} eq \"x\")", 16, "unexpected ')'"},
        ErrorCase{"%{state eq \"x\"", 1, "unterminated %{variable}"},
        ErrorCase{"%{state} eq \"x", 13, "unterminated string"}, ErrorCase{"%{state} eq 'x", 13, "unterminated string"},
        ErrorCase{"%{a} == 1.2.3", 9, "invalid number '1.2.3'"}, ErrorCase{"%{a} == 12abc", 9, "invalid number"},
        ErrorCase{"%{a} == --1", 9, "invalid number"}, ErrorCase{"state eq \"x\"", 1, "expected a %{variable}"},
        ErrorCase{"$values->{state} eq \"x\"", 1, "expected a %{variable}"},
        ErrorCase{"%{a} = 1", 6, "unexpected '= 1'"}, ErrorCase{"%{a} == 1 == 1", 11, "unexpected '== 1'"},
        ErrorCase{"%{a} < 1 < 2", 10, "unexpected"}, ErrorCase{"%{a} && ", 9, "unexpected end"},
        ErrorCase{"and 1", 1, "expected"}, ErrorCase{"1 or", 5, "unexpected end"}, ErrorCase{"()", 2, "expected"},
        ErrorCase{"%{a} eq \"x\" %{b}", 13, "unexpected '%{b}'"}, ErrorCase{"system('id')", 1, "expected"}));

TEST(ExpressionErrors, TooLongIsRefused) {
  std::string text = "%{a} eq \"" + std::string(5000, 'x') + "\"";
  ExpressionError error = parse_error(text);
  EXPECT_NE(error.message.find("longer than 4096"), std::string::npos);
  EXPECT_EQ(error.position, 1u);
}

TEST(ExpressionErrors, DeepNestingFailsCleanly) {
  for (const std::string& open : {std::string("("), std::string("!"), std::string("not "), std::string("!(")}) {
    std::string text;
    for (int i = 0; i < 1000 && text.size() < 4000; ++i) text += open;
    text += "1";
    ExpressionError error = parse_error(text);
    EXPECT_NE(error.message.find("nested too deeply"), std::string::npos) << open << ": " << error.message;
  }
}

TEST(ExpressionErrors, ModerateNestingIsFine) {
  std::string text = std::string(50, '(') + "%{a} == 1" + std::string(50, ')');
  EXPECT_TRUE(holds(text, {{"a", "1"}}));
  EXPECT_TRUE(holds(std::string(60, '!') + "1"));
}

TEST(ExpressionErrors, LongFlatChainsEvaluate) {
  // A chain of 1000 '||' is flat for the parser (no nesting), within the 4096 characters.
  std::string text = "0";
  for (int i = 0; i < 1000; ++i) text += "||0";
  EXPECT_FALSE(holds(text));
  EXPECT_TRUE(holds(text + "||1"));
}

}  // namespace
}  // namespace check_mail::output
