// Centreon's perfdata rewriting options (--change-perfdata, --extend-perfdata,
// --extend-perfdata-group, --explode-perfdata-max) and math().
#include "check_mail/output/perfdata_rewrite.hpp"

#include <gtest/gtest.h>

namespace check_mail::output {
namespace {

Perfdata perf(std::string label, std::string value, std::string max = "", std::string warning = "") {
  Perfdata p;
  p.label = std::move(label);
  p.value = std::move(value);
  p.min = "0";
  p.max = std::move(max);
  p.warning = std::move(warning);
  return p;
}

std::vector<Perfdata> apply(PerfdataRewrite::Kind kind, const std::string& value, std::vector<Perfdata> data) {
  PerfdataRewrite rewrite;
  std::vector<std::string> notes;
  EXPECT_FALSE(rewrite.add(kind, value, notes));
  rewrite.apply(data);
  return data;
}

TEST(PerfdataRewrite, ChangeRenamesWithGroups) {
  auto out = apply(PerfdataRewrite::Kind::Change, "(default)#(.*),$1_x", {perf("default#spool", "6")});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].label, "default_x");
}

TEST(PerfdataRewrite, ExtendAddsAndSetsBounds) {
  auto out = apply(PerfdataRewrite::Kind::Extend, "default,copy,,B,0,100,10,80%", {perf("default", "6")});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].render(), "'copy'=6B;10;80;0;100");
}

TEST(PerfdataRewrite, PercentAndInvertNeedAMax) {
  auto none = apply(PerfdataRewrite::Kind::Change, "a,,percent()", {perf("a", "5")});
  EXPECT_EQ(none[0].value, "5");
  auto percent = apply(PerfdataRewrite::Kind::Change, "a,,percent()", {perf("a", "5", "20", "10")});
  EXPECT_EQ(percent[0].render(), "'a'=25.00%;0:50;;0;100");
  auto invert = apply(PerfdataRewrite::Kind::Change, "a,,invert()", {perf("a", "5", "20")});
  EXPECT_EQ(invert[0].value, "15");
}

TEST(PerfdataRewrite, GroupAggregates) {
  std::vector<Perfdata> data = {perf("a#x", "1"), perf("b#x", "4"), perf("c#y", "10")};
  EXPECT_EQ(apply(PerfdataRewrite::Kind::Group, ",total,sum(#x$)", data).back().render(), "'total'=5;;;;");
  EXPECT_EQ(apply(PerfdataRewrite::Kind::Group, ",avg,average(#x$)", data).back().value, "2.50");
  EXPECT_EQ(apply(PerfdataRewrite::Kind::Group, ",top,max(.)", data).back().value, "10");
}

TEST(PerfdataRewrite, ExplodeMax) {
  PerfdataRewrite rewrite;
  EXPECT_FALSE(rewrite.add_explode(""));
  std::vector<Perfdata> data = {perf("used", "3", "8"), perf("free", "5")};
  rewrite.apply(data);
  ASSERT_EQ(data.size(), 3u);
  EXPECT_EQ(data[2].render(), "'used_max'=8;;;;");
  EXPECT_TRUE(PerfdataRewrite().add_explode("no-comma"));
}

TEST(PerfdataRewrite, UnknownMethodIsANoteEvalIsRefused) {
  PerfdataRewrite rewrite;
  std::vector<std::string> notes;
  EXPECT_FALSE(rewrite.add(PerfdataRewrite::Kind::Change, "a,,frobnicate()", notes));
  EXPECT_EQ(notes.size(), 1u);
  EXPECT_TRUE(rewrite.empty());
  EXPECT_TRUE(rewrite.add(PerfdataRewrite::Kind::Change, "a,,eval(%(value) = 1)", notes));
  EXPECT_TRUE(rewrite.add(PerfdataRewrite::Kind::Change, "(,x", notes));  // invalid regex
}

TEST(PerfdataRewrite, Math) {
  EXPECT_EQ(evaluate_math("current * 2 + 1", 6), 13);
  EXPECT_EQ(evaluate_math("(current - 1) / 2", 7), 3);
  EXPECT_EQ(evaluate_math("-current", 2), -2);
  EXPECT_FALSE(evaluate_math("current / 0", 2));
  EXPECT_FALSE(evaluate_math("current +", 2));
  EXPECT_FALSE(evaluate_math("system('x')", 2));
}

}  // namespace
}  // namespace check_mail::output
