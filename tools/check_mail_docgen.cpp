// check_mail_docgen man|icinga2 [FILE]: prints (or writes to FILE) the man page or the Icinga 2
// CheckCommand objects generated from check_mail's option and mode declarations. A separate
// program so that check_mail itself carries none of this (see src/cli/man_page.cpp).
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>

#include "man_page.hpp"

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3 || (std::strcmp(argv[1], "man") != 0 && std::strcmp(argv[1], "icinga2") != 0)) {
    std::fprintf(stderr, "usage: %s man|icinga2 [OUTPUT-FILE]\n", argv[0]);
    return 2;
  }
  const std::string text =
      std::strcmp(argv[1], "man") == 0 ? check_mail::cli::man_page() : check_mail::cli::icinga2_commands();
  if (argc == 2) {
    std::cout << text;
    return std::cout.good() ? 0 : 1;
  }
  std::ofstream out(argv[2], std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    std::fprintf(stderr, "%s: cannot write %s\n", argv[0], argv[2]);
    return 1;
  }
  return 0;
}
