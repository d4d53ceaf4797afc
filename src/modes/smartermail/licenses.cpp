// --mode=licenses: upgrade protection state and days left of the SmarterMail license.
#include "check_mail/modes/smartermail/api.hpp"
#include "check_mail/modes/smartermail/modes.hpp"
#include "check_mail/util/strings.hpp"

namespace check_mail::modes::smartermail {
namespace {

const std::string kEndpoint = "/settings/sysadmin/license-notifications";

std::vector<cli::OptionSpec> options() { return api_options(); }

std::vector<output::CounterGroup> counters() {
  output::CounterGroup group;
  group.kind = output::CounterGroup::Kind::Global;
  group.name = "global";
  group.message_separator = " - ";
  output::Counter status;
  status.kind = output::Counter::Kind::Status;
  status.label = "upgrade-protection-status";
  status.key = "upgrade_protection_status";
  status.variables = {"upgrade_protection_status"};
  status.default_critical = "%{upgrade_protection_status} =~ /expired/";
  status.output = [](const output::Values& values) {
    return "upgrade protection status is " + values.at("upgrade_protection_status").as_text();
  };
  output::Counter days;
  days.label = "upgrade-protection-expires-days";
  days.nlabel = "license.upgrade.protection.expires.days.count";
  days.key = "upgrade_protection_expires_days";
  days.output_template = "upgrade protection expires in %d days";
  days.min = "0";
  group.counters = {status, days};
  return {group};
}

void run(ModeRun& run) {
  Api api(run);
  map_licenses(api.get(kEndpoint), run.groups.front());
}

}  // namespace

void map_licenses(const nlohmann::json& reply, output::CounterGroup& group) {
  if (!reply.is_object()) unexpected_reply(kEndpoint, "the reply is not a JSON object");
  output::Values& values = group.global;
  nlohmann::json none;
  auto days = json_integer(reply.value("daysUntilUpgradeProtectionExpires", none), kEndpoint,
                           "daysUntilUpgradeProtectionExpires", -1e9, 1e9);
  auto expired = json_flag(reply.value("isUpgradeProtectionExpired", none));
  values["upgrade_protection_expires_days"] = days ? output::Value::of(*days) : output::Value::none();
  values["upgrade_protection_status"] =
      expired ? output::Value::of(std::string(*expired ? "expired" : "licensed")) : output::Value::none();
}

const ModeDefinition kLicensesMode{
    "licenses",
    "SmarterMail license upgrade protection (REST API)",
    "Checks whether the SmarterMail upgrade protection has expired and how many days it has left. Status "
    "expressions use %{upgrade_protection_status} (licensed or expired; expired is CRITICAL by default); the days "
    "left take ranges and give the perfdata 'license.upgrade.protection.expires.days.count'.",
    "check_mail --mode=licenses --hostname=mail.example.com --api-username=monitor "
    "--api-password-file=/etc/nagios/sm.pass "
    "--warning-upgrade-protection-expires-days=30: --critical-upgrade-protection-expires-days=7:",
    options,
    counters,
    run,
};

}  // namespace check_mail::modes::smartermail
