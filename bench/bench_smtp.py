"""The smtp mode against the tools it replaces, on the private Postfix + Dovecot stack (loopback).

Imported by bench/bench.py (`bench.py --only smtp`); reuses its Measure and compare helpers.
Three cases, each check_mail's median wall time over the reference's (the targets):

  (a) banner + EHLO + QUIT on the plain port: check_smtp vs check_mail                   <= 1.3
  (b) STARTTLS + AUTH LOGIN on submission: check_smtp -S -A LOGIN (no certificate
      verification) vs check_mail --starttls --cafile (chain and host name verified)    <= 1.1
  (c) a 1 MiB message over STARTTLS + AUTH PLAIN: curl --ssl-reqd --cacert -T file
      (libcurl's SMTP upload) vs check_mail --message-size=1048576 --cafile             <= 1.1

Then the start-up floor: an empty C program linked as check_smtp is (libssl, libcrypto) against an
empty C++ program linked as check_mail is (PCRE2, libssl, libcrypto and the shared C++ runtime),
and what that difference alone makes of (a) and (b): the best ratio any C++ program on these
shared libraries could reach, before doing any work.

The stack runs in a temporary directory on a free port base and is removed afterwards.
"""

import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, "tests", "e2e"))

from bench import Measure, compare  # noqa: E402  (bench.py's helpers, not copies)
from smtp_support import CHECK_SMTP, MailStack, require_executable  # noqa: E402

HOST = "127.0.0.1"
MESSAGE_SIZE = 1024 * 1024


def write_message(path, size, sender, recipient):
    """An RFC 5322 message of exactly `size` bytes with CRLF line ends (curl sends the file as is,
    dot-stuffing it on the fly)."""
    head = (f"From: SMTP Monitor <{sender}>\r\nTo: {recipient}\r\nSubject: SMTP Monitor Test Message\r\n"
            "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n").encode()
    line = b"curl padding 0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ01234\r\n"
    count, rest = divmod(size - len(head), len(line))
    body = line * count
    if rest == 1:  # no room for a line end: make the last line one byte longer
        body = body[:-2] + b"x\r\n"
    elif rest:
        body += b"x" * (rest - 2) + b"\r\n"
    with open(path, "wb") as f:
        f.write(head + body)
    assert os.path.getsize(path) == size


def build_empty_programs(directory):
    """Two programs that return at once: one linked as check_smtp, one as check_mail (ldd shows both)."""
    c_program, cxx_program = os.path.join(directory, "empty_c"), os.path.join(directory, "empty_cxx")
    source = b"int main(void) { return 0; }\n"
    subprocess.run(["cc", "-O2", "-x", "c", "-", "-o", c_program, "-Wl,--no-as-needed", "-lssl", "-lcrypto"],
                   input=source, check=True)
    subprocess.run(["c++", "-O2", "-x", "c++", "-", "-o", cxx_program, "-Wl,--no-as-needed", "-lpcre2-8", "-lssl",
                    "-lcrypto"], input=source, check=True)
    return c_program, cxx_program


def start_up_floor(runs, plain, starttls):
    """The shared C++ runtime's start-up cost, and the ratios of (a) and (b) it alone implies."""
    with tempfile.TemporaryDirectory(prefix="bench-floor-") as tmp:
        c_program, cxx_program = build_empty_programs(tmp)
        floor = compare("Start-up floor: empty programs, linked as check_smtp (C) and as check_mail (C++)",
                        Measure("empty C (libssl, libcrypto)", [c_program]),
                        Measure("empty C++ (+PCRE2, libstdc++)", [cxx_program]), runs)
    extra_ms = floor["candidate_ms"] - floor["reference_ms"]
    print(f"  the C++ runtime alone adds {extra_ms:.2f} ms a run: with no other cost, (a) would be at best "
          f"{(plain['reference_ms'] + extra_ms) / plain['reference_ms']:.3f} (target 1.3) and (b) "
          f"{(starttls['reference_ms'] + extra_ms) / starttls['reference_ms']:.3f} (target 1.1)")
    return floor


def bench_smtp(check_mail, runs):
    require_executable(CHECK_SMTP, "apt-get install monitoring-plugins-basic")
    require_executable("curl", "apt-get install curl")
    stack = MailStack().start()
    results = []
    try:
        user, password, ca = stack["USER"], stack["PASS"], stack["CA"]
        plain, submission = str(stack.port("SMTP")), str(stack.port("SUBMISSION"))
        print(f"\nmail stack: Postfix {HOST}:{plain} (plain), :{submission} (submission, STARTTLS + AUTH)")

        reference = Measure("check_smtp", [CHECK_SMTP, "-H", HOST, "-p", plain])
        candidate = Measure("check_mail", [check_mail, "--mode=smtp", "-H", HOST, "-p", plain])
        results.append(compare("SMTP banner + EHLO + QUIT (plain)", reference, candidate, runs, wall_target=1.3))

        reference = Measure("check_smtp -S -A LOGIN", [CHECK_SMTP, "-H", HOST, "-p", submission, "-S", "-A", "LOGIN",
                                                       "-U", user, "-P", password])
        candidate = Measure("check_mail (verified)", [check_mail, "--mode=smtp", "-H", HOST, "-p", submission,
                                                      "--starttls", f"--cafile={ca}", "--auth-type=login",
                                                      f"--username={user}", f"--password={password}"])
        results.append(compare("SMTP STARTTLS + AUTH LOGIN", reference, candidate, runs, wall_target=1.1))

        with tempfile.TemporaryDirectory(prefix="bench-smtp-") as tmp:
            sender = "SMTP-Monitor@example.test"
            message = os.path.join(tmp, "message.eml")
            write_message(message, MESSAGE_SIZE, sender, user)
            reference = Measure("curl -T (1 MiB)", [
                "curl", "--silent", "--show-error", "--ssl-reqd", "--cacert", ca, "--login-options", "AUTH=PLAIN",
                "--mail-from", sender, "--mail-rcpt", user, "-T", message, "-u", f"{user}:{password}",
                f"smtp://{HOST}:{submission}"])
            candidate = Measure("check_mail (1 MiB)", [
                check_mail, "--mode=smtp", "-H", HOST, "-p", submission, "--starttls", f"--cafile={ca}",
                "--auth-type=plain", f"--username={user}", f"--password={password}", f"--originator={sender}",
                f"--email={user}", f"--message-size={MESSAGE_SIZE}"])
            results.append(compare("SMTP 1 MiB message, STARTTLS + AUTH PLAIN", reference, candidate, runs,
                                   wall_target=1.1))
        results.append(start_up_floor(runs, results[0], results[1]))
    finally:
        stack.stop()
    return results
