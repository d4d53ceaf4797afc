// The string helpers every layer shares.
#include "check_mail/util/strings.hpp"

#include <gtest/gtest.h>

#include <climits>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace check_mail::util {
namespace {

TEST(Strings, Trim) {
  EXPECT_EQ(trim("  a b \t\r\n"), "a b");
  EXPECT_EQ(trim(""), "");
  EXPECT_EQ(trim(" \t\r\n"), "");
  EXPECT_EQ(trim("x"), "x");
  EXPECT_EQ(trim("\va\v"), "\va\v") << "only blanks, tabs and line ends";
  EXPECT_EQ(trim_right("  a  \t"), "  a");
  EXPECT_EQ(trim_right("a\n"), "a\n") << "trim_right keeps line ends";
  EXPECT_EQ(trim_right("   "), "");
  EXPECT_EQ(trim_right(""), "");
}

TEST(Strings, CaseHelpersAreAsciiOnly) {
  EXPECT_EQ(to_lower("CRITICAL Ok-123"), "critical ok-123");
  EXPECT_EQ(to_lower("ÉTAT"), "État") << "bytes beyond ASCII are left alone";
  EXPECT_TRUE(iequals("Warning", "wARNING"));
  EXPECT_TRUE(iequals("", ""));
  EXPECT_FALSE(iequals("ok", "okay"));
  EXPECT_FALSE(iequals("ok", "0k"));
  EXPECT_FALSE(iequals("[", "{")) << "no bit tricks beyond letters";
}

TEST(Strings, Split) {
  EXPECT_EQ(split("a~b~c", '~'), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(split("", '~'), (std::vector<std::string>{""}));
  EXPECT_EQ(split("~", '~'), (std::vector<std::string>{"", ""}));
  EXPECT_EQ(split("a~~", '~'), (std::vector<std::string>{"a", "", ""})) << "empty fields are kept";
  EXPECT_EQ(split("~a", '~'), (std::vector<std::string>{"", "a"}));
  EXPECT_EQ(split("abc", '~'), (std::vector<std::string>{"abc"}));
  EXPECT_EQ(split(std::string_view("a\0b", 3), '\0'), (std::vector<std::string>{"a", "b"}));
}

TEST(Strings, Join) {
  EXPECT_EQ(join({"a", "b", "c"}, " - "), "a - b - c");
  EXPECT_EQ(join({}, " - "), "");
  EXPECT_EQ(join({"only"}, ", "), "only");
  EXPECT_EQ(join({"", ""}, ","), ",");
  std::vector<std::string> parts = {"x", "", "y~z"};
  EXPECT_EQ(split(join(parts, "~"), '~'), (std::vector<std::string>{"x", "", "y", "z"}));
}

TEST(Strings, ReplaceAll) {
  EXPECT_EQ(replace_all("it's a 'test'", "'", "''"), "it''s a ''test''");
  EXPECT_EQ(replace_all("aaa", "a", "aa"), "aaaaaa") << "replacements are not rescanned";
  EXPECT_EQ(replace_all("a.b.c", ".", ""), "abc");
  EXPECT_EQ(replace_all("abc", "", "x"), "abc");
  EXPECT_EQ(replace_all("", "a", "b"), "");
  EXPECT_EQ(replace_all("%%d%%", "%%", "%"), "%d%");
}

// --- Numbers -------------------------------------------------------------------------------------

TEST(ParseNumber, Accepts) {
  struct {
    const char* text;
    double value;
  } cases[] = {{"12", 12},
               {"-3.5", -3.5},
               {"+5", 5},
               {"0", 0},
               {"1e3", 1000},
               {"1E-2", 0.01},
               {"2.5e+2", 250},
               {".5", 0.5},
               {"5.", 5},
               {"-0", 0},
               {"007", 7},
               {"1e308", 1e308},
               {"9007199254740993", 9007199254740992.0}};
  for (const auto& c : cases) {
    auto value = parse_number(c.text);
    ASSERT_TRUE(value.has_value()) << c.text;
    EXPECT_DOUBLE_EQ(*value, c.value) << c.text;
  }
  EXPECT_EQ(parse_number(std::string(64, '1')).has_value(), true) << "64 characters is the limit";
}

TEST(ParseNumber, Rejects) {
  for (const char* text :
       {"",  " ", " 1", "1 ",  "1,5", "0x10", "0X1p3", "inf",    "-inf",  "nan",   "NaN",   "Infinity", "1e",  "e3",
        "-", "+", ".",  "--1", "+-1", "1-1",  "1e400", "-1e400", "1.2.3", "1_000", "12abc", "١٢",       "\t1", "1\n"})
    EXPECT_FALSE(parse_number(text).has_value()) << "'" << text << "'";
  EXPECT_FALSE(parse_number(std::string(65, '1')).has_value());
  EXPECT_FALSE(parse_number(std::string_view("1\0"
                                             "2",
                                             3))
                   .has_value());
}

TEST(ParseInteger, WithinBounds) {
  EXPECT_EQ(parse_integer("0", 0, 20), 0);
  EXPECT_EQ(parse_integer("20", 0, 20), 20);
  EXPECT_EQ(parse_integer("-5", -10, 10), -5);
  EXPECT_EQ(parse_integer("+5", 0, 10), 5);
  EXPECT_EQ(parse_integer("00443", 1, 65535), 443);
  EXPECT_EQ(parse_integer("9223372036854775807", LLONG_MIN, LLONG_MAX), LLONG_MAX);
  EXPECT_EQ(parse_integer("-9223372036854775808", LLONG_MIN, LLONG_MAX), LLONG_MIN);
}

TEST(ParseInteger, Rejects) {
  EXPECT_FALSE(parse_integer("21", 0, 20));
  EXPECT_FALSE(parse_integer("-1", 0, 20));
  EXPECT_FALSE(parse_integer("0", 1, 65535));
  EXPECT_FALSE(parse_integer("65536", 1, 65535));
  EXPECT_FALSE(parse_integer("9223372036854775808", LLONG_MIN, LLONG_MAX)) << "overflow";
  EXPECT_FALSE(parse_integer("-9223372036854775809", LLONG_MIN, LLONG_MAX));
  EXPECT_FALSE(parse_integer("123456789012345678901", LLONG_MIN, LLONG_MAX)) << "longer than 20 characters";
  for (const char* text : {"", "1.0", "1e3", "0x10", "abc", "12abc", "1 ", " 1", "\t1", "\n1", "- 1", "--1", "+", "-"})
    EXPECT_FALSE(parse_integer(text, LLONG_MIN, LLONG_MAX).has_value()) << "'" << text << "'";
}

TEST(ParseDigits, DigitsOnlyUpToNineteen) {
  EXPECT_EQ(parse_digits("0"), 0u);
  EXPECT_EQ(parse_digits("007"), 7u);
  EXPECT_EQ(parse_digits("9999999999999999999"), 9999999999999999999ULL) << "19 digits, above LLONG_MAX";
  EXPECT_FALSE(parse_digits("12345678901234567890")) << "20 digits";
  for (const char* text : {"", "+1", "-1", " 1", "1 ", "1.0", "0x1", "1e3", "١"})
    EXPECT_FALSE(parse_digits(text).has_value()) << "'" << text << "'";
}

TEST(FormatNumber, LikePerlPrintsAScalar) {
  struct {
    double value;
    const char* text;
  } cases[] = {{0, "0"},
               {-0.0, "0"},  // Perl prints -0.0 as 0
               {6, "6"},
               {-5, "-5"},
               {1.5, "1.5"},
               {0.1, "0.1"},
               {0.1 + 0.2, "0.3"},
               {1.0 / 3, "0.333333333333333"},
               {1e-5, "1e-05"},
               {100 * 1.1, "110"},
               {123456789012345.0, "123456789012345"},
               {999999999999999.0, "999999999999999"},
               {1e15, "1e+15"},
               {9007199254740992.0, "9.00719925474099e+15"},
               {1.5e300, "1.5e+300"},
               {-2.5, "-2.5"},
               {2048, "2048"},
               {1126.4, "1126.4"}};
  for (const auto& c : cases) EXPECT_EQ(format_number(c.value), c.text) << c.text;
  EXPECT_EQ(format_number(std::numeric_limits<double>::infinity()), "Inf");
  EXPECT_EQ(format_number(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(format_number(std::nan("")), "NaN");
}

TEST(Format, Printf) {
  EXPECT_EQ(format("%d messages", 31), "31 messages");
  EXPECT_EQ(format("%s=%.2f", "x", 1.005), "x=1.00");
  EXPECT_EQ(format("%s", ""), "");
  EXPECT_EQ(format("%08x", 0xbeefu), "0000beef");
  std::string long_text(10000, 'z');
  EXPECT_EQ(format("[%s]", long_text.c_str()), "[" + long_text + "]");
}

// --- Status-line safety ----------------------------------------------------------------------------

TEST(SanitizeLine, ControlsBecomeSpaces) {
  EXPECT_EQ(sanitize_line("a\r\nb\tc\x01"
                          "d\x7f"
                          "e"),
            "a  b c d e");
  EXPECT_EQ(sanitize_line(std::string_view("nul\0byte", 8)), "nul byte");
  EXPECT_EQ(sanitize_line("café ü"), "café ü") << "UTF-8 is kept";
  EXPECT_EQ(sanitize_line(""), "");
}

TEST(SanitizeLine, CutsAtMaxLength) {
  EXPECT_EQ(sanitize_line("abcdef", 3), "abc...");
  EXPECT_EQ(sanitize_line("abc", 3), "abc") << "exactly the limit is not cut";
  EXPECT_EQ(sanitize_line("abcd", 0), "...");
  std::string long_text(500, 'x');
  EXPECT_EQ(sanitize_line(long_text), std::string(200, 'x') + "...") << "200 bytes by default";
}

TEST(SanitizeLine, NeverCutsAUtf8CharacterInTwo) {
  EXPECT_EQ(sanitize_line("aé", 2), "a...");    // é is 2 bytes: C3 A9
  EXPECT_EQ(sanitize_line("aéb", 3), "aé...");  // cut after the whole character
  EXPECT_EQ(sanitize_line("a€", 2), "a...");    // € is 3 bytes: E2 82 AC
  EXPECT_EQ(sanitize_line("a€", 3), "a...");
  EXPECT_EQ(sanitize_line("a€b", 4), "a€...");
  EXPECT_EQ(sanitize_line("😀😀", 5), "😀...");  // 4 bytes each
  EXPECT_EQ(sanitize_line("\xff\xfe\xfd", 1), "\xff...") << "invalid bytes are cut as bytes";
}

}  // namespace
}  // namespace check_mail::util
