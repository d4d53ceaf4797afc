// check_mail: parse, run one check, print its result, exit 0-3. Signals from the poller and a
// watchdog past the timeout still end in one UNKNOWN status line.
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
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

// What each handled signal ends the check with, rendered before the handlers are installed
// (plain, or JSON with --output-json): the handler only writes it.
struct Interrupt {
  int signal_number;
  const char* message;
  std::string text;
};
Interrupt g_interrupts[] = {
    {SIGTERM, "Interrupted by SIGTERM", {}},
    {SIGINT, "Interrupted by SIGINT", {}},
    {SIGHUP, "Interrupted by SIGHUP", {}},
    {SIGQUIT, "Interrupted by SIGQUIT", {}},
    {SIGUSR1, "Interrupted by SIGUSR1", {}},
    {SIGUSR2, "Interrupted by SIGUSR2", {}},
    {SIGALRM, "Check did not finish in time (watchdog)", {}},
};

// The handlers are installed first (a signal at start-up still ends in a plain status line);
// once the command line is parsed the texts are rendered as the result would be (JSON with
// --output-json), with the handled signals blocked so that a handler never reads a text being
// written.
void prepare_interrupts(const check_mail::output::RenderOptions& render) {
  sigset_t handled, previous;
  sigemptyset(&handled);
  for (const Interrupt& interrupt : g_interrupts) sigaddset(&handled, interrupt.signal_number);
  sigprocmask(SIG_BLOCK, &handled, &previous);
  for (Interrupt& interrupt : g_interrupts) interrupt.text = check_mail::cli::interrupt_text(render, interrupt.message);
  sigprocmask(SIG_SETMASK, &previous, nullptr);
}

// Async-signal-safe: a prepared message and _exit.
void on_signal(int signal_number) {
  check_mail::util::remove_unfinished_file();       // a state file being written: leave no temporary behind
  if (g_finishing.exchange(1)) {
    // main() is writing the result. The watchdog lets it finish: the result is what it waits
    // for (ending here lost the line being written). An interrupt ends it with the result's code.
    if (signal_number == SIGALRM) return;
    _exit(g_exit_code);
  }
  for (const Interrupt& interrupt : g_interrupts) {
    if (interrupt.signal_number != signal_number) continue;
    if (!interrupt.text.empty()) {
      write_all(interrupt.text.data(), interrupt.text.size());
    } else {  // before the texts are rendered
      write_all("UNKNOWN: ", 9);
      write_all(interrupt.message, std::strlen(interrupt.message));
      write_all("\n", 1);
    }
  }
  _exit(3);
}

void install_handlers() {
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ignore, nullptr);  // a closed peer is an error to report, not a death
  struct sigaction handler {};
  handler.sa_handler = on_signal;
  sigemptyset(&handler.sa_mask);
  // SIGQUIT would dump core, SIGUSR1/2 end the process silently: each ends in one status line too.
  constexpr int kEnding[] = {SIGTERM, SIGINT, SIGALRM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};
  for (int s : kEnding) sigaddset(&handler.sa_mask, s);  // one at a time
  for (int s : kEnding) sigaction(s, &handler, nullptr);
}

// The process holds passwords: no core file, and no ptrace or /proc/PID/mem by other
// processes of the same user.
void forbid_core_dumps() {
  const rlimit none{0, 0};
  setrlimit(RLIMIT_CORE, &none);
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
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

void on_started(double timeout_seconds, const check_mail::output::RenderOptions& render) {
  prepare_interrupts(render);
  arm_watchdog(timeout_seconds);
}

}  // namespace

int main(int argc, char** argv) {
  install_handlers();
  forbid_core_dumps();
  std::vector<std::string> args(argv + 1, argv + argc);
  check_mail::cli::Outcome outcome = check_mail::cli::run_check(args, on_started);
  g_exit_code = outcome.exit_code;
  if (g_finishing.exchange(1))
    for (;;) pause();  // a signal handler is printing "UNKNOWN: Interrupted" and ends the process
  write_all(outcome.text.data(), outcome.text.size());
#ifdef CHECK_MAIL_LEAK_CHECK
  prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);  // LeakSanitizer ptraces the process to stop its threads
  __lsan_do_leak_check();
#endif
  // Everything is written; skip the libraries' exit handlers (OpenSSL's clean-up is the
  // largest) since the process ends here anyway.
  _exit(outcome.exit_code);
}
