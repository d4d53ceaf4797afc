// --mode=services: the running state of every SmarterMail service, one instance per service.
#include "check_mail/modes/smartermail/api.hpp"
#include "check_mail/modes/smartermail/modes.hpp"

namespace check_mail::modes::smartermail {
namespace {

const std::string kEndpoint = "/settings/sysadmin/services";

std::vector<cli::OptionSpec> options() {
  auto specs = api_options();
  specs.push_back(instance_filter_option("service"));
  return specs;
}

std::vector<output::CounterGroup> counters() {
  output::CounterGroup group;
  group.kind = output::CounterGroup::Kind::Instances;
  group.name = "services";
  group.prefix = [](const std::string& name, const output::Values&) { return "Service '" + name + "' "; };
  group.message_multiple = "All services are ok";
  output::Counter status;
  status.kind = output::Counter::Kind::Status;
  status.label = "status";
  status.key = "state";
  status.variables = {"state", "display"};
  status.default_critical = "%{state} !~ /running/";
  status.output = [](const output::Values& values) { return "state is " + values.at("state").as_text(); };
  group.counters = {status};
  return {group};
}

void run(ModeRun& run) {
  auto filter = compile_filter(run.options, "filter-service");
  Api api(run);
  map_services(api.get(kEndpoint), filter, run.options.get("filter-service"), run.groups.front(), run.report);
}

}  // namespace

void map_services(const nlohmann::json& reply, const std::optional<output::Regex>& filter,
                  const std::string& filter_text, output::CounterGroup& services, output::Report& report) {
  map_instances(reply, {kEndpoint, "services", "service"}, filter, filter_text, services, report,
                [](const std::string& name, const nlohmann::json& value) -> output::Values {
                  // A null state is not running, as the original reads it: hiding it would hide a problem.
                  bool running = json_flag(value).value_or(false);
                  return {{"state", output::Value::of(std::string(running ? "running" : "inactive"))},
                          {"display", output::Value::of(name)}};
                });
}

const ModeDefinition kServicesMode{
    "services",
    "SmarterMail services running state (REST API)",
    "Checks that every SmarterMail service (spool, smtp, pop, imap, xmpp, ldap, indexing, ...) is running. "
    "Status expressions use %{state} (running or inactive) and %{display} (the service name); by default a "
    "service that is not running is CRITICAL. No perfdata.",
    "check_mail --mode=services --hostname=mail.example.com --api-username=monitor "
    "--api-password-file=/etc/nagios/sm.pass\n"
    "check_mail --mode=services --hostname=mail.example.com --api-username=monitor --filter-service='smtp|imap|pop' "
    "--warning-status='%{display} eq \"xmpp\" and %{state} ne \"running\"' --critical-status='%{display} ne \"xmpp\" "
    "and "
    "%{state} ne \"running\"'",
    options,
    counters,
    run,
};

}  // namespace check_mail::modes::smartermail
