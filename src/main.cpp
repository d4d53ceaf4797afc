// check_mail: parse, run one check, print its result, exit 0-3. Signals from the poller and a
// watchdog past the timeout still end in one UNKNOWN status line.
#include <signal.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <string>
#include <vector>

#include "check_mail/cli/command_line.hpp"
#include "check_mail/util/files.hpp"

// In an AddressSanitizer build, LeakSanitizer normally checks at exit(), which _exit() skips:
// check explicitly, so the sanitizer runs of the end-to-end tests see leaks too.
#if defined(__SANITIZE_ADDRESS__)
#define CHECK_MAIL_LEAK_CHECK 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CHECK_MAIL_LEAK_CHECK 1
#endif
#endif
#ifdef CHECK_MAIL_LEAK_CHECK
#include <sanitizer/lsan_interface.h>
#endif

namespace {

// Whoever sets it first writes the one status line: main() its result, or a signal handler
// (in whichever thread the signal lands) "UNKNOWN: Interrupted ...". Lock-free, so signal-safe.
std::atomic<int> g_finishing{0};
volatile sig_atomic_t g_exit_code = 3;  // the result's, set before main() claims g_finishing

void write_all(const char* data, std::size_t size) {
  while (size > 0) {
    ssize_t n = ::write(STDOUT_FILENO, data, size);
    if (n <= 0) return;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
}

// Async-signal-safe: a fixed message and _exit.
void on_signal(int signal_number) {
  check_mail::util::remove_unfinished_file();  // a state file being written: leave no temporary behind
  if (g_finishing.exchange(1)) _exit(g_exit_code);  // the result is on its way out: end with its code
  const char* text = signal_number == SIGTERM  ? "UNKNOWN: Interrupted by SIGTERM\n"
                     : signal_number == SIGINT ? "UNKNOWN: Interrupted by SIGINT\n"
                     : signal_number == SIGHUP ? "UNKNOWN: Interrupted by SIGHUP\n"
                                               : "UNKNOWN: Check did not finish in time (watchdog)\n";
  write_all(text, std::strlen(text));
  _exit(3);
}

void install_handlers() {
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ignore, nullptr);  // a closed peer is an error to report, not a death
  struct sigaction handler {};
  handler.sa_handler = on_signal;
  sigemptyset(&handler.sa_mask);
  for (int s : {SIGTERM, SIGINT, SIGALRM, SIGHUP}) sigaddset(&handler.sa_mask, s);  // one at a time
  for (int s : {SIGTERM, SIGINT, SIGALRM, SIGHUP}) sigaction(s, &handler, nullptr);
}

// The deadline ends every step in time; this timer is the backstop should anything block
// past it, firing a little after the timeout and before the poller's own limit.
void arm_watchdog(double seconds) {
  double at = seconds + 0.4;
  itimerval timer{};
  timer.it_value.tv_sec = static_cast<time_t>(at);
  timer.it_value.tv_usec = static_cast<suseconds_t>((at - static_cast<double>(timer.it_value.tv_sec)) * 1e6);
  setitimer(ITIMER_REAL, &timer, nullptr);
}

}  // namespace

int main(int argc, char** argv) {
  install_handlers();
  std::vector<std::string> args(argv + 1, argv + argc);
  check_mail::cli::Outcome outcome = check_mail::cli::run_check(args, arm_watchdog);
  g_exit_code = outcome.exit_code;
  if (g_finishing.exchange(1))
    for (;;) pause();  // a signal handler is printing "UNKNOWN: Interrupted" and ends the process
  write_all(outcome.text.data(), outcome.text.size());
#ifdef CHECK_MAIL_LEAK_CHECK
  __lsan_do_leak_check();
#endif
  // Everything is written; skip the libraries' exit handlers (OpenSSL's clean-up alone costs
  // a few hundred microseconds) since the process ends here anyway.
  _exit(outcome.exit_code);
}
