#pragma once
// What an IMAP and a POP3 session share: the options, the deadline, the result being filled,
// the current phase, the connection, and run(): the protocol's dialogue, a failure turned into
// the Result (with the server's refusal when there was one), a goodbye when the connection is
// still in step, and the connection closed with the total time.
#include <optional>

#include "check_mail/mailbox/mailbox.hpp"
#include "check_mail/protocol/line_protocol.hpp"

namespace check_mail::transport::mailbox {

class Session {
public:
  // options and deadline must outlive the session.
  Session(const Options& options, const Deadline& deadline);
  virtual ~Session() = default;
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // The whole check (call once). After a refusal the connection is still in step, so the
  // protocol's goodbye is sent; after transport failures it is not. Never throws.
  Result run() noexcept;

  // The steps every protocol starts with; each throws TransportError.
  void check_options() const;  // config errors, e.g. credentials without TLS
  void connect();              // DNS + TCP (+ implicit TLS)

  [[nodiscard]] const Result& result() const noexcept { return result_; }

protected:
  // The protocol's steps after connect(), in order.
  virtual void dialogue() = 0;
  // The server's refusal (text and code) for a failure of kind `rejected`, when there was one.
  virtual void describe_refusal(Failure& failure) const = 0;
  // Whether the goodbye may still be sent after a failure (not after IMAP's BYE, say).
  [[nodiscard]] virtual bool may_say_goodbye() const { return true; }
  // LOGOUT / QUIT: records its errors instead of throwing. Called by the protocol's steps as
  // say_goodbye(), which starts its bound and marks the end of the total time.
  virtual void goodbye() = 0;
  void say_goodbye();

  // The messages found stay found when deleting them does not finish: a delete that failed is
  // recorded (Result::delete_problem) and, when the connection is no longer in step, ends the
  // session without a goodbye.
  template <class Steps>
  void remove_found(Steps&& steps) {
    try {
      steps();
    } catch (const TransportError& error) {
      result_.delete_problem = error.what();
      if (protocol_) protocol_->note(std::string("delete not confirmed: ") + error.what());
      if (!leaves_dialogue_in_step(error.kind())) in_step_ = false;
    }
  }

  const Options& options_;
  const Deadline& deadline_;
  Result result_;
  Phase phase_ = Phase::dns;
  std::optional<Connection> connection_;
  std::optional<LineProtocol> protocol_;
  bool in_step_ = true;                                    // false once a step broke off mid-reply: no goodbye then
  std::optional<Deadline::Clock::time_point> goodbye_at_;  // the goodbye's start: the end of the total time
};

}  // namespace check_mail::transport::mailbox
