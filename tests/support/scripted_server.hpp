#pragma once
// A scripted TCP server for transport tests. It listens on 127.0.0.1:<ephemeral> and runs in a
// thread of the test process, accepting one connection and playing a script of steps against
// it, so exact dialogues and faults (silence, trickling, floods, resets, TLS problems) can be
// reproduced deterministically. With Options::implicit_tls the connection starts with a TLS
// handshake (SMTPS-style) and the same script then runs over TLS.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "support/test_pki.hpp"

struct ssl_st;

namespace check_mail::test_support {

struct Step {
  enum class Kind {
    send,         // write text
    send_slowly,  // write text one byte per `delay`
    expect,       // read a line; it must equal text (or start with it when `prefix`)
    read_line,    // read and record any line
    read_data,    // read lines up to a lone "." (SMTP DATA); kept raw in data()
    read_any,     // wait for some bytes and discard them (e.g. a ClientHello)
    sleep,        // pause for `delay`
    close,        // orderly close
    reset,        // abortive close: RST via SO_LINGER 0
    flood,        // write `count` bytes of 'A' without any line end
    start_tls,    // TLS server handshake with `cert`
    silent,       // say nothing until the client goes away
    answer,       // read a line and send what `respond` makes of it (SASL servers)
  };
  Kind kind = Kind::send;
  std::string text;
  bool prefix = false;
  std::chrono::milliseconds delay{0};
  std::size_t count = 0;
  CertKey cert;
  // For answer: the reply to the line read; ssl is the server's TLS session (nullptr in plain
  // text), for channel bindings.
  std::function<std::string(const std::string& line, ssl_st* ssl)> respond;
};

namespace step {
Step send(std::string text);
Step send_slowly(std::string text, std::chrono::milliseconds per_byte);
Step expect(std::string line);
Step expect_prefix(std::string prefix);
Step read_line();
Step read_data();
Step read_any();
Step sleep(std::chrono::milliseconds duration);
Step close();
Step reset();
Step flood(std::size_t bytes);
Step start_tls(CertKey cert);
Step silent();
Step answer(std::function<std::string(const std::string& line, ssl_st* ssl)> respond);
}  // namespace step

// One script after another: a dialogue's usual opening, its own steps, its usual closing.
inline std::vector<Step> operator+(std::vector<Step> a, const std::vector<Step>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

class ScriptedServer {
public:
  struct Options {
    std::optional<CertKey> implicit_tls;  // handshake right after accept with this certificate
    int max_tls_version = 0;              // e.g. TLS1_2_VERSION to emulate an older server; 0: any
    // Upper bound on any single wait, so a broken test cannot hang the suite.
    std::chrono::milliseconds max_wait{10000};
  };

  explicit ScriptedServer(std::vector<Step> script) : ScriptedServer(std::move(script), Options{}) {}
  ScriptedServer(std::vector<Step> script, Options options);
  ~ScriptedServer();  // stops the script and joins the thread
  ScriptedServer(const ScriptedServer&) = delete;
  ScriptedServer& operator=(const ScriptedServer&) = delete;

  [[nodiscard]] std::uint16_t port() const { return port_; }
  // Waits until the script has finished (or timeout); true if it finished.
  bool wait_done(std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));

  // Script mismatches and unexpected I/O errors, in order ("expected 'EHLO x', got 'HELO x'").
  [[nodiscard]] std::vector<std::string> failures() const;
  // Every line read by expect/read_line/read_data steps.
  [[nodiscard]] std::vector<std::string> received_lines() const;
  // Raw content read by the last read_data step (lines joined with CRLF, final "." excluded).
  [[nodiscard]] std::string data() const;

private:
  class Peer;
  void run();
  void run_script(Peer& peer);
  void fail(const std::string& message);
  void record_line(const std::string& line);

  std::vector<Step> script_;
  Options options_;
  int listen_fd_ = -1;
  int wake_fd_ = -1;  // eventfd: written by the destructor to interrupt any wait
  std::uint16_t port_ = 0;

  mutable std::mutex mutex_;
  std::condition_variable done_cv_;
  bool done_ = false;
  std::vector<std::string> failures_;
  std::vector<std::string> lines_;
  std::string data_;
  std::thread thread_;
};

}  // namespace check_mail::test_support
