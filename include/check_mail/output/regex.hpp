#pragma once
// Perl-compatible regular expressions (PCRE2) for filters, status expressions and
// --change-short-output, so patterns written for Centreon's Perl plugins keep their meaning.
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace check_mail::output {

class Regex {
public:
  struct Error {
    std::string message;
    std::size_t offset = 0;
  };

  // flags: any of "imsx" (Perl modifiers).
  static Regex compile(std::string_view pattern, std::string_view flags, Error* error);
  static std::optional<Regex> try_compile(std::string_view pattern, std::string_view flags = "",
                                          Error* error = nullptr);

  Regex(Regex&&) noexcept;
  Regex& operator=(Regex&&) noexcept;
  ~Regex();

  [[nodiscard]] bool valid() const { return code_ != nullptr; }
  // Unanchored search, as Perl's =~.
  [[nodiscard]] bool search(std::string_view subject) const;
  // s/pattern/replacement/ (all matches when global); $1 and ${name} refer to groups.
  // nullopt when the replacement is invalid.
  [[nodiscard]] std::optional<std::string> substitute(std::string_view subject, std::string_view replacement,
                                                      bool global) const;

private:
  Regex() = default;
  void* code_ = nullptr;  // pcre2_code_8*, kept opaque so callers need no PCRE2 header
};

}  // namespace check_mail::output
