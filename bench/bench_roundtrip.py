#!/usr/bin/env python3
"""A full roundtrip on loopback: check_mail --mode=roundtrip sends a test message through Postfix
(submission, STARTTLS + AUTH PLAIN, certificate verified) and polls Dovecot until it arrives, then
deletes it. Median wall time, and where it goes:

  smtp     the SMTP leg (connect, TLS, AUTH, message, QUIT)       roundtrip.smtp.time
  fetch    the poll that found the message (connect ... delete)  roundtrip.fetch.time
  waiting  between the two: idle sleeps and polls that came before the message did, i.e. waiting
           for Postfix to deliver            roundtrip.total.time - smtp - fetch
  process  start-up, option parsing, output: wall - roundtrip.total.time

"In the plugin" is smtp + fetch + process; "waiting for delivery" is waiting. The sessions include
the servers' own work (Dovecot spawns a login and an imap process per connection), so check_mail's
CPU time (from wait4) is printed too. On loopback Postfix
usually delivers while the first poll is still connecting and logging in, so that wait hides inside
the fetch figure: a second measurement times the delivery on its own, from the end of a
--mode=smtp run to the file appearing in the Maildir (polled every 0.2 ms).

    bench/bench_roundtrip.py [--runs N] [--check-mail PATH]     (or bench/bench.py --only roundtrip)

The stack runs in a temporary directory on a free port base and is removed afterwards.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, "tests", "e2e"))

from smtp_support import MailStack  # noqa: E402

HOST = "localhost"  # the test certificate's name
PERF_RE = re.compile(r"'([^']+)'=([0-9.]+)")


def run_once(argv):
    """Wall seconds, CPU seconds (user + system) of check_mail itself, exit code and perfdata
    (label -> float) of one run."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.stdout.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    line = out.split("\n", 1)[0]
    perf = {m.group(1): float(m.group(2)) for m in PERF_RE.finditer(line.split(" | ", 1)[-1])}
    return wall, usage.ru_utime + usage.ru_stime, proc.returncode, perf, line


def measure(title, argv, runs):
    for _ in range(2):  # warm-up: page cache, Dovecot's login processes
        run_once(argv)
    rows = []
    codes = set()
    for _ in range(runs):
        wall, cpu, code, perf, line = run_once(argv)
        codes.add(code)
        if code != 0:
            print(f"  run failed ({code}): {line[:300]}")
            continue
        total = perf["roundtrip.total.time.seconds"]
        smtp = perf["roundtrip.smtp.time.seconds"]
        fetch = perf["roundtrip.fetch.time.seconds"]
        rows.append({"wall": wall, "smtp": smtp, "fetch": fetch, "waiting": max(0.0, total - smtp - fetch),
                     "process": max(0.0, wall - total), "delivery": perf["roundtrip.delivery.time.seconds"],
                     "polls": perf["roundtrip.polls.count"], "cpu": cpu})
    if not rows:
        print(f"\n{title}: every run failed")
        return None
    med = {key: statistics.median(r[key] for r in rows) for key in rows[0]}
    wall = med["wall"]
    plugin = sum(statistics.median(r[k] for r in rows) for k in ("smtp", "fetch", "process"))
    print(f"\n{title}  ({len(rows)} runs, exit codes {sorted(codes)})")
    print(f"  median wall {wall * 1000:8.2f} ms   median delivery time (token sent -> seen) "
          f"{med['delivery'] * 1000:.2f} ms, median polls {med['polls']:g}")
    for key in ("smtp", "fetch", "process", "waiting"):
        print(f"  {key:<8} {med[key] * 1000:8.2f} ms  {med[key] / wall * 100:5.1f} % of the wall time")
    print(f"  => in the plugin's sessions and start-up {plugin / wall * 100:5.1f} %, waiting for delivery "
          f"{med['waiting'] / wall * 100:5.1f} % (shares of medians; they need not add up to exactly 100 %)")
    print(f"  check_mail's own CPU time (user + system) {med['cpu'] * 1000:.2f} ms = {med['cpu'] / wall * 100:.1f} % of "
          "the wall time; the rest of the sessions is the servers' work and the network")
    return {"case": title, "wall_ms": wall * 1000, "plugin_share": plugin / wall, "waiting_share": med["waiting"] / wall}


def delivery_latency(check_mail, stack, runs):
    """Median milliseconds from the end of a --mode=smtp run (the message accepted, QUIT done) to
    its file in the monitor Maildir: Postfix's queue and the LMTP delivery into Dovecot."""
    new_dir = os.path.join(stack["MAILDIR"], "new")
    argv = [check_mail, "--mode=smtp", f"--hostname={HOST}", f"--port={stack.port('SUBMISSION')}", "--starttls",
            f"--cafile={stack['CA']}", "--auth-type=plain", f"--username={stack['USER']}",
            f"--password={stack['PASS']}", f"--email={stack['USER']}"]
    latencies = []
    for _ in range(runs + 2):
        before = set(os.listdir(new_dir))
        proc = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True)
        end = time.perf_counter()
        if proc.returncode != 0:
            continue
        arrived = None
        while arrived is None and time.perf_counter() - end < 10:
            fresh = set(os.listdir(new_dir)) - before
            if fresh:
                arrived = time.perf_counter()
                for name in fresh:
                    os.remove(os.path.join(new_dir, name))
            else:
                time.sleep(0.0002)
        if arrived is not None:
            latencies.append(arrived - end)
    latencies = latencies[2:]  # warm-up
    if not latencies:
        print("\ndelivery latency: no message arrived")
        return None
    median = statistics.median(latencies) * 1000
    print(f"\nPostfix -> Dovecot delivery on its own ({len(latencies)} messages): median {median:.2f} ms after "
          "the SMTP check ended (0 when it was already there)")
    return median


def bench_roundtrip(check_mail, runs):
    stack = MailStack().start()
    try:
        common = [check_mail, "--mode=roundtrip", f"--hostname={HOST}", f"--cafile={stack['CA']}",
                  f"--username={stack['USER']}", f"--password={stack['PASS']}",
                  f"--smtp-port={stack.port('SUBMISSION')}", "--smtp-security=starttls", "--smtp-auth-type=plain",
                  f"--imap-port={stack.port('IMAPS')}", "--imap-security=ssl",
                  f"--pop3-port={stack.port('POP3S')}", "--pop3-security=ssl", "--timeout=20"]
        print(f"\nmail stack: Postfix submission :{stack.port('SUBMISSION')} -> LMTP -> Dovecot "
              f"IMAPS :{stack.port('IMAPS')}, POP3S :{stack.port('POP3S')}")
        results = []
        for fetch in ("imap", "pop3"):
            for interval in ("0.05", "1"):
                results.append(measure(f"roundtrip over {fetch.upper()}, --poll-interval={interval}",
                                       common + [f"--fetch-protocol={fetch}", f"--poll-interval={interval}"], runs))
        latency = delivery_latency(check_mail, stack, runs)
        if latency is not None and results:
            wall = results[0]["wall_ms"]
            print(f"  = {latency / wall * 100:.1f} % of the median IMAP roundtrip ({wall:.2f} ms), overlapped with the "
                  "first poll's connect and login")
        return [r for r in results if r]
    finally:
        stack.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--check-mail", default=os.path.join(REPO, "build", "src", "check_mail"))
    args = parser.parse_args()
    check_mail = os.path.abspath(args.check_mail)
    if not os.access(check_mail, os.X_OK):
        sys.exit(f"check_mail not built at {check_mail} (run scripts/build.sh)")
    print(f"check_mail: {check_mail}; {os.cpu_count()} CPUs; loopback only")
    bench_roundtrip(check_mail, args.runs)


if __name__ == "__main__":
    main()
