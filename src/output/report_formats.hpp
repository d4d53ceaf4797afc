#pragma once
// The machine-readable outputs besides JSON, written as Centreon's output layer writes them:
// --output-xml (XML::LibXML's indented document) and --output-openmetrics (one sample a line).
#include <string>
#include <vector>

#include "check_mail/output/perfdata.hpp"

namespace check_mail::output {

struct OutputEntry {
  int type = 1;      // 1: status message, 2: long output line
  std::string exit;  // state label for type 1
  std::string msg;
};

std::string render_xml(const std::string& plugin, const std::string& mode, const std::string& exit,
                       const std::vector<OutputEntry>& outputs, const std::vector<Perfdata>& perfdata);

// A sample per perfdata, "<instance>#" moved into an instance label; timestamp in milliseconds.
std::string render_openmetrics(const std::string& plugin, const std::string& mode,
                               const std::vector<Perfdata>& perfdata, long long timestamp_ms);

}  // namespace check_mail::output
