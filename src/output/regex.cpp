#define PCRE2_CODE_UNIT_WIDTH 8
#include "check_mail/output/regex.hpp"

#include <pcre2.h>

namespace check_mail::output {
namespace {
pcre2_code* as_code(void* p) { return static_cast<pcre2_code*>(p); }

// Bounds for hostile patterns or subjects: a check must never spin on a regex.
constexpr uint32_t kMatchLimit = 1'000'000;
constexpr uint32_t kDepthLimit = 10'000;

pcre2_match_context* limited_context() {
  pcre2_match_context* context = pcre2_match_context_create(nullptr);
  if (context) {
    pcre2_set_match_limit(context, kMatchLimit);
    pcre2_set_depth_limit(context, kDepthLimit);
  }
  return context;
}
}  // namespace

Regex Regex::compile(std::string_view pattern, std::string_view flags, Error* error) {
  uint32_t options = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
  for (char f : flags) {
    switch (f) {
      case 'i': options |= PCRE2_CASELESS; break;
      case 'm': options |= PCRE2_MULTILINE; break;
      case 's': options |= PCRE2_DOTALL; break;
      case 'x': options |= PCRE2_EXTENDED; break;
      default:
        if (error) *error = {std::string("unknown regular expression modifier '") + f + "'", 0};
        return Regex();
    }
  }
  int code = 0;
  PCRE2_SIZE offset = 0;
  Regex regex;
  regex.code_ =
      pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), options, &code, &offset, nullptr);
  if (!regex.code_ && error) {
    PCRE2_UCHAR buffer[256];
    pcre2_get_error_message(code, buffer, sizeof buffer);
    *error = {reinterpret_cast<const char*>(buffer), static_cast<std::size_t>(offset)};
  }
  return regex;
}

std::optional<Regex> Regex::try_compile(std::string_view pattern, std::string_view flags, Error* error) {
  Regex regex = compile(pattern, flags, error);
  if (!regex.valid()) return std::nullopt;
  return regex;
}

Regex::Regex(Regex&& other) noexcept : code_(other.code_) { other.code_ = nullptr; }
Regex& Regex::operator=(Regex&& other) noexcept {
  if (this != &other) {
    if (code_) pcre2_code_free(as_code(code_));
    code_ = other.code_;
    other.code_ = nullptr;
  }
  return *this;
}
Regex::~Regex() {
  if (code_) pcre2_code_free(as_code(code_));
}

bool Regex::search(std::string_view subject) const {
  if (!code_) return false;
  pcre2_match_data* data = pcre2_match_data_create_from_pattern(as_code(code_), nullptr);
  pcre2_match_context* context = limited_context();
  int rc =
      pcre2_match(as_code(code_), reinterpret_cast<PCRE2_SPTR>(subject.data()), subject.size(), 0, 0, data, context);
  pcre2_match_context_free(context);
  pcre2_match_data_free(data);
  return rc >= 0;
}

std::optional<std::string> Regex::substitute(std::string_view subject, std::string_view replacement,
                                             bool global) const {
  if (!code_) return std::nullopt;
  uint32_t options = PCRE2_SUBSTITUTE_OVERFLOW_LENGTH | PCRE2_SUBSTITUTE_UNSET_EMPTY | PCRE2_SUBSTITUTE_UNKNOWN_UNSET |
                     (global ? PCRE2_SUBSTITUTE_GLOBAL : 0);
  std::string out(subject.size() + replacement.size() + 64, '\0');
  pcre2_match_context* context = limited_context();
  for (int attempt = 0; attempt < 2; ++attempt) {
    PCRE2_SIZE length = out.size();
    int rc = pcre2_substitute(as_code(code_), reinterpret_cast<PCRE2_SPTR>(subject.data()), subject.size(), 0, options,
                              nullptr, context, reinterpret_cast<PCRE2_SPTR>(replacement.data()), replacement.size(),
                              reinterpret_cast<PCRE2_UCHAR*>(out.data()), &length);
    if (rc == PCRE2_ERROR_NOMEMORY) {
      out.resize(length);
      continue;
    }
    pcre2_match_context_free(context);
    if (rc < 0) return std::nullopt;
    out.resize(length);
    return out;
  }
  pcre2_match_context_free(context);
  return std::nullopt;
}

}  // namespace check_mail::output
