// Nagios threshold ranges: parsing, alerting and perfdata rendering, checked against the table
// of the Nagios plugin guidelines and against what Centreon's Perl code does with the same input.
#include "check_mail/output/range.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <ostream>
#include <string>
#include <vector>

namespace check_mail::output {
namespace {

Range parsed(std::string_view text) {
  auto range = parse_range(text);
  EXPECT_TRUE(range.has_value()) << "'" << text << "' should be a valid range";
  return range.value_or(Range{});
}

// --- The guidelines table, with the boundaries (bounds are inclusive) -------------------------

struct AlertCase {
  const char* range;
  double value;
  bool alerts;
};

void PrintTo(const AlertCase& c, std::ostream* os) { *os << "'" << c.range << "' with " << c.value; }

class GuidelinesTable : public ::testing::TestWithParam<AlertCase> {};

TEST_P(GuidelinesTable, AlertsExactlyAsTheNagiosGuidelinesSay) {
  const AlertCase& c = GetParam();
  EXPECT_EQ(parsed(c.range).alerts(c.value), c.alerts) << "range '" << c.range << "' value " << c.value;
}

INSTANTIATE_TEST_SUITE_P(
    Ranges, GuidelinesTable,
    ::testing::Values(
        // "10": < 0 or > 10
        AlertCase{"10", -1, true}, AlertCase{"10", -0.001, true}, AlertCase{"10", 0, false}, AlertCase{"10", 5, false},
        AlertCase{"10", 10, false}, AlertCase{"10", 10.001, true}, AlertCase{"10", 11, true},
        // "10:": < 10
        AlertCase{"10:", 9, true}, AlertCase{"10:", 9.999, true}, AlertCase{"10:", 10, false},
        AlertCase{"10:", 1e12, false},
        // "~:10": > 10
        AlertCase{"~:10", -1e12, false}, AlertCase{"~:10", 10, false}, AlertCase{"~:10", 10.5, true},
        // "10:20": < 10 or > 20
        AlertCase{"10:20", 9, true}, AlertCase{"10:20", 10, false}, AlertCase{"10:20", 15, false},
        AlertCase{"10:20", 20, false}, AlertCase{"10:20", 21, true},
        // "@10:20": >= 10 and <= 20
        AlertCase{"@10:20", 9, false}, AlertCase{"@10:20", 10, true}, AlertCase{"@10:20", 15, true},
        AlertCase{"@10:20", 20, true}, AlertCase{"@10:20", 20.5, false},
        // '@' with an implied start, an open end, an infinite start
        AlertCase{"@10", -1, false}, AlertCase{"@10", 0, true}, AlertCase{"@10", 10, true},
        AlertCase{"@10", 10.5, false}, AlertCase{"@10:", 9, false}, AlertCase{"@10:", 10, true},
        AlertCase{"@~:0", -5, true}, AlertCase{"@~:0", 0, true}, AlertCase{"@~:0", 0.5, false},
        // negative bounds and signs
        AlertCase{"-10:-5", -11, true}, AlertCase{"-10:-5", -10, false}, AlertCase{"-10:-5", -5, false},
        AlertCase{"-10:-5", -4, true}, AlertCase{"+1:+2", 0.5, true}, AlertCase{"+1:+2", 1, false},
        AlertCase{"+1:+2", 2.5, true},
        // decimals with a point or a comma
        AlertCase{"0.5:1.5", 0.4, true}, AlertCase{"0.5:1.5", 0.5, false}, AlertCase{"0,5:1,5", 1.5, false},
        AlertCase{"0,5:1,5", 1.6, true},
        // units: B is 1024, b is 1000
        AlertCase{"2KB", 2048, false}, AlertCase{"2KB", 2049, true}, AlertCase{"1Mb", 1e6, false},
        AlertCase{"1Mb", 1e6 + 1, true}, AlertCase{"1GB", 1073741824.0, false}, AlertCase{"1GB", 1073741825.0, true},
        // "~:" and ":" and "@": the degenerate forms Centreon accepts
        AlertCase{"~:", -1e300, false}, AlertCase{"~:", 1e300, false}, AlertCase{":", -1, true},
        AlertCase{":", 0, false}, AlertCase{"@", -1, false}, AlertCase{"@", 0, true},
        // start above end: every value alerts (Centreon accepts it)
        AlertCase{"20:10", 15, true}, AlertCase{"20:10", 5, true}));

// --- Cross-check with Centreon's Perl -----------------------------------------------------------

// Generated with Centreon's centreon::plugins::misc::parse_threshold, perfdata::threshold_validate,
// get_perfdata_for_output and threshold_check (float precision 8, 2 and 0): for each range, the
// perfdata rendering and whether each of kValues alerts ('1') or not ('0').
const std::vector<double> kValues = {-1e9, -10,          -5,          -1,   -0.5, 0,  0.5,  1,    1.5,  5,  9.999999999,
                                     10,   10.000000001, 10.00000001, 10.5, 15,   20, 20.5, 1000, 2048, 1e6};

struct PerlCase {
  const char* range;
  int float_precision;
  const char* perfdata;
  const char* alerts;
};

void PrintTo(const PerlCase& c, std::ostream* os) { *os << "'" << c.range << "' at precision " << c.float_precision; }

class PerlParseThreshold : public ::testing::TestWithParam<PerlCase> {};

TEST_P(PerlParseThreshold, SameRenderingAndSameAlertsAsCentreon) {
  const PerlCase& c = GetParam();
  Range range = parsed(c.range);
  EXPECT_EQ(range.to_perfdata(), c.perfdata) << "range '" << c.range << "'";
  std::string alerts;
  for (double value : kValues) alerts += range.alerts(value, c.float_precision) ? '1' : '0';
  EXPECT_EQ(alerts, c.alerts) << "range '" << c.range << "' at float precision " << c.float_precision;
}

INSTANTIATE_TEST_SUITE_P(
    Centreon, PerlParseThreshold,
    ::testing::Values(
        PerlCase{"10", 8, "0:10", "111110000000011111111"}, PerlCase{"10:", 8, "10:", "111111111100000000000"},
        PerlCase{"~:10", 8, "~:10", "000000000000011111111"}, PerlCase{"10:20", 8, "10:20", "111111111100000001111"},
        PerlCase{"@10:20", 8, "@10:20", "000000000011111110000"}, PerlCase{"@10", 8, "@0:10", "000001111111100000000"},
        PerlCase{"@", 8, "@0:", "000001111111111111111"}, PerlCase{"~:", 8, "~:", "000000000000000000000"},
        PerlCase{":", 8, "0:", "111110000000000000000"}, PerlCase{"1,5", 8, "0:1.5", "111110000111111111111"},
        PerlCase{"-5:-1", 8, "-5:-1", "110011111111111111111"}, PerlCase{"+5:+10", 8, "5:10", "111111111000011111111"},
        PerlCase{"2KB", 8, "0:2048", "111110000000000000001"},
        PerlCase{"1Kb:1Mb", 8, "1000:1000000", "111111111111111111000"},
        PerlCase{"1.5KB", 8, "0:1536", "111110000000000000011"},
        PerlCase{"10.50", 8, "0:10.50", "111110000000000111111"},
        PerlCase{"0010", 8, "0:0010", "111110000000011111111"},
        PerlCase{"  10:20  ", 8, "10:20", "111111111100000001111"},
        PerlCase{"10:5", 8, "10:5", "111111111111111111111"}, PerlCase{"@~:0", 8, "@~:0", "111111000000000000000"},
        PerlCase{"-0.5:0.5", 8, "-0.5:0.5", "111100011111111111111"},
        PerlCase{"@-0.5:0,5", 8, "@-0.5:0.5", "000011100000000000000"},
        PerlCase{"10.123456", 8, "0:10.123456", "111110000000001111111"},
        PerlCase{"1.1KB", 8, "0:1126.4", "111110000000000000011"},
        PerlCase{"\t@1:2\t", 8, "@1:2", "000000011000000000000"}, PerlCase{"10", 2, "0:10", "111110000000001111111"},
        PerlCase{"10:", 2, "10:", "111111111100000000000"}, PerlCase{"~:10", 2, "~:10", "000000000000001111111"},
        PerlCase{"10:20", 2, "10:20", "111111111100000001111"},
        PerlCase{"@10:20", 2, "@10:20", "000000000011111110000"}, PerlCase{"@10", 2, "@0:10", "000001111111110000000"},
        PerlCase{"@", 2, "@0:", "000001111111111111111"}, PerlCase{"~:", 2, "~:", "000000000000000000000"},
        PerlCase{":", 2, "0:", "111110000000000000000"}, PerlCase{"1,5", 2, "0:1.5", "111110000111111111111"},
        PerlCase{"-5:-1", 2, "-5:-1", "110011111111111111111"}, PerlCase{"+5:+10", 2, "5:10", "111111111000001111111"},
        PerlCase{"2KB", 2, "0:2048", "111110000000000000001"},
        PerlCase{"1Kb:1Mb", 2, "1000:1000000", "111111111111111111000"},
        PerlCase{"1.5KB", 2, "0:1536", "111110000000000000011"},
        PerlCase{"10.50", 2, "0:10.50", "111110000000000111111"},
        PerlCase{"0010", 2, "0:0010", "111110000000001111111"},
        PerlCase{"  10:20  ", 2, "10:20", "111111111100000001111"},
        PerlCase{"10:5", 2, "10:5", "111111111111111111111"}, PerlCase{"@~:0", 2, "@~:0", "111111000000000000000"},
        PerlCase{"-0.5:0.5", 2, "-0.5:0.5", "111100011111111111111"},
        PerlCase{"@-0.5:0,5", 2, "@-0.5:0.5", "000011100000000000000"},
        PerlCase{"10.123456", 2, "0:10.123456", "111110000000001111111"},
        PerlCase{"1.1KB", 2, "0:1126.4", "111110000000000000011"},
        PerlCase{"\t@1:2\t", 2, "@1:2", "000000011000000000000"}, PerlCase{"10", 0, "0:10", "111100000000000111111"},
        PerlCase{"10:", 0, "10:", "111111111100000000000"}, PerlCase{"~:10", 0, "~:10", "000000000000000111111"},
        PerlCase{"10:20", 0, "10:20", "111111111100000000111"},
        PerlCase{"@10:20", 0, "@10:20", "000000000011111111000"}, PerlCase{"@10", 0, "@0:10", "000011111111111000000"},
        PerlCase{"@", 0, "@0:", "000011111111111111111"}, PerlCase{"~:", 0, "~:", "000000000000000000000"},
        PerlCase{":", 0, "0:", "111100000000000000000"}, PerlCase{"1,5", 0, "0:1.5", "111100000111111111111"},
        PerlCase{"-5:-1", 0, "-5:-1", "110011111111111111111"}, PerlCase{"+5:+10", 0, "5:10", "111111111000000111111"},
        PerlCase{"2KB", 0, "0:2048", "111100000000000000001"},
        PerlCase{"1Kb:1Mb", 0, "1000:1000000", "111111111111111111000"},
        PerlCase{"1.5KB", 0, "0:1536", "111100000000000000011"},
        PerlCase{"10.50", 0, "0:10.50", "111100000000000111111"},
        PerlCase{"0010", 0, "0:0010", "111100000000000111111"},
        PerlCase{"  10:20  ", 0, "10:20", "111111111100000000111"},
        PerlCase{"10:5", 0, "10:5", "111111111111111111111"}, PerlCase{"@~:0", 0, "@~:0", "111111100000000000000"},
        PerlCase{"-0.5:0.5", 0, "-0.5:0.5", "111100011111111111111"},
        PerlCase{"@-0.5:0,5", 0, "@-0.5:0.5", "000011100000000000000"},
        PerlCase{"10.123456", 0, "0:10.123456", "111100000000000111111"},
        PerlCase{"1.1KB", 0, "0:1126.4", "111100000000000000011"},
        PerlCase{"\t@1:2\t", 0, "@1:2", "000000011000000000000"}));

// --- Rendering in perfdata ----------------------------------------------------------------------

struct RenderCase {
  const char* range;
  const char* perfdata;
};

void PrintTo(const RenderCase& c, std::ostream* os) { *os << "'" << c.range << "'"; }

class PerfdataRendering : public ::testing::TestWithParam<RenderCase> {};

TEST_P(PerfdataRendering, RendersStartColonEnd) {
  EXPECT_EQ(parsed(GetParam().range).to_perfdata(), GetParam().perfdata) << "range '" << GetParam().range << "'";
}

INSTANTIATE_TEST_SUITE_P(
    Ranges, PerfdataRendering,
    ::testing::Values(RenderCase{"10", "0:10"}, RenderCase{"10:", "10:"}, RenderCase{"~:10", "~:10"},
                      RenderCase{"10:20", "10:20"}, RenderCase{"@10:20", "@10:20"}, RenderCase{"@1:2", "@1:2"},
                      RenderCase{"@10", "@0:10"}, RenderCase{"~:", "~:"}, RenderCase{":", "0:"}, RenderCase{"@", "@0:"},
                      // decimals are kept as written, a comma becomes a point
                      RenderCase{"10.50", "0:10.50"}, RenderCase{"0.0:1.000", "0.0:1.000"},
                      RenderCase{"1,25:2,5", "1.25:2.5"}, RenderCase{"0010", "0:0010"}, RenderCase{"-0:5", "-0:5"},
                      // '+' is dropped, '-' kept
                      RenderCase{"+5:+10", "5:10"}, RenderCase{"-10:-5", "-10:-5"},
                      RenderCase{"@-1.5:+2,5", "@-1.5:2.5"},
                      // surrounding blanks are trimmed
                      RenderCase{"  10:20  ", "10:20"}, RenderCase{"\t@5\t", "@0:5"}, RenderCase{"\n10\n", "0:10"}));

// Unit-scaled bounds are rendered as Perl prints the product: integer arithmetic printed in full
// while it fits 64 bits, floating point (15 significant digits) otherwise. Expected values printed by
// Centreon's parse_threshold + get_threshold_litteral.
INSTANTIATE_TEST_SUITE_P(
    Units, PerfdataRendering,
    ::testing::Values(RenderCase{"2KB", "0:2048"}, RenderCase{"1Kb:1Mb", "1000:1000000"}, RenderCase{"1.5KB", "0:1536"},
                      RenderCase{"1.1KB", "0:1126.4"}, RenderCase{"1.25KB", "0:1280"}, RenderCase{"3MB", "0:3145728"},
                      RenderCase{"1GB", "0:1073741824"}, RenderCase{"1TB", "0:1099511627776"},
                      RenderCase{"1.5Tb", "0:1500000000000"}, RenderCase{"1PB", "0:1125899906842624"},
                      RenderCase{"1Pb", "0:1000000000000000"}, RenderCase{"1000TB", "0:1099511627776000"},
                      RenderCase{"999Pb", "0:999000000000000000"}, RenderCase{"8191PB", "0:9222246136947933184"},
                      RenderCase{"8192PB", "0:9223372036854775808"}, RenderCase{"9000PB", "0:10133099161583616000"},
                      RenderCase{"10000Pb", "0:10000000000000000000"}, RenderCase{"20000Pb", "0:2e+19"},
                      RenderCase{"-1PB", "0:-1125899906842624"}, RenderCase{"-8192PB", "0:-9223372036854775808"},
                      RenderCase{"-9000PB", "0:-1.01330991615836e+19"}, RenderCase{"1EB", "0:1.15292150460685e+18"},
                      RenderCase{"1Eb", "0:1000000000000000000"}, RenderCase{"2Eb", "0:2000000000000000000"},
                      RenderCase{"1.5PB", "0:1.68884986026394e+15"}, RenderCase{"0.5EB", "0:5.76460752303423e+17"},
                      RenderCase{"0001PB", "0:1125899906842624"},
                      RenderCase{"1PB:2PB", "1125899906842624:2251799813685248"}));

TEST(Range, DecimalCommaWithUnitUsesTheDecimalValue) {
  // Deliberate difference: Perl numifies "1,5" to 1 before scaling ("0:1024", with a warning).
  Range range = parsed("1,5KB");
  EXPECT_EQ(range.to_perfdata(), "0:1536");
  EXPECT_FALSE(range.alerts(1536));
  EXPECT_TRUE(range.alerts(1537));
}

TEST(Range, ParsedFields) {
  Range r = parsed("@-1.5:2,5");
  EXPECT_TRUE(r.inside);
  EXPECT_FALSE(r.start_infinite);
  EXPECT_FALSE(r.end_infinite);
  EXPECT_DOUBLE_EQ(r.start, -1.5);
  EXPECT_DOUBLE_EQ(r.end, 2.5);
  EXPECT_EQ(r.start_text, "-1.5");
  EXPECT_EQ(r.end_text, "2.5");

  Range open = parsed("~:");
  EXPECT_TRUE(open.start_infinite);
  EXPECT_TRUE(open.end_infinite);
  EXPECT_FALSE(open.inside);

  Range implied = parsed("10");
  EXPECT_DOUBLE_EQ(implied.start, 0);
  EXPECT_EQ(implied.start_text, "0");
  EXPECT_DOUBLE_EQ(implied.end, 10);
}

// --- Invalid ranges -----------------------------------------------------------------------------

class InvalidRange : public ::testing::TestWithParam<const char*> {};

TEST_P(InvalidRange, IsRejected) { EXPECT_FALSE(parse_range(GetParam()).has_value()) << "'" << GetParam() << "'"; }

// Every one of these is also refused by Centreon's parse_threshold.
INSTANTIATE_TEST_SUITE_P(Ranges, InvalidRange,
                         ::testing::Values("abc", "10:20:30", "1.", "--5", "1e3", "~", "@@1", ".5", "kB", "1kB",
                                           "10 :20", "10: 20", "1,", "1.2.3", "1K", "+-1", "@ 10", "10@", "~10", "~:~",
                                           "10:~", "0x10", "inf", "nan", "1_000", "5%", "1B", "1KBB", "1.5.KB", "10;20",
                                           "\xff"));

TEST(Range, EmbeddedNulIsRejected) {
  EXPECT_FALSE(parse_range(std::string_view("1\0"
                                            "2",
                                            3))
                   .has_value());
}

TEST(Range, EmptyTextIsAnOpenRangeCallersMustTreatAsNoThreshold) {
  // Perl's regex matches the empty string too; callers check for "" before parsing.
  auto range = parse_range("");
  ASSERT_TRUE(range.has_value());
  EXPECT_TRUE(range->end_infinite);
}

// --- Float precision ----------------------------------------------------------------------------

TEST(RangeFloatPrecision, ValuesAreRoundedAtTheRequestedDigitsBeforeComparing) {
  Range ten = parsed("10");
  // 10.000000001 is 10.00000000 at 8 digits (as Perl's sprintf("%.8f")): not above 10.
  EXPECT_FALSE(ten.alerts(10.000000001, 8));
  EXPECT_TRUE(ten.alerts(10.000000001, 9));
  EXPECT_TRUE(ten.alerts(10.00000001, 8));
  EXPECT_FALSE(ten.alerts(9.999999999, 8));
  // At 0 digits, 10.4 is 10 and 10.6 is 11.
  EXPECT_FALSE(ten.alerts(10.4, 0));
  EXPECT_TRUE(ten.alerts(10.6, 0));
}

TEST(RangeFloatPrecision, DecimalBoundsAreRoundedToo) {
  Range r = parsed("10.123456");
  EXPECT_FALSE(r.alerts(10.12, 2));  // the bound is 10.12 at 2 digits
  EXPECT_TRUE(r.alerts(10.13, 2));
  EXPECT_TRUE(r.alerts(10.124, 4));  // 10.1240 > 10.1235
  EXPECT_FALSE(r.alerts(10.123456, 8));
  EXPECT_EQ(r.to_perfdata(), "0:10.123456");  // the rendering keeps every digit written
}

TEST(RangeFloatPrecision, BinaryFractionsDoNotAlertSpuriously) {
  // 0.1 + 0.2 is 0.30000000000000004 in binary: still "0.3" at any sensible precision.
  EXPECT_FALSE(parsed("0.3").alerts(0.1 + 0.2));
  EXPECT_TRUE(parsed("@0.3:0.3").alerts(0.1 + 0.2));
  EXPECT_FALSE(parsed("0.3:").alerts(0.1 + 0.2));
  EXPECT_TRUE(parsed("0.3:").alerts(0.29999999));
}

TEST(RangeFloatPrecision, HugeIntegersAreComparedExactly) {
  Range r = parsed("9007199254740992");  // 2^53
  EXPECT_FALSE(r.alerts(9007199254740992.0));
  EXPECT_TRUE(r.alerts(9007199254740994.0));
  EXPECT_TRUE(parsed("10").alerts(1e300));
  EXPECT_FALSE(parsed("~:").alerts(-1e300));
}

}  // namespace
}  // namespace check_mail::output
