// The counter framework, with groups declared as the SmarterMail modes declare them
// (src/modes/smartermail/{spools,services,licenses}.cpp), checked against the exact text Centreon's
// plugin prints for the same data (the contract's examples and tests/e2e/golden/centreon).
#include "check_mail/output/counters.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <optional>
#include <string>

namespace check_mail::output {
namespace {

// --- The groups, as the modes declare them --------------------------------------------------------

CounterGroup spools_group() {
  CounterGroup group;
  group.kind = CounterGroup::Kind::Instances;
  group.name = "spools";
  group.prefix = [](const std::string& name, const Values&) { return "Spool '" + name + "' "; };
  group.message_multiple = "All spools are ok";
  group.threshold_prefix = "instance-";
  Counter messages;
  messages.label = "spool-messages";
  messages.nlabel = "spool.messages.count";
  messages.key = "messages";
  messages.output_template = "messages: %d";
  messages.min = "0";
  group.counters = {messages};
  return group;
}

CounterGroup services_group() {
  CounterGroup group;
  group.kind = CounterGroup::Kind::Instances;
  group.name = "services";
  group.prefix = [](const std::string& name, const Values&) { return "Service '" + name + "' "; };
  group.message_multiple = "All services are ok";
  Counter status;
  status.kind = Counter::Kind::Status;
  status.label = "status";
  status.key = "state";
  status.variables = {"state", "display"};
  status.default_critical = "%{state} !~ /running/";
  status.output = [](const Values& values) { return "state is " + values.at("state").as_text(); };
  group.counters = {status};
  return group;
}

CounterGroup licenses_group() {
  CounterGroup group;
  group.kind = CounterGroup::Kind::Global;
  group.name = "global";
  group.message_separator = " - ";
  Counter status;
  status.kind = Counter::Kind::Status;
  status.label = "upgrade-protection-status";
  status.key = "upgrade_protection_status";
  status.variables = {"upgrade_protection_status"};
  status.default_critical = "%{upgrade_protection_status} =~ /expired/";
  status.output = [](const Values& values) {
    return "upgrade protection status is " + values.at("upgrade_protection_status").as_text();
  };
  Counter days;
  days.label = "upgrade-protection-expires-days";
  days.nlabel = "license.upgrade.protection.expires.days.count";
  days.key = "upgrade_protection_expires_days";
  days.output_template = "upgrade protection expires in %d days";
  days.min = "0";
  group.counters = {status, days};
  return group;
}

// The contract's spool counts, in the reply's order (the framework sorts them).
const std::pair<const char*, double> kSpools[] = {{"default", 6},
                                                  {"waiting", 31},
                                                  {"virus", 0},
                                                  {"spam", 0},
                                                  {"throttledUsers", 1},
                                                  {"throttledMailingLists", 0},
                                                  {"throttledDomains", 0},
                                                  {"spool_limit", 50000},
                                                  {"quarantine_limit", 5000}};

void add_spool(CounterGroup& group, const std::string& name, Value messages) {
  group.instances[name] = {{"messages", std::move(messages)}, {"display", Value::of(name)}};
}

void add_service(CounterGroup& group, const std::string& name, std::optional<bool> running) {
  group.instances[name] = {
      {"state", running ? Value::of(std::string(*running ? "running" : "inactive")) : Value::none()},
      {"display", Value::of(name)}};
}

using Options = std::map<std::string, std::string>;

// Reads the settings from the given options (as --name=value) and evaluates; returns the rendered
// text, or the settings error.
struct Outcome {
  std::string text;
  int exit_code = -1;
  std::optional<std::string> error;
};

Outcome run(std::vector<CounterGroup> groups, const Options& options = {}, const RenderOptions& render = {},
            std::optional<Regex> filter_counters = std::nullopt, int float_precision = 8) {
  CounterSettings settings;
  settings.filter_counters = std::move(filter_counters);
  settings.float_precision = float_precision;
  auto getter = [&](const std::string& name) -> std::optional<std::string> {
    auto it = options.find(name);
    if (it == options.end()) return std::nullopt;
    return it->second;
  };
  Outcome result;
  result.error = read_counter_settings(groups, getter, settings);
  if (result.error) return result;
  Report report;
  evaluate_counters(groups, settings, report);
  auto rendered = report.render(render);
  result.text = rendered.text;
  result.exit_code = rendered.exit_code;
  return result;
}

CounterGroup contract_spools() {
  CounterGroup group = spools_group();
  for (const auto& [name, count] : kSpools) add_spool(group, name, Value::of(count));
  return group;
}

const char* const kAllSpoolsPerfdata =
    "'default#spool.messages.count'=6;;;0; 'quarantine_limit#spool.messages.count'=5000;;;0; "
    "'spam#spool.messages.count'=0;;;0; 'spool_limit#spool.messages.count'=50000;;;0; "
    "'throttledDomains#spool.messages.count'=0;;;0; 'throttledMailingLists#spool.messages.count'=0;;;0; "
    "'throttledUsers#spool.messages.count'=1;;;0; 'virus#spool.messages.count'=0;;;0; "
    "'waiting#spool.messages.count'=31;;;0;";

// --- Spools ------------------------------------------------------------------------------------------

TEST(SpoolsCounters, AllOk) {
  Outcome r = run({contract_spools()});
  ASSERT_FALSE(r.error) << *r.error;
  EXPECT_EQ(r.text, std::string("OK: All spools are ok | ") + kAllSpoolsPerfdata + "\n");
  EXPECT_EQ(r.exit_code, 0);
}

TEST(SpoolsCounters, CriticalAndWarningWithThresholdsInPerfdata) {
  Outcome r = run({contract_spools()}, {{"warning-spool-messages", "10"}, {"critical-spool-messages", "40000"}});
  ASSERT_FALSE(r.error) << *r.error;
  EXPECT_EQ(r.text,
            "CRITICAL: Spool 'spool_limit' messages: 50000 WARNING: Spool 'quarantine_limit' messages: 5000 - "
            "Spool 'waiting' messages: 31 | 'default#spool.messages.count'=6;0:10;0:40000;0; "
            "'quarantine_limit#spool.messages.count'=5000;0:10;0:40000;0; "
            "'spam#spool.messages.count'=0;0:10;0:40000;0; 'spool_limit#spool.messages.count'=50000;0:10;0:40000;0; "
            "'throttledDomains#spool.messages.count'=0;0:10;0:40000;0; "
            "'throttledMailingLists#spool.messages.count'=0;0:10;0:40000;0; "
            "'throttledUsers#spool.messages.count'=1;0:10;0:40000;0; 'virus#spool.messages.count'=0;0:10;0:40000;0; "
            "'waiting#spool.messages.count'=31;0:10;0:40000;0;\n");
  EXPECT_EQ(r.exit_code, 2);
}

TEST(SpoolsCounters, SingleInstanceShowsItsOwnMessage) {
  CounterGroup group = spools_group();
  add_spool(group, "default", Value::of(6));
  Outcome r = run({group});
  EXPECT_EQ(r.text, "OK: Spool 'default' messages: 6 | 'default#spool.messages.count'=6;;;0;\n");

  Outcome critical = run({group}, {{"critical-spool-messages", "5"}});
  EXPECT_EQ(critical.text, "CRITICAL: Spool 'default' messages: 6 | 'default#spool.messages.count'=6;;0:5;0;\n");
  EXPECT_EQ(critical.exit_code, 2);
}

TEST(SpoolsCounters, VerboseAddsOneLongLinePerInstanceInByteOrder) {
  CounterGroup group = spools_group();
  for (const char* name : {"waiting", "Zeta", "default", "alpha"}) add_spool(group, name, Value::of(1));
  RenderOptions verbose;
  verbose.verbose = true;
  verbose.ignore_perfdata = true;
  Outcome r = run({group}, {}, verbose);
  EXPECT_EQ(r.text,
            "OK: All spools are ok\n"
            "Spool 'Zeta' messages: 1\nSpool 'alpha' messages: 1\nSpool 'default' messages: 1\n"
            "Spool 'waiting' messages: 1\n");
}

TEST(SpoolsCounters, MissingValueIsSkippedWithoutPerfdata) {
  CounterGroup group = spools_group();
  add_spool(group, "default", Value::of(6));
  add_spool(group, "virus", Value::none());
  RenderOptions verbose;
  verbose.verbose = true;
  Outcome r = run({group}, {{"critical-spool-messages", "1"}}, verbose);
  EXPECT_EQ(r.text,
            "CRITICAL: Spool 'default' messages: 6 | 'default#spool.messages.count'=6;;0:1;0;\n"
            "Spool 'default' messages: 6\n"
            "Spool 'virus' spool-messages : skipped (no value(s))\n");

  CounterGroup single = spools_group();
  add_spool(single, "virus", Value::none());
  EXPECT_EQ(run({single}).text, "OK: Spool 'virus' spool-messages : skipped (no value(s))\n");
}

TEST(SpoolsCounters, DecimalThresholdsAndValues) {
  CounterGroup group = spools_group();
  add_spool(group, "default", Value::of(9));
  add_spool(group, "spam", Value::of(20));
  add_spool(group, "virus", Value::of(11));
  add_spool(group, "waiting", Value::of(10));
  Outcome r = run({group}, {{"warning-spool-messages", "10.5"}, {"critical-spool-messages", "20,25"}});
  EXPECT_EQ(r.text,
            "WARNING: Spool 'spam' messages: 20 - Spool 'virus' messages: 11 | "
            "'default#spool.messages.count'=9;0:10.5;0:20.25;0; 'spam#spool.messages.count'=20;0:10.5;0:20.25;0; "
            "'virus#spool.messages.count'=11;0:10.5;0:20.25;0; 'waiting#spool.messages.count'=10;0:10.5;0:20.25;0;\n");
}

TEST(SpoolsCounters, FloatPrecisionIsPassedToTheRanges) {
  CounterGroup group = spools_group();
  add_spool(group, "a", Value::of(10.12));
  add_spool(group, "b", Value::of(10.13));
  Outcome r = run({group}, {{"warning-spool-messages", "10.123456"}}, {}, std::nullopt, 2);
  EXPECT_EQ(r.text.substr(0, r.text.find(" |")), "WARNING: Spool 'b' messages: 10");
}

TEST(SpoolsCounters, UnknownThreshold) {
  CounterGroup group = spools_group();
  add_spool(group, "default", Value::of(6));
  add_spool(group, "waiting", Value::of(31));
  Outcome r = run({group}, {{"unknown-spool-messages", "30"}, {"warning-spool-messages", "20"}});
  // Critical, then warning, then unknown: the first range that alerts decides.
  EXPECT_EQ(r.text.substr(0, r.text.find(" |")), "WARNING: Spool 'waiting' messages: 31");
  Outcome unknown = run({group}, {{"unknown-instance-spool-messages-count", "30"}});
  EXPECT_EQ(unknown.text.substr(0, unknown.text.find(" |")), "UNKNOWN: Spool 'waiting' messages: 31");
  EXPECT_EQ(unknown.exit_code, 3);
  EXPECT_NE(unknown.text.find("'waiting#spool.messages.count'=31;;;0;"), std::string::npos)
      << "the unknown range is not in the perfdata";
}

TEST(SpoolsCounters, NoInstancesNoMessage) {
  Outcome r = run({spools_group()});
  EXPECT_EQ(r.text, "OK:\n");
}

// --- Threshold option names ----------------------------------------------------------------------------

TEST(ThresholdNames, LongFormFromNlabelAndShortAlias) {
  CounterGroup spools = spools_group();
  ThresholdNames names = threshold_names(spools, spools.counters[0]);
  EXPECT_EQ(names.primary, "instance-spool-messages-count");
  EXPECT_EQ(names.alias, "spool-messages");

  CounterGroup licenses = licenses_group();
  names = threshold_names(licenses, licenses.counters[1]);
  EXPECT_EQ(names.primary, "license-upgrade-protection-expires-days-count");
  EXPECT_EQ(names.alias, "upgrade-protection-expires-days");

  names = threshold_names(licenses, licenses.counters[0]);  // status counters have no nlabel
  EXPECT_EQ(names.primary, "upgrade-protection-status");
  EXPECT_FALSE(names.alias.has_value());

  CounterGroup services = services_group();
  names = threshold_names(services, services.counters[0]);
  EXPECT_EQ(names.primary, "status");
  EXPECT_FALSE(names.alias.has_value());
}

TEST(ThresholdNames, NoAliasWhenTheNamesAgree) {
  CounterGroup group;
  Counter counter;
  counter.label = "connections-count";
  counter.nlabel = "connections.count";
  EXPECT_EQ(threshold_names(group, counter).primary, "connections-count");
  EXPECT_FALSE(threshold_names(group, counter).alias.has_value());
}

TEST(ThresholdOptions, LongAndShortNamesBothWork) {
  CounterGroup group = spools_group();
  add_spool(group, "default", Value::of(6));
  for (const char* name : {"warning-spool-messages", "warning-instance-spool-messages-count"}) {
    Outcome r = run({group}, {{name, "5"}});
    EXPECT_EQ(r.text, "WARNING: Spool 'default' messages: 6 | 'default#spool.messages.count'=6;0:5;;0;\n") << name;
  }
}

TEST(ThresholdOptions, PrimaryNameWinsOverAlias) {
  // Documented difference: Centreon stores both names in one variable, so the one given last on
  // the command line wins; check_mail's option getter has no order, so the long name wins.
  CounterGroup group = spools_group();
  add_spool(group, "default", Value::of(6));
  Outcome r = run({group}, {{"warning-spool-messages", "1"}, {"warning-instance-spool-messages-count", "100"}});
  EXPECT_EQ(r.text, "OK: Spool 'default' messages: 6 | 'default#spool.messages.count'=6;0:100;;0;\n");

  Outcome error = run({group}, {{"warning-spool-messages", "5"}, {"warning-instance-spool-messages-count", "abc"}});
  EXPECT_EQ(error.error, "Wrong warning-instance-spool-messages-count threshold 'abc'.");
}

TEST(ThresholdOptions, InvalidThresholdMessageUsesTheLongName) {
  CounterGroup group = spools_group();
  add_spool(group, "default", Value::of(6));
  EXPECT_EQ(run({group}, {{"warning-spool-messages", "abc"}}).error,
            "Wrong warning-instance-spool-messages-count threshold 'abc'.");
  EXPECT_EQ(run({group}, {{"critical-instance-spool-messages-count", "abc"}}).error,
            "Wrong critical-instance-spool-messages-count threshold 'abc'.");
  EXPECT_EQ(run({group}, {{"unknown-spool-messages", "10:20:30"}}).error,
            "Wrong unknown-instance-spool-messages-count threshold '10:20:30'.");
  EXPECT_EQ(run({licenses_group()}, {{"critical-upgrade-protection-expires-days", "1e3"}}).error,
            "Wrong critical-license-upgrade-protection-expires-days-count threshold '1e3'.");
}

TEST(ThresholdOptions, EmptyMeansNoThreshold) {
  CounterGroup group = spools_group();
  add_spool(group, "default", Value::of(6));
  Outcome r = run({group}, {{"warning-spool-messages", ""}, {"critical-spool-messages", ""}});
  EXPECT_EQ(r.text, "OK: Spool 'default' messages: 6 | 'default#spool.messages.count'=6;;;0;\n");
  // Deliberate difference: Centreon parses a blank threshold (" ") as "0:".
  Outcome blank = run({group}, {{"warning-spool-messages", "  "}});
  EXPECT_EQ(blank.text, "OK: Spool 'default' messages: 6 | 'default#spool.messages.count'=6;;;0;\n");
}

TEST(ThresholdOptions, ThresholdTextIsTrimmed) {
  CounterGroup group = spools_group();
  add_spool(group, "default", Value::of(6));
  Outcome r = run({group}, {{"warning-spool-messages", " @5:10 "}});
  EXPECT_EQ(r.text, "WARNING: Spool 'default' messages: 6 | 'default#spool.messages.count'=6;@5:10;;0;\n");
}

// --- Services ----------------------------------------------------------------------------------------

CounterGroup contract_services(const std::vector<std::string>& inactive = {}) {
  CounterGroup group = services_group();
  for (const char* name : {"spool", "smtp", "pop", "xmpp", "imap", "ldap", "popretrieval", "imapretrieval", "indexing"})
    add_service(group, name, std::find(inactive.begin(), inactive.end(), name) == inactive.end());
  return group;
}

TEST(ServicesCounters, AllRunning) {
  Outcome r = run({contract_services()});
  EXPECT_EQ(r.text, "OK: All services are ok\n");
  EXPECT_EQ(r.exit_code, 0);
}

TEST(ServicesCounters, DefaultCriticalStatus) {
  Outcome r = run({contract_services({"xmpp"})});
  EXPECT_EQ(r.text, "CRITICAL: Service 'xmpp' state is inactive\n");
  EXPECT_EQ(r.exit_code, 2);

  Outcome several = run({contract_services({"xmpp", "pop", "imap"})});
  EXPECT_EQ(several.text,
            "CRITICAL: Service 'imap' state is inactive - Service 'pop' state is inactive - "
            "Service 'xmpp' state is inactive\n");
}

TEST(ServicesCounters, VerboseListsEveryService) {
  RenderOptions verbose;
  verbose.verbose = true;
  Outcome r = run({contract_services({"xmpp", "pop", "imap"})}, {}, verbose);
  EXPECT_EQ(r.text,
            "CRITICAL: Service 'imap' state is inactive - Service 'pop' state is inactive - "
            "Service 'xmpp' state is inactive\n"
            "Service 'imap' state is inactive\nService 'imapretrieval' state is running\n"
            "Service 'indexing' state is running\nService 'ldap' state is running\n"
            "Service 'pop' state is inactive\nService 'popretrieval' state is running\n"
            "Service 'smtp' state is running\nService 'spool' state is running\n"
            "Service 'xmpp' state is inactive\n");
}

TEST(ServicesCounters, ExplicitlyEmptyStatusClearsTheDefault) {
  Outcome r = run({contract_services({"xmpp"})}, {{"critical-status", ""}});
  EXPECT_EQ(r.text, "OK: All services are ok\n");
  EXPECT_EQ(r.exit_code, 0);
}

TEST(ServicesCounters, StatusExpressionsInOrderCriticalWarningUnknown) {
  Options options{{"critical-status", "%{display} eq \"smtp\" and %{state} ne \"running\""},
                  {"warning-status", "%{state} ne \"running\""},
                  {"unknown-status", "%{display} =~ /^pop/"}};
  Outcome r = run({contract_services({"smtp", "xmpp", "pop"})}, options);
  EXPECT_EQ(r.text,
            "CRITICAL: Service 'smtp' state is inactive WARNING: Service 'pop' state is inactive - "
            "Service 'xmpp' state is inactive UNKNOWN: Service 'popretrieval' state is running\n");
  EXPECT_EQ(r.exit_code, 2);
}

TEST(ServicesCounters, SingleServiceOk) {
  CounterGroup group = services_group();
  add_service(group, "smtp", true);
  EXPECT_EQ(run({group}).text, "OK: Service 'smtp' state is running\n");
}

TEST(ServicesCounters, MissingStateIsSkipped) {
  CounterGroup group = services_group();
  add_service(group, "smtp", true);
  add_service(group, "xmpp", std::nullopt);
  RenderOptions verbose;
  verbose.verbose = true;
  EXPECT_EQ(
      run({group}, {}, verbose).text,
      "OK: All services are ok\nService 'smtp' state is running\nService 'xmpp' status : skipped (no value(s))\n");
}

TEST(ServicesCounters, StatusSyntaxErrorNamesTheOptionAndPosition) {
  Outcome r = run({contract_services()}, {{"warning-status", "%{state} eq"}});
  EXPECT_EQ(r.error, "Syntax error in --warning-status at position 12: unexpected end of expression");
  Outcome unknown_var = run({contract_services()}, {{"critical-status", "%{status} eq \"x\""}});
  ASSERT_TRUE(unknown_var.error);
  EXPECT_EQ(unknown_var.error->rfind("Syntax error in --critical-status at position 1: unknown variable %{status}", 0),
            0u)
      << *unknown_var.error;
}

// --- Licenses ----------------------------------------------------------------------------------------

CounterGroup contract_licenses(std::optional<std::string> status, std::optional<double> days) {
  CounterGroup group = licenses_group();
  group.global["upgrade_protection_status"] = status ? Value::of(*status) : Value::none();
  group.global["upgrade_protection_expires_days"] = days ? Value::of(*days) : Value::none();
  return group;
}

TEST(LicensesCounters, Licensed) {
  Outcome r = run({contract_licenses("licensed", 120)});
  EXPECT_EQ(r.text,
            "OK: upgrade protection status is licensed - upgrade protection expires in 120 days | "
            "'license.upgrade.protection.expires.days.count'=120;;;0;\n");
}

TEST(LicensesCounters, Expired) {
  Outcome r = run({contract_licenses("expired", -5)});
  EXPECT_EQ(
      r.text,
      "CRITICAL: upgrade protection status is expired | 'license.upgrade.protection.expires.days.count'=-5;;;0;\n");
  EXPECT_EQ(r.exit_code, 2);
}

TEST(LicensesCounters, DaysThresholds) {
  Outcome r = run({contract_licenses("licensed", 120)}, {{"warning-upgrade-protection-expires-days", "200:"},
                                                         {"critical-upgrade-protection-expires-days", "30:"}});
  EXPECT_EQ(r.text,
            "WARNING: upgrade protection expires in 120 days | "
            "'license.upgrade.protection.expires.days.count'=120;200:;30:;0;\n");
  EXPECT_EQ(r.exit_code, 1);

  Outcome both =
      run({contract_licenses("expired", 3)}, {{"critical-license-upgrade-protection-expires-days-count", "7:"}});
  EXPECT_EQ(both.text,
            "CRITICAL: upgrade protection status is expired - upgrade protection expires in 3 days | "
            "'license.upgrade.protection.expires.days.count'=3;;7:;0;\n");
}

TEST(LicensesCounters, NullDaysSkipped) {
  Outcome r = run({contract_licenses("licensed", std::nullopt)});
  EXPECT_EQ(r.text,
            "OK: upgrade protection status is licensed - upgrade-protection-expires-days : skipped (no value(s))\n");
  RenderOptions verbose;
  verbose.verbose = true;
  EXPECT_EQ(run({contract_licenses("licensed", std::nullopt)}, {}, verbose).text, r.text)
      << "a global group has no long output";
}

TEST(LicensesCounters, StatusOptions) {
  Outcome cleared = run({contract_licenses("expired", -5)}, {{"critical-upgrade-protection-status", ""}});
  EXPECT_EQ(cleared.text,
            "OK: upgrade protection status is expired - upgrade protection expires in -5 days | "
            "'license.upgrade.protection.expires.days.count'=-5;;;0;\n");
  Outcome warning = run({contract_licenses("licensed", 120)},
                        {{"warning-upgrade-protection-status", "%{upgrade_protection_status} eq \"licensed\""}});
  EXPECT_EQ(warning.text,
            "WARNING: upgrade protection status is licensed | "
            "'license.upgrade.protection.expires.days.count'=120;;;0;\n");
}

// --- JSON ----------------------------------------------------------------------------------------------

TEST(CountersJson, PerfdataCarriesMetricNameAndInstance) {
  CounterGroup group = spools_group();
  add_spool(group, "default", Value::of(6));
  add_spool(group, "it's", Value::of(2));
  RenderOptions json;
  json.json = true;
  json.mode_name = "spools";
  auto perfdatas =
      nlohmann::json::parse(run({group}, {{"warning-spool-messages", "10"}}, json).text)["plugin"]["perfdatas"];
  ASSERT_EQ(perfdatas.size(), 2u);
  EXPECT_EQ(perfdatas[0]["label"], "default#spool.messages.count");
  EXPECT_EQ(perfdatas[0]["nlabel"], "spool.messages.count");
  EXPECT_EQ(perfdatas[0]["instances"], "default");
  EXPECT_EQ(perfdatas[0]["value"], "6");
  EXPECT_EQ(perfdatas[0]["warning"], "0:10");
  EXPECT_EQ(perfdatas[0]["min"], "0");
  EXPECT_EQ(perfdatas[0]["mode"], "spools");
  EXPECT_EQ(perfdatas[1]["instances"], "it's");
  EXPECT_EQ(perfdatas[1]["label"], "it''s#spool.messages.count") << "quotes doubled in the label, as Centreon";

  auto global = nlohmann::json::parse(run({contract_licenses("licensed", 120)}, {}, json).text)["plugin"]["perfdatas"];
  ASSERT_EQ(global.size(), 1u);
  EXPECT_EQ(global[0]["nlabel"], "license.upgrade.protection.expires.days.count");
  EXPECT_FALSE(global[0].contains("instances")) << "a global counter has no instance";
}

TEST(CountersJson, OkMessagesAreListedEvenWhenNotOk) {
  RenderOptions json;
  json.json = true;
  auto plugin = nlohmann::json::parse(run({contract_services({"xmpp"})}, {}, json).text)["plugin"];
  EXPECT_EQ(plugin["exit"], "CRITICAL");
  ASSERT_EQ(plugin["outputs"].size(), 2u);
  EXPECT_EQ(plugin["outputs"][0]["msg"], "CRITICAL: Service 'xmpp' state is inactive");
  EXPECT_EQ(plugin["outputs"][1]["msg"], "OK: All services are ok");
  EXPECT_TRUE(plugin["perfdatas"].empty()) << "no perfdata for services";
}

// --- --filter-counters ---------------------------------------------------------------------------------

Regex filter(std::string_view pattern) {
  Regex::Error error;
  Regex re = Regex::compile(pattern, "", &error);
  EXPECT_TRUE(re.valid()) << error.message;
  return re;
}

TEST(FilterCounters, KeepsMatchingCounterLabels) {
  Outcome r = run({contract_licenses("expired", 120)}, {}, {}, filter("days"));
  EXPECT_EQ(r.text,
            "OK: upgrade protection expires in 120 days | 'license.upgrade.protection.expires.days.count'=120;;;0;\n");
  Outcome status_only = run({contract_licenses("expired", 120)}, {}, {}, filter("status$"));
  EXPECT_EQ(status_only.text, "CRITICAL: upgrade protection status is expired\n");
}

TEST(FilterCounters, MatchingEverything) {
  Outcome r = run({contract_spools()}, {{"warning-spool-messages", "10"}}, {}, filter("spool-messages"));
  EXPECT_EQ(r.text.substr(0, r.text.find(" |")),
            "WARNING: Spool 'quarantine_limit' messages: 5000 - Spool 'spool_limit' messages: 50000 - "
            "Spool 'waiting' messages: 31");
}

TEST(FilterCounters, MatchingNothingLeavesNoMessageAndNoPerfdata) {
  Outcome r = run({contract_spools()}, {{"critical-spool-messages", "1"}}, {}, filter("nothing"));
  EXPECT_EQ(r.text, "OK:\n");
  EXPECT_EQ(r.exit_code, 0);
}

// --- Values and templates ---------------------------------------------------------------------------------

TEST(Values, AsText) {
  EXPECT_EQ(Value::of(6).as_text(), "6");
  EXPECT_EQ(Value::of(-5).as_text(), "-5");
  EXPECT_EQ(Value::of(1.5).as_text(), "1.5");
  EXPECT_EQ(Value::of(std::string("running")).as_text(), "running");
  EXPECT_EQ(Value::none().as_text(), "");
  EXPECT_FALSE(Value::none().present());
  EXPECT_TRUE(Value::of(0).present());
  EXPECT_TRUE(Value::of(std::string()).present());
}

TEST(Values, TemplatesFormatLikePerlsSprintf) {
  CounterGroup group;
  group.kind = CounterGroup::Kind::Global;
  group.message_separator = ", ";
  Counter truncated;
  truncated.label = "a";
  truncated.nlabel = "a.count";
  truncated.key = "a";
  truncated.output_template = "a: %d items";
  Counter decimals = truncated;
  decimals.label = "b";
  decimals.nlabel = "b.ratio";
  decimals.key = "b";
  decimals.output_template = "b: %.2f%%";
  decimals.perfdata_template = "%.3f";
  decimals.unit = "%";
  Counter text = truncated;
  text.label = "c";
  text.nlabel = "c.value";
  text.key = "c";
  text.output_template = "c=%s";
  text.perfdata_template = "%s";
  Counter no_perf = truncated;
  no_perf.label = "d";
  no_perf.nlabel = "d.count";
  no_perf.key = "d";
  no_perf.perfdata = false;
  no_perf.output_template = "d: %i";
  group.counters = {truncated, decimals, text, no_perf};
  group.global = {{"a", Value::of(6.9)}, {"b", Value::of(12.3456)}, {"c", Value::of(0.25)}};
  Outcome r = run({group});
  EXPECT_EQ(r.text,
            "OK: a: 6 items, b: 12.35%, c=0.25, d : skipped (no value(s)) | 'a.count'=6;;;; "
            "'b.ratio'=12.346%;;;; 'c.value'=0.25;;;;\n");

  group.global["a"] = Value::of(-6.9);
  group.global["d"] = Value::of(1e20);
  r = run({group});
  EXPECT_EQ(r.text.substr(0, r.text.find(" |")), "OK: a: -6 items, b: 12.35%, c=0.25, d: 100000000000000000000");
}

TEST(Values, SeveralGroupsInOrder) {
  CounterGroup licenses = contract_licenses("licensed", 120);
  CounterGroup spools = spools_group();
  add_spool(spools, "default", Value::of(6));
  Outcome r = run({licenses, spools}, {{"critical-spool-messages", "1"}});
  EXPECT_EQ(r.text,
            "CRITICAL: Spool 'default' messages: 6 | 'license.upgrade.protection.expires.days.count'=120;;;0; "
            "'default#spool.messages.count'=6;;0:1;0;\n");
}

}  // namespace
}  // namespace check_mail::output
