#include "report_formats.hpp"

#include "check_mail/util/strings.hpp"

namespace check_mail::output {
namespace {

std::string xml_text(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '\r': out += "&#13;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string element(const std::string& indent, const std::string& name, const std::string& text) {
  if (text.empty()) return indent + "<" + name + "/>\n";
  return indent + "<" + name + ">" + xml_text(text) + "</" + name + ">\n";
}

std::string quoted_label(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c == '\n' ? ' ' : c;
  }
  return out;
}

}  // namespace

std::string render_xml(const std::string& plugin, const std::string& mode, const std::string& exit,
                       const std::vector<OutputEntry>& outputs, const std::vector<Perfdata>& perfdata) {
  std::string xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<plugin>\n";
  xml += element("  ", "name", plugin) + element("  ", "mode", mode) + element("  ", "exit", exit);
  if (outputs.empty()) {
    xml += "  <outputs/>\n";
  } else {
    xml += "  <outputs>\n";
    for (const OutputEntry& entry : outputs) {
      xml += "    <output>\n" + element("      ", "type", std::to_string(entry.type));
      if (entry.type == 1) xml += element("      ", "exit", entry.exit);
      xml += element("      ", "msg", entry.msg) + "    </output>\n";
    }
    xml += "  </outputs>\n";
  }
  if (perfdata.empty()) {
    xml += "  <perfdatas/>\n";
  } else {
    xml += "  <perfdatas>\n";
    for (const Perfdata& p : perfdata) {
      xml += "    <perfdata>\n";
      xml += element("      ", "label", util::replace_all(p.label, "'", "''")) + element("      ", "value", p.value) +
             element("      ", "unit", p.unit) + element("      ", "warning", p.warning) +
             element("      ", "critical", p.critical) + element("      ", "min", p.min) +
             element("      ", "max", p.max) + element("      ", "mode", mode);
      if (!p.nlabel.empty()) xml += element("      ", "nlabel", p.nlabel);
      if (!p.instance.empty()) xml += element("      ", "instances", p.instance);
      xml += "    </perfdata>\n";
    }
    xml += "  </perfdatas>\n";
  }
  return xml + "</plugin>\n";
}

std::string render_openmetrics(const std::string& plugin, const std::string& mode,
                               const std::vector<Perfdata>& perfdata, long long timestamp_ms) {
  std::string out;
  for (const Perfdata& p : perfdata) {
    std::string label = util::replace_all(p.label, "'", "''");
    std::string instance;
    auto hash = label.find('#');
    if (hash != std::string::npos) {
      instance = label.substr(0, hash);
      label = label.substr(hash + 1);
    }
    std::string bucket = "{plugin=\"" + quoted_label(plugin) + "\",mode=\"" + quoted_label(mode) + "\"";
    for (const auto& [name, value] : {std::pair<const char*, const std::string*>{"unit", &p.unit},
                                      {"warning", &p.warning},
                                      {"critical", &p.critical},
                                      {"min", &p.min},
                                      {"max", &p.max},
                                      {"instance", &instance}})
      if (!value->empty()) bucket += std::string(",") + name + "=\"" + quoted_label(*value) + "\"";
    out += label + bucket + "} " + p.value + " " + std::to_string(timestamp_ms) + "\n";
  }
  return out;
}

}  // namespace check_mail::output
