#include "check_mail/modes/smartermail/pass_manager.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>

#include <nlohmann/json.hpp>

#include "check_mail/http/http.hpp"
#include "check_mail/modes/smartermail/json_path.hpp"
#include "check_mail/util/files.hpp"
#include "check_mail/util/strings.hpp"

namespace check_mail::modes::smartermail {
namespace {

using nlohmann::json;

const char* const kSupported = "environment, file, hashicorpvault";

// Centreon names options with '_' in its maps ("api_password"); ours use '-'.
std::string option_name(std::string name) {
  for (char& c : name)
    if (c == '_') c = '-';
  return name;
}

// "name=value" items of a repeatable option; items without '=' are skipped, as Centreon does.
std::vector<std::pair<std::string, std::string>> pairs(const cli::Options& options, const std::string& option) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const std::string& item : options.all(option)) {
    auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == item.size()) continue;
    out.emplace_back(item.substr(0, eq), item.substr(eq + 1));
  }
  return out;
}

// %{name} in text replaced by lookup(name) ("" when unknown), as the managers' maps do.
template <typename Lookup>
std::string expand(std::string text, const Lookup& lookup) {
  std::string out;
  std::size_t pos = 0;
  while (true) {
    auto start = text.find("%{", pos);
    auto end = start == std::string::npos ? std::string::npos : text.find('}', start + 2);
    if (end == std::string::npos) break;
    out += text.substr(pos, start - pos) + lookup(text.substr(start + 2, end - start - 2));
    pos = end + 1;
  }
  return out + text.substr(pos);
}

void map_options(cli::Options& options, const std::string& map_option,
                 const std::map<std::string, std::string>& values) {
  for (const auto& [option, map] : pairs(options, map_option)) {
    std::string value = expand(map, [&](const std::string& name) {
      auto it = values.find(name);
      return it == values.end() ? std::string() : it->second;
    });
    options.set(option_name(option), {value});
  }
}

void environment_manager(cli::Options& options) {
  for (const auto& [option, variable] : pairs(options, "environment-map-option")) {
    const char* value = std::getenv(variable.c_str());
    options.set(option_name(option), {value ? value : ""});
  }
}

void file_manager(cli::Options& options, ModeRun& run) {
  std::string path = options.get("secret-file");
  if (path.empty()) return;  // as Centreon: nothing to read, nothing mapped
  std::string error;
  auto content = util::read_file(path, 4u << 20, &error);
  if (!content) throw CheckError("Cannot read secret file '" + path + "': " + error);
  json document = json::parse(*content, nullptr, false);
  if (document.is_discarded()) throw CheckError("Cannot decode secret file");
  std::map<std::string, std::string> found;
  for (const auto& [name, raw_path] : pairs(options, "secret-search-value")) {
    std::string json_path =
        expand(raw_path, [&](const std::string& option) { return options.get(option_name(option)); });
    std::string path_error;
    auto value = json_path_first(document, json_path, &path_error);
    if (!path_error.empty()) throw CheckError("--secret-search-value: " + path_error);
    found[name] = !value ? "" : value->is_string() ? value->get<std::string>() : value->dump();
    run.report.add_long("secret file: '" + util::sanitize_line(name) + "' " + (value ? "found" : "not found"), true);
  }
  map_options(options, "secret-map-option", found);
}

// ---- HashiCorp Vault (HTTP API v1; KV engine version 1 or 2)

struct Vault {
  Vault(cli::Options& o, ModeRun& r) : options(o), run(r) {}
  cli::Options& options;
  ModeRun& run;
  transport::HttpClient client{{}};
  std::string base;
  std::string token;

  json call(const std::string& method, const std::string& path, const std::string& body, long* status) {
    transport::HttpRequest request;
    request.method = method;
    request.url = base + path;
    request.headers = {"Accept: application/json", "Content-Type: application/json"};
    if (!token.empty()) request.headers.push_back("X-Vault-Token: " + token);
    request.body = body;
    transport::HttpResponse response;
    try {
      response = client.perform(request, run.deadline);
    } catch (const transport::HttpError& e) {
      throw CheckError(std::string("Vault: ") + e.what());
    }
    *status = response.status;
    json reply = json::parse(response.body, nullptr, false);
    if (reply.is_discarded() && response.status >= 200 && response.status < 300)
      throw CheckError("Cannot decode Vault JSON response (HTTP " + std::to_string(response.status) + ")");
    return reply;
  }

  static std::string first_error(const json& reply) {
    if (reply.is_object() && reply.contains("errors") && reply["errors"].is_array() && !reply["errors"].empty() &&
        reply["errors"][0].is_string())
      return util::sanitize_line(reply["errors"][0].get<std::string>(), 120);
    return "";
  }

  void login(const std::string& method) {
    // The settings each method posts, as Centreon's hashicorpvault manager sends them.
    static const std::map<std::string, std::vector<std::string>> kSettings = {
        {"azure", {"role", "jwt"}},
        {"cert", {"name"}},
        {"github", {"token"}},
        {"ldap", {"username", "password"}},
        {"okta", {"username", "password", "totp"}},
        {"radius", {"username", "password"}},
        {"userpass", {"username", "password"}}};
    std::map<std::string, std::string> settings;
    for (const auto& [key, value] : pairs(options, "auth-settings")) settings[key] = value;
    json login = json::object();
    for (const std::string& key : kSettings.at(method)) {
      if (!settings.count(key)) throw CheckError("Missing authentication setting: " + key);
      login[key] = settings[key];
    }
    std::string auth_path = util::to_lower(options.get("auth-path"));
    if (auth_path.empty()) auth_path = method;
    std::string path = "/v1/auth/" + auth_path + "/login/";
    if (method == "userpass") path += settings["username"];
    long status = 0;
    json reply = call("POST", path, login.dump(), &status);
    std::string error = first_error(reply);
    if (!error.empty())
      throw CheckError("Authentication endpoint returns error code '" + error +
                       "' (add --debug option for detailed message)");
    if (!reply.is_object() || !reply.contains("auth") || !reply["auth"].is_object() ||
        !reply["auth"].contains("client_token") || !reply["auth"]["client_token"].is_string())
      throw CheckError("Authentication endpoint returns no client token [code: '" + std::to_string(status) + "']");
    token = reply["auth"]["client_token"].get<std::string>();
  }

  // key_<path> and value_<path> of one secret.
  void read_secret(const std::string& secret_path, std::map<std::string, std::string>& lookups) {
    long status = 0;
    json reply = call("GET", "/v1/" + secret_path, "", &status);
    if (status < 200 || status >= 300) {
      std::string error = first_error(reply);
      throw CheckError("Vault request for secret '" + util::sanitize_line(secret_path, 120) + "' failed: HTTP " +
                       std::to_string(status) + (error.empty() ? "" : " (" + error + ")"));
    }
    if (!reply.is_object() || !reply.contains("data") || !reply["data"].is_object())
      throw CheckError("Vault secret '" + util::sanitize_line(secret_path, 120) + "': no 'data' in the reply");
    const json& data = reply["data"];
    const json* values = &data;
    if (data.contains("data") && data.contains("metadata") && data["metadata"].is_object()) {  // KV version 2
      const json& metadata = data["metadata"];
      bool deleted = metadata.contains("deletion_time") && metadata["deletion_time"].is_string() &&
                     !metadata["deletion_time"].get<std::string>().empty();
      bool destroyed = metadata.contains("destroyed") && metadata["destroyed"] == true;
      if (deleted || destroyed || !data["data"].is_object()) throw CheckError("This secret is not valid anymore");
      values = &data["data"];
    }
    if (values->size() > 1)
      throw CheckError(
          "Vault secret '" + util::sanitize_line(secret_path, 120) + "' holds " + std::to_string(values->size()) +
          " keys: %{key_...} and %{value_...} name one key per secret (Centreon would pick one at random)");
    for (auto it = values->begin(); it != values->end(); ++it) {
      lookups["key_" + secret_path] = it.key();
      lookups["value_" + secret_path] = it->is_string() ? it->get<std::string>() : it->dump();
    }
  }

  void run_manager() {
    std::string address = options.get("vault-address");
    if (address.empty()) throw CheckError("Please set the --vault-address option");
    std::string method = util::to_lower(options.get("auth-method"));
    if (method == "token" && options.get("vault-token").empty())
      throw CheckError("Please set the --vault-token option");
    if (options.all("secret-path").empty()) throw CheckError("Please set the --secret-path option");
    static const char* const kMethods[] = {"azure", "cert", "github", "ldap", "okta", "radius", "userpass", "token"};
    if (std::find(std::begin(kMethods), std::end(kMethods), method) == std::end(kMethods))
      throw CheckError("Incorrect or unsupported authentication method set in --auth-method");
    std::string protocol = util::to_lower(options.get("vault-protocol"));
    if (protocol != "http" && protocol != "https")
      throw CheckError("Unsupported protocol specified: '(" + options.get("vault-protocol") +
                       ")'. . Use either https or http.");
    auto port = util::parse_integer(options.get("vault-port"), 1, 65535);
    if (!port)
      throw CheckError("Wrong --vault-port value '" + util::sanitize_line(options.get("vault-port"), 40) + "'");
    bool ipv6 = address.find(':') != std::string::npos && address.front() != '[';
    base = protocol + "://" + (ipv6 ? "[" + address + "]" : address) + ":" + std::to_string(*port);
    transport::HttpOptions http;
    http.cafile = options.get("cafile");  // the trust of the API's own --cafile, else the system store
    client = transport::HttpClient(http);
    if (run.debug) client.set_trace([this](const std::string& line) { run.report.add_long("vault: " + line, true); });
    if (method == "token")
      token = options.get("vault-token");
    else
      login(method);
    std::map<std::string, std::string> lookups;
    for (const std::string& path : options.all("secret-path")) read_secret(path, lookups);
    map_options(options, "map-option", lookups);
  }
};

}  // namespace

std::vector<cli::OptionSpec> pass_manager_options() {
  const std::string section = "Centreon password managers";
  auto spec = [&](std::string name, std::string value, std::string help, std::string def = "",
                  bool repeatable = false) {
    return cli::OptionSpec{std::move(name), std::move(value), std::move(help), std::move(def), {}, "", repeatable,
                           false,           section};
  };
  return {
      spec("pass-manager", "NAME",
           "Take option values from a password manager: environment, file or hashicorpvault (keepass, teampass "
           "and centreonvault are refused with UNKNOWN)."),
      spec("environment-map-option", "OPTION=VAR", "environment: set OPTION from this environment variable.", "", true),
      spec("secret-file", "FILE", "file: the JSON secret file."),
      spec("secret-search-value", "NAME=PATH",
           "file: a value of the secret file ($.a.b, $..name, [N], [?($_->{k} =~ /re/)]); %{option} expands.", "",
           true),
      spec("secret-map-option", "OPTION=VALUE", "file: set OPTION, %{NAME} being a value found.", "", true),
      spec("vault-address", "HOST", "hashicorpvault: the Vault server."),
      spec("vault-port", "PORT", "hashicorpvault: its port.", "8200"),
      spec("vault-protocol", "http|https", "hashicorpvault: its protocol.", "http"),
      spec("vault-token", "TOKEN", "hashicorpvault: the token (auth-method token)."),
      spec("auth-method", "METHOD", "hashicorpvault: token, userpass, ldap, radius, okta, github, cert or azure.",
           "token"),
      spec("auth-path", "PATH", "hashicorpvault: the auth engine's mount path (default: the method)."),
      spec("auth-settings", "KEY=VALUE", "hashicorpvault: login settings (username=..., password=...).", "", true),
      spec("secret-path", "PATH", "hashicorpvault: a secret to read (KV v1 'kv/x', KV v2 'kv/data/x').", "", true),
      spec("map-option", "OPTION=VALUE", "hashicorpvault: set OPTION from %{key_PATH} or %{value_PATH}.", "", true),
  };
}

void apply_pass_manager(cli::Options& options, ModeRun& run) {
  if (!options.given("pass-manager") || options.get("pass-manager").empty()) return;
  std::string manager = options.get("pass-manager");
  if (manager == "environment") {
    environment_manager(options);
  } else if (manager == "file") {
    file_manager(options, run);
  } else if (manager == "hashicorpvault") {
    Vault(options, run).run_manager();
  } else if (manager == "keepass" || manager == "teampass" || manager == "centreonvault") {
    throw CheckError("--pass-manager=" + manager + " is not supported by check_mail (supported: " + kSupported + ")");
  } else {
    throw CheckError("Unknown --pass-manager '" + util::sanitize_line(manager, 40) + "' (supported: " + kSupported +
                     ")");
  }
}

}  // namespace check_mail::modes::smartermail
