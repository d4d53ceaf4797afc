// Rendering of a check's result: the status line, perfdata, long output, JSON, and the output
// options every mode shares; plus the states and how they combine.
#include "check_mail/output/report.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <string>

#include "check_mail/output/perfdata.hpp"
#include "check_mail/output/status.hpp"
#include "check_mail/util/secrets.hpp"

namespace check_mail::output {
namespace {

Perfdata perf(std::string label, std::string value, std::string warning = "", std::string critical = "",
              std::string min = "0", std::string max = "") {
  Perfdata p;
  p.label = std::move(label);
  p.value = std::move(value);
  p.warning = std::move(warning);
  p.critical = std::move(critical);
  p.min = std::move(min);
  p.max = std::move(max);
  return p;
}

Regex regex(std::string_view pattern, std::string_view flags = "") {
  Regex::Error error;
  Regex re = Regex::compile(pattern, flags, &error);
  EXPECT_TRUE(re.valid()) << error.message;
  return re;
}

RenderOptions::Substitution change(std::string_view pattern, std::string replacement, bool global = false,
                                   std::string_view flags = "") {
  return {regex(pattern, flags), std::move(replacement), global};
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

int count_lines(const std::string& text) {
  int lines = 0;
  for (char c : text) lines += c == '\n';
  return lines;
}

// --- States ----------------------------------------------------------------------------------------

TEST(Status, LabelsAndParsing) {
  EXPECT_EQ(status_label(Status::Ok), "OK");
  EXPECT_EQ(status_label(Status::Warning), "WARNING");
  EXPECT_EQ(status_label(Status::Critical), "CRITICAL");
  EXPECT_EQ(status_label(Status::Unknown), "UNKNOWN");
  EXPECT_EQ(parse_status("ok"), Status::Ok);
  EXPECT_EQ(parse_status("Warning"), Status::Warning);
  EXPECT_EQ(parse_status("CRITICAL"), Status::Critical);
  EXPECT_EQ(parse_status("unknown"), Status::Unknown);
  EXPECT_FALSE(parse_status("").has_value());
  EXPECT_FALSE(parse_status("crit").has_value());
  EXPECT_FALSE(parse_status("pending").has_value());
  EXPECT_FALSE(parse_status(" ok").has_value());
  EXPECT_EQ(static_cast<int>(Status::Ok), 0);
  EXPECT_EQ(static_cast<int>(Status::Warning), 1);
  EXPECT_EQ(static_cast<int>(Status::Critical), 2);
  EXPECT_EQ(static_cast<int>(Status::Unknown), 3);
}

// Centreon ORs masks (OK 0, WARNING 1, UNKNOWN 3, CRITICAL 7): CRITICAL > UNKNOWN > WARNING > OK.
TEST(Status, WorstFollowsCentreonsMask) {
  const Status all[] = {Status::Ok, Status::Warning, Status::Critical, Status::Unknown};
  auto mask = [](Status s) { return s == Status::Ok ? 0 : s == Status::Warning ? 1 : s == Status::Unknown ? 3 : 7; };
  for (Status a : all)
    for (Status b : all) {
      int combined = mask(a) | mask(b);
      Status expected = combined == 7   ? Status::Critical
                        : combined == 3 ? Status::Unknown
                        : combined == 1 ? Status::Warning
                                        : Status::Ok;
      EXPECT_EQ(worst(a, b), expected) << status_label(a) << " + " << status_label(b);
    }
  EXPECT_EQ(worst(Status::Warning, Status::Unknown), Status::Unknown);
  EXPECT_EQ(worst(Status::Unknown, Status::Critical), Status::Critical);
}

// --- Perfdata items ---------------------------------------------------------------------------------

TEST(Perfdata, Render) {
  EXPECT_EQ(perf("default#spool.messages.count", "6").render(), "'default#spool.messages.count'=6;;;0;");
  Perfdata full = perf("used", "12.5", "0:10", "~:20", "0", "100");
  full.unit = "%";
  EXPECT_EQ(full.render(), "'used'=12.5%;0:10;~:20;0;100");
  EXPECT_EQ(Perfdata{}.render(), "''=;;;;");
}

TEST(Perfdata, QuotesInLabelsAreDoubled) {
  EXPECT_EQ(perf("it's", "1", "", "", "").render(), "'it''s'=1;;;;");
  EXPECT_EQ(perf("''", "1", "", "", "").render(), "''''''=1;;;;");
  EXPECT_EQ(perf("a b=c", "1", "", "", "").render(), "'a b=c'=1;;;;");
}

// --- The status line ----------------------------------------------------------------------------------

TEST(Report, EmptyReportIsOk) {
  Report report;
  EXPECT_EQ(report.status(), Status::Ok);
  EXPECT_FALSE(report.has_messages());
  auto out = report.render({});
  EXPECT_EQ(out.text, "OK:\n");
  EXPECT_EQ(out.exit_code, 0);
}

TEST(Report, OkMessagesJoinedWithDash) {
  Report report;
  report.add(Status::Ok, "upgrade protection status is licensed");
  report.add(Status::Ok, "upgrade protection expires in 120 days");
  EXPECT_TRUE(report.has_messages());
  auto out = report.render({});
  EXPECT_EQ(out.text, "OK: upgrade protection status is licensed - upgrade protection expires in 120 days\n");
  EXPECT_EQ(out.exit_code, 0);
}

TEST(Report, ProblemsInOrderCriticalWarningUnknownAndNoOk) {
  Report report;
  report.add(Status::Ok, "fine");
  report.add(Status::Unknown, "u1");
  report.add(Status::Warning, "w1");
  report.add(Status::Critical, "c1");
  report.add(Status::Warning, "w2");
  report.add(Status::Critical, "c2");
  report.add(Status::Unknown, "u2");
  EXPECT_EQ(report.status(), Status::Critical);
  auto out = report.render({});
  EXPECT_EQ(out.text, "CRITICAL: c1 - c2 WARNING: w1 - w2 UNKNOWN: u1 - u2\n");
  EXPECT_EQ(out.exit_code, 2);
}

TEST(Report, WorstStateDecidesTheExitCode) {
  struct {
    std::vector<Status> added;
    Status expected;
    int exit_code;
  } cases[] = {{{Status::Ok}, Status::Ok, 0},
               {{Status::Warning, Status::Ok}, Status::Warning, 1},
               {{Status::Warning, Status::Unknown}, Status::Unknown, 3},
               {{Status::Unknown, Status::Warning}, Status::Unknown, 3},
               {{Status::Unknown, Status::Critical}, Status::Critical, 2},
               {{Status::Critical, Status::Unknown, Status::Warning}, Status::Critical, 2}};
  for (const auto& c : cases) {
    Report report;
    for (Status s : c.added) report.add(s, "m");
    EXPECT_EQ(report.status(), c.expected);
    EXPECT_EQ(report.render({}).exit_code, c.exit_code);
  }
}

TEST(Report, UnknownAndWarningTogether) {
  Report report;
  report.add(Status::Unknown, "no data");
  report.add(Status::Warning, "slow");
  EXPECT_EQ(report.render({}).text, "WARNING: slow UNKNOWN: no data\n");
}

TEST(Report, MessagesWithNewlinesStayOnOneStatusLine) {
  Report report;
  report.add(Status::Critical, "first\nsecond\r\nthird");
  report.add(Status::Critical, "trailing newline is chomped as Perl does\n");
  report.add(Status::Warning, "\r\n");
  report.add_long("long line");
  RenderOptions options;
  options.verbose = true;
  auto out = report.render(options);
  EXPECT_EQ(first_line(out.text), "CRITICAL: first second  third - trailing newline is chomped as Perl does WARNING:");
  EXPECT_EQ(count_lines(out.text), 2) << out.text;
}

TEST(Report, MessageNewlinesFlattenedInJsonToo) {
  Report report;
  report.add(Status::Warning, "a\nb");
  RenderOptions options;
  options.json = true;
  auto json = nlohmann::json::parse(report.render(options).text);
  EXPECT_EQ(json["plugin"]["outputs"][0]["msg"], "WARNING: a b");
}

TEST(Report, PerfdataAfterPipe) {
  Report report;
  report.add(Status::Ok, "All spools are ok");
  report.add_perfdata(perf("default#spool.messages.count", "6"));
  report.add_perfdata(perf("quarantine_limit#spool.messages.count", "5000"));
  auto out = report.render({});
  EXPECT_EQ(out.text,
            "OK: All spools are ok | 'default#spool.messages.count'=6;;;0; "
            "'quarantine_limit#spool.messages.count'=5000;;;0;\n");
}

TEST(Report, PerfdataLabelsWithQuotesOrBlanks) {
  Report report;
  report.add(Status::Ok, "All spools are ok");
  report.add_perfdata(perf("it's#spool.messages.count", "2"));
  report.add_perfdata(perf("with space#spool.messages.count", "1"));
  EXPECT_EQ(report.render({}).text,
            "OK: All spools are ok | 'it''s#spool.messages.count'=2;;;0; 'with space#spool.messages.count'=1;;;0;\n");
}

TEST(Report, NoPipeWithoutPerfdata) {
  Report report;
  report.add(Status::Ok, "All services are ok");
  EXPECT_EQ(report.render({}).text, "OK: All services are ok\n");
}

TEST(Report, LongOutputOnlyWithVerboseOrDebug) {
  Report report;
  report.add(Status::Ok, "All spools are ok");
  report.add_perfdata(perf("a", "1"));
  report.add_long("Spool 'default' messages: 6");
  report.add_long("skipping  'virus': no matching filter.", true);
  report.add_long("Spool 'waiting' messages: 31");

  EXPECT_EQ(report.render({}).text, "OK: All spools are ok | 'a'=1;;;0;\n");

  RenderOptions verbose;
  verbose.verbose = true;
  EXPECT_EQ(report.render(verbose).text,
            "OK: All spools are ok | 'a'=1;;;0;\nSpool 'default' messages: 6\nSpool 'waiting' messages: 31\n");

  RenderOptions debug;
  debug.debug = true;  // --debug shows the long output (with its debug lines) even without --verbose
  EXPECT_EQ(report.render(debug).text,
            "OK: All spools are ok | 'a'=1;;;0;\nSpool 'default' messages: 6\n"
            "skipping  'virus': no matching filter.\nSpool 'waiting' messages: 31\n");
}

TEST(Report, StatusLineKeepsNoTrailingBlanks) {
  Report report;
  report.add(Status::Ok, "trailing blanks   ");
  EXPECT_EQ(report.render({}).text, "OK: trailing blanks\n");
}

// --- Output options --------------------------------------------------------------------------------

Report spools_report() {
  Report report;
  report.add(Status::Critical, "Spool 'spool_limit' messages: 50000");
  report.add(Status::Warning, "Spool 'quarantine_limit' messages: 5000");
  report.add(Status::Warning, "Spool 'waiting' messages: 31");
  report.add(Status::Ok, "All spools are ok");
  report.add_perfdata(perf("default#spool.messages.count", "6", "0:10", "0:40000"));
  report.add_perfdata(perf("spool_limit#spool.messages.count", "50000", "@0:10", "-0.0:40000"));
  report.add_perfdata(perf("waiting#spool.messages.count", "31", "~:10", "10:"));
  report.add_long("Spool 'default' messages: 6");
  return report;
}

TEST(ReportOptions, ContractSpoolsLine) {
  auto out = spools_report().render({});
  EXPECT_EQ(first_line(out.text),
            "CRITICAL: Spool 'spool_limit' messages: 50000 WARNING: Spool 'quarantine_limit' messages: 5000 - "
            "Spool 'waiting' messages: 31 | 'default#spool.messages.count'=6;0:10;0:40000;0; "
            "'spool_limit#spool.messages.count'=50000;@0:10;-0.0:40000;0; "
            "'waiting#spool.messages.count'=31;~:10;10:;0;");
  EXPECT_EQ(out.exit_code, 2);
}

TEST(ReportOptions, RangePerfdataOneDropsAZeroStart) {
  RenderOptions options;
  options.range_perfdata = 1;
  std::string line = first_line(spools_report().render(options).text);
  EXPECT_EQ(line.substr(line.find(" |")),
            " | 'default#spool.messages.count'=6;10;40000;0; 'spool_limit#spool.messages.count'=50000;@10;40000;0; "
            "'waiting#spool.messages.count'=31;~:10;10:;0;");
}

TEST(ReportOptions, RangePerfdataOneFollowsCentreonsSubstitution) {
  // s/^(@?)-?[0\.]+:/$1/ on each threshold
  struct {
    const char* in;
    const char* out;
  } cases[] = {{"0:10", "10"},   {"@0:10", "@10"},   {"-0:10", "10"},    {"0.0:10", "10"},   {"00:5", "5"},
               {"0:", ""},       {"@0:", "@"},       {"05:10", "05:10"}, {"10:20", "10:20"}, {"~:10", "~:10"},
               {"-1:5", "-1:5"}, {"0.5:1", "0.5:1"}, {"", ""},           {"@-.0:3", "@3"},   {"-:5", "-:5"}};
  for (const auto& c : cases) {
    Report report;
    report.add_perfdata(perf("x", "1", c.in, c.in, "", ""));
    RenderOptions options;
    options.range_perfdata = 1;
    // No OK message: Centreon's "OK: " and the space before '|'.
    std::string expected = std::string("OK:  | 'x'=1;") + c.out + ";" + c.out + ";;\n";
    EXPECT_EQ(report.render(options).text, expected) << "'" << c.in << "'";
  }
}

TEST(ReportOptions, RangePerfdataTwoDropsThresholds) {
  RenderOptions options;
  options.range_perfdata = 2;
  std::string text = spools_report().render(options).text;
  EXPECT_NE(text.find("'default#spool.messages.count'=6;;;0; 'spool_limit#spool.messages.count'=50000;;;0; "
                      "'waiting#spool.messages.count'=31;;;0;\n"),
            std::string::npos)
      << text;
}

TEST(ReportOptions, FilterPerfdataIsAnUnanchoredRegexOnLabels) {
  RenderOptions options;
  options.filter_perfdata = regex("^(default|waiting)#");
  std::string text = first_line(spools_report().render(options).text);
  EXPECT_NE(text.find("'default#spool.messages.count'"), std::string::npos);
  EXPECT_NE(text.find("'waiting#spool.messages.count'"), std::string::npos);
  EXPECT_EQ(text.find("spool_limit#"), std::string::npos);

  options.filter_perfdata = regex("nothing-matches");
  text = first_line(spools_report().render(options).text);
  EXPECT_EQ(text.find('|'), std::string::npos) << "no perfdata left: no pipe";
}

TEST(ReportOptions, IgnorePerfdata) {
  RenderOptions options;
  options.ignore_perfdata = true;
  auto out = spools_report().render(options);
  EXPECT_EQ(out.text,
            "CRITICAL: Spool 'spool_limit' messages: 50000 WARNING: Spool 'quarantine_limit' messages: 5000 - "
            "Spool 'waiting' messages: 31\n");
  options.json = true;
  auto json = nlohmann::json::parse(spools_report().render(options).text);
  EXPECT_TRUE(json["plugin"]["perfdatas"].empty());
}

TEST(ReportOptions, IgnoreLabel) {
  RenderOptions options;
  options.ignore_label = true;
  options.ignore_perfdata = true;
  EXPECT_EQ(
      spools_report().render(options).text,
      "Spool 'spool_limit' messages: 50000 Spool 'quarantine_limit' messages: 5000 - Spool 'waiting' messages: 31\n");
  Report ok;
  ok.add(Status::Ok, "All services are ok");
  EXPECT_EQ(ok.render(options).text, "All services are ok\n");
}

TEST(ReportOptions, ChangeShortOutputFirstMatchOrGlobal) {
  Report report;
  report.add(Status::Warning, "Spool 'a' messages: 1");
  report.add(Status::Warning, "Spool 'b' messages: 2");
  report.add_perfdata(perf("a#spool.messages.count", "1"));

  RenderOptions first;
  first.change_short_output.push_back(change("messages", "msgs"));
  EXPECT_EQ(first_line(report.render(first).text),
            "WARNING: Spool 'a' msgs: 1 - Spool 'b' messages: 2 | 'a#spool.messages.count'=1;;;0;")
      << "the perfdata is not part of the short output";

  RenderOptions global;
  global.change_short_output.push_back(change("messages", "msgs", true));
  EXPECT_EQ(first_line(report.render(global).text),
            "WARNING: Spool 'a' msgs: 1 - Spool 'b' msgs: 2 | 'a#spool.messages.count'=1;;;0;");
}

TEST(ReportOptions, ChangeShortOutputGroupsFlagsAndChains) {
  Report report;
  report.add(Status::Ok, "All spools are ok");
  RenderOptions options;
  options.change_short_output.push_back(change("^OK: (.*)$", "Fine: $1"));
  options.change_short_output.push_back(change("SPOOLS", "queues", false, "i"));
  EXPECT_EQ(report.render(options).text, "Fine: All queues are ok\n");

  RenderOptions state_change;  // rewriting the label does not change the exit code
  state_change.change_short_output.push_back(change("OK", "CRITICAL"));
  auto out = report.render(state_change);
  EXPECT_EQ(out.text, "CRITICAL: All spools are ok\n");
  EXPECT_EQ(out.exit_code, 0);
}

TEST(ReportOptions, ChangeShortOutputWithInvalidReplacementKeepsTheLine) {
  Report report;
  report.add(Status::Ok, "x");
  RenderOptions options;
  options.change_short_output.push_back(change("x", "${1"));
  EXPECT_EQ(report.render(options).text, "OK: x\n");
}

TEST(ReportOptions, ChangeExitMapsOnlyTheExitCode) {
  RenderOptions options;
  options.change_exit[Status::Critical] = Status::Warning;
  auto out = spools_report().render(options);
  EXPECT_EQ(out.exit_code, 1);
  EXPECT_EQ(out.text.rfind("CRITICAL: ", 0), 0u) << "the text keeps its state";

  options.change_exit.clear();
  options.change_exit[Status::Warning] = Status::Ok;
  EXPECT_EQ(spools_report().render(options).exit_code, 2) << "only the final state is mapped";

  Report warning;
  warning.add(Status::Warning, "w");
  auto mapped = warning.render(options);
  EXPECT_EQ(mapped.exit_code, 0);
  EXPECT_EQ(mapped.text, "WARNING: w\n");

  options.json = true;
  auto json = nlohmann::json::parse(warning.render(options).text);
  EXPECT_EQ(json["plugin"]["exit"], "WARNING");
  EXPECT_EQ(json["plugin"]["exit_code"], 0);
  EXPECT_EQ(warning.render(options).exit_code, 0);
}

// --- JSON ------------------------------------------------------------------------------------------

TEST(ReportJson, Shape) {
  Report report = spools_report();
  report.add_long("debug detail", true);
  RenderOptions options;
  options.json = true;
  options.plugin_name = "apps::smartermail::restapi::plugin";
  options.mode_name = "spools";
  auto out = report.render(options);
  ASSERT_FALSE(out.text.empty());
  EXPECT_EQ(out.text.back(), '\n');
  EXPECT_EQ(count_lines(out.text), 1) << "one JSON document on one line";
  auto json = nlohmann::json::parse(out.text);
  ASSERT_TRUE(json.is_object());
  ASSERT_EQ(json.size(), 1u);
  const auto& plugin = json.at("plugin");
  EXPECT_EQ(plugin.at("name"), "apps::smartermail::restapi::plugin");
  EXPECT_EQ(plugin.at("mode"), "spools");
  EXPECT_EQ(plugin.at("exit"), "CRITICAL");
  EXPECT_EQ(plugin.at("exit_code"), 2);
  EXPECT_EQ(out.exit_code, 2);

  const auto& outputs = plugin.at("outputs");
  ASSERT_EQ(outputs.size(), 4u) << "short messages of every state, no long output without --verbose";
  EXPECT_EQ(
      outputs[0],
      (nlohmann::json{{"type", 1}, {"msg", "CRITICAL: Spool 'spool_limit' messages: 50000"}, {"exit", "CRITICAL"}}));
  EXPECT_EQ(outputs[1]["msg"], "WARNING: Spool 'quarantine_limit' messages: 5000");
  EXPECT_EQ(outputs[2]["msg"], "WARNING: Spool 'waiting' messages: 31");
  EXPECT_EQ(outputs[3], (nlohmann::json{{"type", 1}, {"msg", "OK: All spools are ok"}, {"exit", "OK"}}));

  const auto& perfdatas = plugin.at("perfdatas");
  ASSERT_EQ(perfdatas.size(), 3u);
  EXPECT_EQ(perfdatas[0], (nlohmann::json{{"label", "default#spool.messages.count"},
                                          {"value", "6"},
                                          {"unit", ""},
                                          {"warning", "0:10"},
                                          {"critical", "0:40000"},
                                          {"min", "0"},
                                          {"max", ""},
                                          {"mode", "spools"}}));
}

TEST(ReportJson, LongOutputWithVerboseDebugLinesWithDebug) {
  Report report;
  report.add(Status::Ok, "ok");
  report.add_long("line");
  report.add_long("debug line", true);
  RenderOptions options;
  options.json = true;
  options.verbose = true;
  auto outputs = nlohmann::json::parse(report.render(options).text)["plugin"]["outputs"];
  ASSERT_EQ(outputs.size(), 2u);
  EXPECT_EQ(outputs[1], (nlohmann::json{{"type", 2}, {"msg", "line"}}));

  options.verbose = false;
  options.debug = true;
  outputs = nlohmann::json::parse(report.render(options).text)["plugin"]["outputs"];
  ASSERT_EQ(outputs.size(), 3u);
  EXPECT_EQ(outputs[2]["msg"], "debug line");
}

TEST(ReportJson, OptionsApplyToPerfdata) {
  RenderOptions options;
  options.json = true;
  options.range_perfdata = 1;
  options.filter_perfdata = regex("^default");
  auto perfdatas = nlohmann::json::parse(spools_report().render(options).text)["plugin"]["perfdatas"];
  ASSERT_EQ(perfdatas.size(), 1u);
  EXPECT_EQ(perfdatas[0]["warning"], "10");
  EXPECT_EQ(perfdatas[0]["critical"], "40000");
}

TEST(ReportJson, IgnoreLabel) {
  RenderOptions options;
  options.json = true;
  options.ignore_label = true;
  auto outputs = nlohmann::json::parse(spools_report().render(options).text)["plugin"]["outputs"];
  EXPECT_EQ(outputs[0]["msg"], "Spool 'spool_limit' messages: 50000");
  EXPECT_EQ(outputs[0]["exit"], "CRITICAL");
}

TEST(ReportJson, InvalidUtf8IsReplacedNotThrown) {
  Report report;
  report.add(Status::Critical, "bad \xff\xfe bytes");
  report.add_perfdata(perf("sp\xc3ol", "1"));
  RenderOptions options;
  options.json = true;
  Report::Rendered out;
  ASSERT_NO_THROW(out = report.render(options));
  auto json = nlohmann::json::parse(out.text);
  EXPECT_EQ(json["plugin"]["outputs"][0]["msg"], "CRITICAL: bad \xEF\xBF\xBD\xEF\xBF\xBD bytes");
  EXPECT_EQ(out.exit_code, 2);
}

// --- Errors ----------------------------------------------------------------------------------------

TEST(ReportError, UnknownByDefaultWithLongOutputAndNoPerfdata) {
  Report report;
  report.add(Status::Ok, "partial result that must not show");
  report.add_perfdata(perf("a", "1"));
  report.add_long("login: POST /api/v1/auth/authenticate-user");
  report.add_long("debug only", true);
  auto out = report.render_error({}, "Authentication error [code: '401'] [message: 'Unauthorized']");
  EXPECT_EQ(out.text,
            "UNKNOWN: Authentication error [code: '401'] [message: 'Unauthorized']\n"
            "login: POST /api/v1/auth/authenticate-user\n");
  EXPECT_EQ(out.exit_code, 3);
  EXPECT_EQ(report.status(), Status::Ok) << "render_error leaves the report as it was";
}

TEST(ReportError, OptExitChoosesTheState) {
  Report report;
  RenderOptions options;
  options.opt_exit = Status::Critical;
  auto out = report.render_error(options, "Authentication error [code: '401'] [message: 'Unauthorized']");
  EXPECT_EQ(out.text, "CRITICAL: Authentication error [code: '401'] [message: 'Unauthorized']\n");
  EXPECT_EQ(out.exit_code, 2);

  options.opt_exit = Status::Warning;
  out = report.render_error(options, "Wrong warning-instance-spool-messages-count threshold 'abc'.");
  EXPECT_EQ(out.text, "WARNING: Wrong warning-instance-spool-messages-count threshold 'abc'.\n");
  EXPECT_EQ(out.exit_code, 1);

  options.opt_exit = Status::Ok;
  out = report.render_error(options, "ignored failure");
  EXPECT_EQ(out.text, "OK: ignored failure\n");
  EXPECT_EQ(out.exit_code, 0);
}

TEST(ReportError, ExplicitStateWinsOverOptExit) {
  RenderOptions options;
  options.opt_exit = Status::Critical;
  auto out = Report().render_error(options, "Need to specify --api-username option.", Status::Unknown);
  EXPECT_EQ(out.text, "UNKNOWN: Need to specify --api-username option.\n");
  EXPECT_EQ(out.exit_code, 3);
}

TEST(ReportError, ChangeExitAndLabelOptionsStillApply) {
  RenderOptions options;
  options.change_exit[Status::Unknown] = Status::Critical;
  options.ignore_label = true;
  auto out = Report().render_error(options, "Cannot decode json response");
  EXPECT_EQ(out.text, "Cannot decode json response\n");
  EXPECT_EQ(out.exit_code, 2);
}

TEST(ReportError, MultiLineErrorIsOneStatusLine) {
  auto out = Report().render_error({}, "Cannot decode json response: line 1\nline 2");
  EXPECT_EQ(out.text, "UNKNOWN: Cannot decode json response: line 1 line 2\n");
}

TEST(ReportError, Json) {
  Report report;
  report.add_long("context line");
  report.add_perfdata(perf("a", "1"));
  RenderOptions options;
  options.json = true;
  options.plugin_name = "apps::smartermail::restapi::plugin";
  options.mode_name = "spools";
  auto out = report.render_error(options, "Authentication error [code: '401'] [message: 'Unauthorized']");
  EXPECT_EQ(out.exit_code, 3);
  auto plugin = nlohmann::json::parse(out.text)["plugin"];
  EXPECT_EQ(plugin["exit"], "unknown") << "Centreon writes an error's state in lower case";
  EXPECT_EQ(plugin["exit_code"], 3);
  EXPECT_TRUE(plugin["perfdatas"].empty());
  ASSERT_EQ(plugin["outputs"].size(), 2u);
  EXPECT_EQ(plugin["outputs"][0], (nlohmann::json{{"type", 1},
                                                  {"msg",
                                                   "UNKNOWN: Authentication error [code: '401'] "
                                                   "[message: 'Unauthorized']"},
                                                  {"exit", "UNKNOWN"}}));
  EXPECT_EQ(plugin["outputs"][1], (nlohmann::json{{"type", 2}, {"msg", "context line"}}));

  options.opt_exit = Status::Critical;
  plugin = nlohmann::json::parse(report.render_error(options, "refused").text)["plugin"];
  EXPECT_EQ(plugin["exit"], "critical");
  EXPECT_EQ(plugin["exit_code"], 2);
  EXPECT_EQ(plugin["outputs"][0]["msg"], "CRITICAL: refused");
  EXPECT_EQ(plugin["outputs"][0]["exit"], "CRITICAL");
}

// A '|' in a server's text (a reply, a spool name) would start perfdata in the poller's eyes; a
// password a server quotes back must not be printed. Both are handled where all output passes.
TEST(Report, Issue14Item5PipeInServerTextNeverStartsPerfdata) {
  Report report;
  report.add(Status::Critical, "RCPT TO refused: 550 no|such user | 'fake'=1;2;3");
  report.add_long("S: 550 x|y");
  report.add_perfdata(perf("time", "1"));
  RenderOptions options;
  options.verbose = true;
  const std::string text = report.render(options).text;
  EXPECT_EQ(text, "CRITICAL: RCPT TO refused: 550 no/such user / 'fake'=1;2;3 | 'time'=1;;;0;\nS: 550 x/y\n");
  EXPECT_EQ(report.render_error(options, "greeting: 421 a|b").text.find("a|b"), std::string::npos);
}

TEST(Report, Issue14Item6RegisteredSecretsAreScrubbedFromMessagesAndLongOutput) {
  util::register_secret("Echoed-Secret-9");
  Report report;
  report.add(Status::Critical, "AUTH PLAIN refused: 535 5.7.8 bad password Echoed-Secret-9");
  report.add_long("S: A0002 BAD LOGIN \"monitor\" \"Echoed-Secret-9\"");
  RenderOptions options;
  options.verbose = true;
  const std::string text = report.render(options).text;
  EXPECT_EQ(text.find("Echoed-Secret-9"), std::string::npos) << text;
  EXPECT_NE(text.find("bad password <redacted>"), std::string::npos) << text;
}

TEST(Report, Issue14Item20LongOutputIsLimitedWithANote) {
  Report report;
  report.add(Status::Critical, "lost");
  for (int i = 0; i < 100; ++i) report.add_long("S: a line of a long dialogue, number " + std::to_string(i));
  report.add_long("debug detail", true);
  report.limit_long_output(1024);
  RenderOptions options;
  options.verbose = true;
  const std::string text = report.render(options).text;
  EXPECT_LE(text.size(), 1024u + 200u) << text;
  EXPECT_NE(text.find("more lines left out (long output limited to 1 KiB; --debug shows everything)"),
            std::string::npos)
      << text;
  options.debug = true;
  EXPECT_NE(report.render(options).text.find("debug detail"), std::string::npos);
}

}  // namespace
}  // namespace check_mail::output
