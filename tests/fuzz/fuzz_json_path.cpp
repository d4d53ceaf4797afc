// --secret-search-value: smartermail::json_path_first, the JSONPath subset of the file password
// manager.
//   input: "<path>\n<JSON document>" (the document defaults to a small secret file).
// Invariants: never throws, recurses or loops without bound; a path outside the subset always
// says why; a path's result, when any, is a value of the document.
#include <string>

#include "check_mail/modes/smartermail/json_path.hpp"
#include "fuzz_support.hpp"

using namespace check_mail;
namespace sm = modes::smartermail;

namespace {

bool contains(const nlohmann::json& document, const nlohmann::json& value, int depth = 0) {
  if (document == value) return true;
  if (depth > 70 || !(document.is_object() || document.is_array())) return false;
  for (const auto& child : document)
    if (contains(child, value, depth + 1)) return true;
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = fuzz::as_text(data, size);
  auto newline = text.find('\n');
  std::string_view path = text.substr(0, newline);
  nlohmann::json document = nlohmann::json::parse(
      R"({"entries":[{"title":"SmarterMail","password":"p"},{"title":"x","password":1}],"a":{"b":[1,2,3]}})");
  if (newline != std::string_view::npos) {
    auto parsed = nlohmann::json::parse(text.substr(newline + 1), nullptr, false);
    if (!parsed.is_discarded()) document = parsed;
  }
  std::string error;
  auto value = sm::json_path_first(document, path, &error);
  if (!error.empty()) {
    FUZZ_CHECK(!value);
    return 0;
  }
  if (value) FUZZ_CHECK(contains(document, *value));
  return 0;
}
