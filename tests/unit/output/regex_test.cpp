// The PCRE2 wrapper used by filters, status expressions and --change-short-output.
#include "check_mail/output/regex.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace check_mail::output {
namespace {

Regex compiled(std::string_view pattern, std::string_view flags = "") {
  Regex::Error error;
  Regex regex = Regex::compile(pattern, flags, &error);
  EXPECT_TRUE(regex.valid()) << "'" << pattern << "': " << error.message;
  return regex;
}

TEST(Regex, SearchIsUnanchoredLikePerl) {
  Regex re = compiled("run");
  EXPECT_TRUE(re.search("running"));
  EXPECT_TRUE(re.search("not running"));
  EXPECT_FALSE(re.search("stopped"));
  EXPECT_FALSE(re.search(""));
  EXPECT_TRUE(compiled("^$").search(""));
  EXPECT_TRUE(compiled("").search("anything"));
}

TEST(Regex, PerlSyntax) {
  EXPECT_TRUE(compiled("^(default|waiting)$").search("waiting"));
  EXPECT_FALSE(compiled("^(default|waiting)$").search("waiting2"));
  EXPECT_TRUE(compiled("\\d{3}\\s+\\w+").search("err 500  Internal"));
  EXPECT_TRUE(compiled("(?<code>\\d+)").search("x1"));
  EXPECT_TRUE(compiled("a(?=b)").search("ab"));
  EXPECT_FALSE(compiled("a(?!b)").search("ab"));
  EXPECT_TRUE(compiled("^throttled").search("throttledUsers"));
}

TEST(Regex, Flags) {
  EXPECT_FALSE(compiled("SPOOL").search("spool"));
  EXPECT_TRUE(compiled("SPOOL", "i").search("spool"));
  EXPECT_FALSE(compiled("^b").search("a\nb"));
  EXPECT_TRUE(compiled("^b", "m").search("a\nb"));
  EXPECT_FALSE(compiled("a.b").search("a\nb"));
  EXPECT_TRUE(compiled("a.b", "s").search("a\nb"));
  EXPECT_TRUE(compiled("a b # comment", "x").search("ab"));
  EXPECT_TRUE(compiled("^A.B$", "ims").search("x\na\nb"));
}

TEST(Regex, UnknownFlagIsAnError) {
  Regex::Error error;
  Regex regex = Regex::compile("a", "g", &error);
  EXPECT_FALSE(regex.valid());
  EXPECT_NE(error.message.find("unknown regular expression modifier 'g'"), std::string::npos) << error.message;
  EXPECT_FALSE(regex.search("a")) << "an invalid regex matches nothing";
  EXPECT_FALSE(regex.substitute("a", "b", false).has_value());
}

TEST(Regex, InvalidPatternReportsMessageAndOffset) {
  struct {
    const char* pattern;
    std::size_t offset;
  } cases[] = {{"(abc", 4}, {"abc)", 3}, {"a[b", 3}, {"*a", 0}, {"a{2,1}", 5}, {"(?<n>a)(?<n>b)", 12}};
  for (const auto& c : cases) {
    Regex::Error error;
    Regex regex = Regex::compile(c.pattern, "", &error);
    EXPECT_FALSE(regex.valid()) << c.pattern;
    EXPECT_FALSE(error.message.empty()) << c.pattern;
    EXPECT_EQ(error.offset, c.offset) << c.pattern << ": " << error.message;
  }
}

TEST(Regex, TryCompile) {
  EXPECT_TRUE(Regex::try_compile("a+").has_value());
  Regex::Error error;
  EXPECT_FALSE(Regex::try_compile("a(", "", &error).has_value());
  EXPECT_EQ(error.message, "missing closing parenthesis");
  EXPECT_FALSE(Regex::try_compile("(").has_value()) << "no error pointer is fine";
  EXPECT_TRUE(Regex::try_compile("A", "i")->search("a"));
}

TEST(Regex, PatternWithNulByte) {
  Regex re = compiled(std::string_view("a\0b", 3));
  EXPECT_TRUE(re.search(std::string_view("xa\0by", 5)));
  EXPECT_FALSE(re.search("ab"));
}

TEST(Regex, MovesKeepTheCompiledPattern) {
  Regex a = compiled("x");
  Regex b = std::move(a);
  EXPECT_TRUE(b.valid());
  EXPECT_TRUE(b.search("x"));
  Regex c = compiled("y");
  c = std::move(b);
  EXPECT_TRUE(c.search("x"));
  EXPECT_FALSE(c.search("y"));
  Regex& same = c;      // through a reference: the self-move is the point, not a slip to warn about
  c = std::move(same);  // self-move leaves it usable
  EXPECT_TRUE(c.valid());
}

// --- Substitution ---------------------------------------------------------------------------------

TEST(RegexSubstitute, FirstMatchOnlyUnlessGlobal) {
  Regex re = compiled("messages");
  EXPECT_EQ(re.substitute("a messages b messages", "msgs", false), "a msgs b messages");
  EXPECT_EQ(re.substitute("a messages b messages", "msgs", true), "a msgs b msgs");
  EXPECT_EQ(re.substitute("nothing here", "msgs", true), "nothing here");
  EXPECT_EQ(re.substitute("", "msgs", true), "");
}

TEST(RegexSubstitute, GroupReferences) {
  Regex re = compiled("(\\w+)=(\\d+)");
  EXPECT_EQ(re.substitute("a=1 b=2", "$2:$1", false), "1:a b=2");
  EXPECT_EQ(re.substitute("a=1 b=2", "$2:$1", true), "1:a 2:b");
  EXPECT_EQ(re.substitute("a=1", "${1}x", false), "ax");
  EXPECT_EQ(re.substitute("a=1", "[$0]", false), "[a=1]");
  EXPECT_EQ(compiled("(?<k>\\w+)=").substitute("key=v", "${k}:", false), "key:v");
}

TEST(RegexSubstitute, UnsetAndUnknownGroupsAreEmpty) {
  Regex re = compiled("(a)|(b)");
  EXPECT_EQ(re.substitute("b", "[$1]", false), "[]");
  EXPECT_EQ(re.substitute("a", "[$9]", false), "[]");
}

TEST(RegexSubstitute, InvalidReplacementIsNullopt) {
  Regex re = compiled("a");
  EXPECT_FALSE(re.substitute("a", "${1", false).has_value());
  EXPECT_EQ(re.substitute("a", "$$", false), "$");
}

TEST(RegexSubstitute, ResultLongerThanTheFirstGuessGrows) {
  Regex re = compiled("x");
  std::string subject(1000, 'x');
  std::string replacement(100, 'y');
  auto out = re.substitute(subject, replacement, true);
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out->size(), 100000u);
  EXPECT_EQ(out->find_first_not_of('y'), std::string::npos);
}

TEST(RegexSubstitute, CaseInsensitiveAndEmptyMatches) {
  EXPECT_EQ(compiled("OK", "i").substitute("ok: all fine", "Good", false), "Good: all fine");
  EXPECT_EQ(compiled("^").substitute("line", "> ", true), "> line");
  EXPECT_EQ(compiled("x*").substitute("ab", "-", true), "-a-b-");
}

// --- Hostile input ----------------------------------------------------------------------------------

TEST(RegexHostile, InvalidUtf8SubjectsDoNotCrash) {
  Regex re = compiled("b.d");
  std::string subject =
      "a\xff\xfe b\xc3\x28"
      "d \xe2\x82 bcd \xf0\x28\x8c\x28";
  EXPECT_TRUE(re.search(subject));  // "bcd" is still found among the bad bytes
  EXPECT_FALSE(compiled("zzz").search(subject));
  // Invalid bytes are not characters (PCRE2_MATCH_INVALID_UTF): nothing matches them.
  EXPECT_FALSE(compiled(".").search("\xff"));
  EXPECT_TRUE(compiled("^a").search("a\xff"));
  auto out = compiled("\\w+").substitute(subject, "W", true);
  ASSERT_TRUE(out.has_value());
  EXPECT_NE(out->find("\xff"), std::string::npos) << "bad bytes are kept as they are";
}

TEST(RegexHostile, Utf8PatternsMatchCharacters) {
  EXPECT_TRUE(compiled("^caf.$").search("café"));
  EXPECT_TRUE(compiled("CAFÉ", "i").search("café"));
}

TEST(RegexHostile, InvalidUtf8PatternIsAnError) {
  Regex::Error error;
  EXPECT_FALSE(Regex::compile("a\xff", "", &error).valid());
  EXPECT_FALSE(error.message.empty());
}

TEST(RegexHostile, CatastrophicBacktrackingIsBounded) {
  Regex re = compiled("^(a+)+$");
  std::string subject(40, 'a');
  subject += 'b';
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(re.search(subject));  // gives up at the match limit: "no match"
  EXPECT_FALSE(re.substitute(subject, "x", false).has_value());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

TEST(RegexHostile, LongSubjectsAreFine) {
  std::string subject(1 << 20, 'a');
  subject += "needle";
  EXPECT_TRUE(compiled("needle$").search(subject));
}

}  // namespace
}  // namespace check_mail::output
