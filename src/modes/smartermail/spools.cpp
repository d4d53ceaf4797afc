// --mode=spools: message counts of every SmarterMail spool, one instance per spool.
#include "check_mail/modes/smartermail/modes.hpp"

#include "check_mail/modes/smartermail/api.hpp"

namespace check_mail::modes::smartermail {
namespace {

const std::string kEndpoint = "/settings/sysadmin/spool-message-counts";

std::vector<cli::OptionSpec> options() {
  auto specs = api_options();
  specs.push_back(instance_filter_option("spool"));
  return specs;
}

std::vector<output::CounterGroup> counters() {
  output::CounterGroup group;
  group.kind = output::CounterGroup::Kind::Instances;
  group.name = "spools";
  group.prefix = [](const std::string& name, const output::Values&) { return "Spool '" + name + "' "; };
  group.message_multiple = "All spools are ok";
  group.threshold_prefix = "instance-";
  output::Counter messages;
  messages.label = "spool-messages";
  messages.nlabel = "spool.messages.count";
  messages.key = "messages";
  messages.output_template = "messages: %d";
  messages.min = "0";
  group.counters = {messages};
  return {group};
}

void run(ModeRun& run) {
  auto filter = compile_filter(run.options, "filter-spool");
  Api api(run);
  map_spools(api.get(kEndpoint), filter, run.options.get("filter-spool"), run.groups.front(), run.report);
}

}  // namespace

void map_spools(const nlohmann::json& reply, const std::optional<output::Regex>& filter, const std::string& filter_text,
                output::CounterGroup& spools, output::Report& report) {
  map_instances(reply, {kEndpoint, "counts", "spool"}, filter, filter_text, spools, report,
                [](const std::string& name, const nlohmann::json& value) -> output::Values {
                  // Counts are whole numbers that a double holds exactly.
                  auto count = json_integer(value, kEndpoint, "spool '" + name + "' count", 0, 9007199254740992.0);
                  return {{"messages", count ? output::Value::of(*count) : output::Value::none()},
                          {"display", output::Value::of(name)}};
                });
}

const ModeDefinition kSpoolsMode{
    "spools",
    "SmarterMail spool message counts (REST API)",
    "Checks the number of messages in every SmarterMail spool (default, waiting, virus, spam, throttled "
    "users/domains/mailing lists, and the spool and quarantine limits), as Centreon's "
    "apps::smartermail::restapi::plugin does. Thresholds apply to each spool; perfdata "
    "'<spool>#spool.messages.count'.",
    "check_mail --mode=spools --hostname=mail.example.com --api-username=monitor "
    "--api-password-file=/etc/nagios/smartermail.pass --warning-spool-messages=1000 --critical-spool-messages=5000\n"
    "check_mail --mode=spools --hostname=mail.example.com --api-username=monitor --filter-spool='^(default|waiting)$' "
    "--critical-spool-messages=500",
    options,
    counters,
    run,
};

}  // namespace check_mail::modes::smartermail
