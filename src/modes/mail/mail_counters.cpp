#include "check_mail/modes/mail/mail_counters.hpp"

#include <utility>

namespace check_mail::modes::mail {

output::Counter figure(std::string label, std::string nlabel, std::string key, std::string output_template,
                       std::string unit, std::string perf_template) {
  output::Counter counter;
  counter.label = std::move(label);
  counter.nlabel = std::move(nlabel);
  counter.key = std::move(key);
  counter.output_template = std::move(output_template);
  counter.unit = std::move(unit);
  counter.perfdata_template = std::move(perf_template);
  counter.min = "0";
  counter.display_ok = false;
  return counter;
}

output::CounterGroup summary_group(std::string name) {
  output::CounterGroup group;
  group.kind = output::CounterGroup::Kind::Global;
  group.name = std::move(name);
  group.prefix = [](const std::string&, const output::Values& values) {
    auto it = values.find("summary");
    return it == values.end() ? std::string() : it->second.as_text() + ": ";
  };
  return group;
}

output::Counter status_counter(std::vector<std::string> variables) {
  output::Counter status;
  status.kind = output::Counter::Kind::Status;
  status.label = "status";
  status.key = "message";
  status.variables = std::move(variables);
  status.output = [](const output::Values& values) { return values.at("message").as_text(); };
  return status;
}

void put_value(output::Values& values, const char* key, const std::optional<double>& value) {
  if (value) values[key] = output::Value::of(*value);
}

}  // namespace check_mail::modes::mail
