#include "check_mail/cli/argument_scanner.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "check_mail/cli/command_line.hpp"
#include "check_mail/cli/mode_registry.hpp"

namespace check_mail::cli {
namespace {

OptionSpec spec(std::string name, std::string value_name, std::string shorts = "",
                std::vector<std::string> aliases = {}) {
  OptionSpec spec;
  spec.name = std::move(name);
  spec.value_name = std::move(value_name);
  spec.short_names = std::move(shorts);
  spec.aliases = std::move(aliases);
  return spec;
}

std::vector<OptionSpec> specs() {
  OptionSpec quit = spec("ignore-quit-failure", "", "q");
  quit.flag_takes_boolean = true;
  OptionSpec email = spec("email", "ADDRESS");
  email.repeatable = true;
  return {
      spec("hostname", "HOST", "H"),
      spec("port", "PORT", "p"),
      spec("password", "PASSWORD", "P", {"authpass"}),
      spec("insecure", ""),
      spec("verbose", "", "v"),
      spec("version", "", "V"),
      spec("starttls", "", "S"),
      email,
      quit,
  };
}

std::string usage_error(const std::vector<std::string>& args) {
  try {
    scan_arguments(args, specs());
  } catch (const UsageError& e) {
    return e.message;
  }
  ADD_FAILURE() << "no UsageError";
  return {};
}

TEST(ArgumentScanner, ValuesInEveryForm) {
  Options o = scan_arguments({"--hostname=a", "-p", "25", "-Pxy", "--email", "x@y", "--email=z@y"}, specs());
  EXPECT_EQ(o.get("hostname"), "a");
  EXPECT_EQ(o.get("port"), "25");
  EXPECT_EQ(o.get("password"), "xy");
  EXPECT_EQ(o.all("email"), (std::vector<std::string>{"x@y", "z@y"}));
}

TEST(ArgumentScanner, LastValueWinsAndAnOptionLastOnTheLineIsEmpty) {
  Options o = scan_arguments({"-p", "25", "--port=26", "--hostname"}, specs());
  EXPECT_EQ(o.get("port"), "26");
  EXPECT_TRUE(o.given("hostname"));
  EXPECT_EQ(o.get("hostname"), "");
}

TEST(ArgumentScanner, FlagClustersAndAValueAtTheEndOfACluster) {
  Options o = scan_arguments({"-vSv", "-SH", "host"}, specs());
  EXPECT_EQ(o.all("verbose").size(), 2u);
  EXPECT_TRUE(o.flag("starttls"));
  EXPECT_EQ(o.get("hostname"), "host");
}

TEST(ArgumentScanner, Issue14Item1FlagWithValueRefused) {
  for (const std::string arg : {"--insecure=false", "--insecure=0", "--insecure=no", "--verbose=x", "--insecure="})
    EXPECT_EQ(usage_error({arg}), "Option '--" + arg.substr(2, arg.find('=') - 2) + "' takes no value.") << arg;
}

TEST(ArgumentScanner, Issue14Item1IgnoreQuitTakesABooleanAsCheckSmtpUnderIcinga) {
  EXPECT_TRUE(scan_arguments({"-q", "true", "-H", "h"}, specs()).flag("ignore-quit-failure"));
  EXPECT_FALSE(scan_arguments({"-q", "false"}, specs()).flag("ignore-quit-failure"));
  EXPECT_TRUE(scan_arguments({"--ignore-quit-failure=yes"}, specs()).flag("ignore-quit-failure"));
  Options plain = scan_arguments({"-q", "-H", "h"}, specs());
  EXPECT_TRUE(plain.flag("ignore-quit-failure"));
  EXPECT_EQ(plain.get("hostname"), "h");
  EXPECT_NE(usage_error({"--ignore-quit-failure=maybe"}).find("takes no value other than true or false"),
            std::string::npos);
}

TEST(ArgumentScanner, Issue14Item2TheWordAfterAnOptionIsItsValue) {
  for (const std::string secret : {"--Sup3rS3cret!", "-pSecret", "-V", "--help", "--", "-", "--password=x"}) {
    Options o = scan_arguments({"-P", secret, "--hostname", "h"}, specs());
    EXPECT_EQ(o.get("password"), secret);
    EXPECT_EQ(o.get("hostname"), "h");
    EXPECT_FALSE(o.given("port"));
    EXPECT_FALSE(o.given("version"));
    EXPECT_EQ(scan_arguments({"--authpass", secret}, specs()).get("password"), secret);
  }
}

TEST(ArgumentScanner, Issue14Item2NoErrorQuotesAValue) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"--password=S3cret", "S3cret"}, {"S3cret"}, {"--insecure=S3cret"}}) {
    const std::string message = usage_error(args);
    EXPECT_EQ(message.find("S3cret"), std::string::npos) << message;
  }
}

// "--" ends the options, as Centreon's parser does: what follows is ignored, never echoed.
TEST(ArgumentScanner, DoubleDashEndsTheOptions) {
  Options o = scan_arguments({"-H", "a", "--", "S3cret", "--nope"}, specs());
  EXPECT_EQ(o.get("hostname"), "a");
}

TEST(ArgumentScanner, UnknownOptionsRefusedOrSkipped) {
  EXPECT_EQ(usage_error({"--nope"}), "Unknown option '--nope' (see --help)");
  EXPECT_EQ(usage_error({"-vx"}), "Unknown option '-x' (see --help)");
  Options o = scan_arguments({"--nope", "word", "-x", "-V"}, specs(), UnknownOptions::skip);
  EXPECT_TRUE(o.flag("version"));
}

// The first pass (before the mode is known) reads argv with every mode's declarations: a name
// must take a value in all modes or in none. One exception, read as a flag by the first pass
// (src/cli/command_line.cpp): Centreon's --ssl=VERSION of the SmarterMail modes against the smtp
// mode's --ssl flag.
TEST(ArgumentScanner, ModesAgreeOnWhichNamesTakeAValue) {
  std::map<std::string, bool> takes_value;
  takes_value.emplace("--ssl", true);
  for (const modes::ModeDefinition* mode : all_modes()) {
    for (const OptionSpec& spec : mode_option_specs(*mode)) {
      std::vector<std::string> names{"--" + spec.name};
      for (const std::string& alias : spec.aliases) names.push_back("--" + alias);
      for (char c : spec.short_names) names.push_back(std::string("-") + c);
      for (const std::string& name : names) {
        auto [it, inserted] = takes_value.emplace(name, !spec.value_name.empty());
        if (name == "--ssl") continue;
        EXPECT_EQ(it->second, !spec.value_name.empty()) << name << " in --mode=" << mode->name;
      }
    }
  }
}

}  // namespace
}  // namespace check_mail::cli
