#!/usr/bin/env python3
"""check_mail against the plugins it replaces, in one run, on loopback.

    bench/bench.py [--runs N] [--only smartermail|smtp|roundtrip] [--check-mail PATH]

Each case runs the reference plugin and check_mail in turn (interleaved, so drift in machine
load hits both alike), N times each after a warm-up, and prints the median and 90th percentile
wall time, the peak resident memory (from wait4), and check_mail's ratio to the reference with
the target from the issue. Exit status 0 even when a target is missed: this is a measurement,
the figures are for the notes.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, "tests", "servers"))
sys.path.insert(0, HERE)

CENTREON = "/usr/lib/nagios/plugins/centreon_plugins.pl"


GNU_TIME = "/usr/bin/time"


def run_once(argv, env=None):
    """Wall seconds and exit code of one run."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, _ = os.wait4(proc.pid, 0)
    return time.perf_counter() - start, os.waitstatus_to_exitcode(status)


def peak_rss_kib(argv, env=None):
    """Peak resident memory of one run, in KiB. Measured by GNU time, which forks the command
    from its own small process: a child of this Python process would inherit Python's peak in
    its rusage (Linux carries the pre-exec high-water mark across exec)."""
    with tempfile.NamedTemporaryFile("r") as out:
        subprocess.run([GNU_TIME, "-f", "%M", "-o", out.name] + argv, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, env=env)
        return int(out.read().split()[-1])


class Measure:
    def __init__(self, name, argv, env=None):
        self.name, self.argv, self.env = name, argv, env
        self.walls, self.rss, self.codes = [], [], set()

    def run(self):
        wall, code = run_once(self.argv, self.env)
        self.walls.append(wall)
        self.codes.add(code)

    def measure_memory(self, runs=5):
        self.rss = [peak_rss_kib(self.argv, self.env) for _ in range(runs)]

    @property
    def median_ms(self):
        return statistics.median(self.walls) * 1000

    @property
    def p90_ms(self):
        ordered = sorted(self.walls)
        return ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))] * 1000

    @property
    def peak_mib(self):
        return max(self.rss) / 1024


def compare(title, reference, candidate, runs, wall_target=None, memory_target=None):
    for _ in range(2):  # warm-up: caches, token files, page cache
        reference.run()
        candidate.run()
    reference.walls.clear(), candidate.walls.clear()
    for _ in range(runs):
        reference.run()
        candidate.run()
    reference.measure_memory()
    candidate.measure_memory()
    print(f"\n{title}  ({runs} runs each)")
    print(f"  {'tool':<28} {'median ms':>10} {'p90 ms':>10} {'peak MiB':>10}  exit codes")
    for m in (reference, candidate):
        print(f"  {m.name:<28} {m.median_ms:>10.2f} {m.p90_ms:>10.2f} {m.peak_mib:>10.1f}  {sorted(m.codes)}")
    wall_ratio = candidate.median_ms / reference.median_ms
    memory_ratio = candidate.peak_mib / reference.peak_mib
    line = f"  ratio {candidate.name}/{reference.name}: wall {wall_ratio:.3f}"
    if wall_target is not None:
        line += f" (target <= {wall_target:g}: {'met' if wall_ratio <= wall_target else 'MISSED'})"
    line += f", memory {memory_ratio:.3f}"
    if memory_target is not None:
        line += f" (target <= {memory_target:g}: {'met' if memory_ratio <= memory_target else 'MISSED'})"
    print(line)
    return {"case": title, "wall_ratio": wall_ratio, "memory_ratio": memory_ratio,
            "reference_ms": reference.median_ms, "candidate_ms": candidate.median_ms,
            "reference_mib": reference.peak_mib}


# A program that does nothing but load the distribution's libcurl as check_mail does (dlopen, lazy
# binding) and initialise it: the least memory any client on that library can peak at.
LIBCURL_FLOOR_SOURCE = b"""
#include <dlfcn.h>
int main(void) {
  void *curl = dlopen("libcurl.so.4", RTLD_LAZY);
  if (!curl) return 1;
  int (*global_init)(long) = (int (*)(long))dlsym(curl, "curl_global_init");
  return global_init && global_init(3) == 0 ? 0 : 1;
}
"""


def libcurl_memory_floor(centreon_peaks_mib):
    with tempfile.TemporaryDirectory(prefix="bench-floor-") as tmp:
        program = os.path.join(tmp, "libcurl_floor")
        subprocess.run(["cc", "-O2", "-x", "c", "-", "-o", program, "-ldl"], input=LIBCURL_FLOOR_SOURCE, check=True)
        floor = Measure("libcurl loaded and initialised, nothing else", [program])
        floor.run()
        floor.measure_memory()
    target = min(centreon_peaks_mib) / 4
    print(f"\nMemory floor of libcurl: a C program that only dlopen()s libcurl.so.4 and calls curl_global_init")
    verdict = "leaves room for the check" if floor.peak_mib < target else "is less than libcurl alone needs"
    print(f"  peak {floor.peak_mib:.1f} MiB (exit codes {sorted(floor.codes)}); the memory target, 1/4 of "
          f"Centreon's lower peak, is {target:.1f} MiB: it {verdict}")


def bench_smartermail(check_mail, runs):
    """spools over HTTP and over HTTPS (certificate verified by both tools), token cached."""
    from simctl import PASSWORD, USERNAME, Simulator

    results = []
    with Simulator(https=True) as sim, tempfile.TemporaryDirectory() as state:
        for proto, port in (("https", sim.https_port), ("http", sim.http_port)):
            common = ["--plugin=apps::smartermail::restapi::plugin", "--mode=spools", "--hostname=127.0.0.1",
                      f"--proto={proto}", f"--port={port}", f"--api-username={USERNAME}",
                      f"--api-password={PASSWORD}", f"--statefile-dir={state}"]
            # LWP verifies against the CA named in its environment; check_mail against --cafile.
            env = dict(os.environ, PERL_LWP_SSL_CA_FILE=sim.ca_file)
            reference = Measure("centreon_plugins.pl", ["perl", CENTREON] + common, env=env)
            candidate = Measure("check_mail", [check_mail] + common + [f"--cafile={sim.ca_file}"])
            results.append(compare(f"SmarterMail spools over {proto.upper()}, token cached", reference, candidate,
                                   runs, wall_target=1 / 10, memory_target=1 / 4))
    libcurl_memory_floor([result["reference_mib"] for result in results])
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--only", choices=["smartermail", "smtp", "roundtrip"])
    parser.add_argument("--check-mail", default=os.path.join(REPO, "build", "src", "check_mail"))
    args = parser.parse_args()
    check_mail = os.path.abspath(args.check_mail)
    if not os.access(GNU_TIME, os.X_OK):
        sys.exit("GNU time is needed for memory figures: apt-get install time (scripts/install-deps.sh)")
    if not os.access(check_mail, os.X_OK):
        sys.exit(f"check_mail not built at {check_mail} (run scripts/build.sh)")
    print(f"check_mail: {check_mail}; {os.cpu_count()} CPUs; loopback only")
    if args.only in (None, "smartermail"):
        bench_smartermail(check_mail, args.runs)
    if args.only in (None, "smtp"):
        try:
            from bench_smtp import bench_smtp
        except ImportError:
            print("\n(smtp benchmark not available yet)")
        else:
            bench_smtp(check_mail, args.runs)
    if args.only in (None, "roundtrip"):
        from bench_roundtrip import bench_roundtrip  # no reference plugin: where the time goes
        bench_roundtrip(check_mail, args.runs)


if __name__ == "__main__":
    main()
