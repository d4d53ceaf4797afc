"""Running option_cases.py cases: the fixtures they need (Vault test server, secret file, scratch
directories), the placeholders in their arguments, and the comparisons of their outputs."""

import getpass
import json
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

import cases
import support

VAULT_SERVER = os.path.join(support.REPO, "tests", "servers", "vault_server.py")
VAULT_TOKEN = "root-t0ken"
VAULT_USERS = {"nagios": "n4gios"}


class Fixtures:
    """The Vault test server and a JSON secret file, both holding the simulator's API password."""

    def __enter__(self):
        self.dir = tempfile.TemporaryDirectory(prefix="option-cases-")
        config = {"token": VAULT_TOKEN, "users": VAULT_USERS,
                  "kv1": {"secret/smartermail": {"password": support.PASSWORD}},
                  "kv2": {"kv/data/smartermail": {"password": support.PASSWORD},
                          "kv/data/gone": {"password": "old"}},
                  "destroyed": ["kv/data/gone"]}
        config_path = os.path.join(self.dir.name, "vault.json")
        with open(config_path, "w") as f:
            json.dump(config, f)
        self.vault = subprocess.Popen([sys.executable, VAULT_SERVER, "--config", config_path],
                                      stdout=subprocess.PIPE, stdin=subprocess.DEVNULL)
        self.vault_port = json.loads(self.vault.stdout.readline())["port"]
        self.secret_file = os.path.join(self.dir.name, "secrets.json")
        with open(self.secret_file, "w") as f:
            json.dump({"entries": [{"title": "ldap", "password": "nope"},
                                   {"title": "SmarterMail API", "username": support.USERNAME,
                                    "password": support.PASSWORD}]}, f)
        os.chmod(self.secret_file, 0o600)
        return self

    def __exit__(self, *exc):
        self.vault.terminate()
        self.vault.wait(timeout=10)
        self.vault.stdout.close()
        self.dir.cleanup()


def placeholders(sim, fixtures, out_file):
    cert_dir = os.path.dirname(sim.ca_file)
    return {"https_port": sim.https_port, "ca_file": sim.ca_file,
            "server_cert": os.path.join(cert_dir, "server.pem"), "server_key": os.path.join(cert_dir, "server.key"),
            "vault_port": fixtures.vault_port, "secret_file": fixtures.secret_file, "out_file": out_file,
            "sim_password": support.PASSWORD, "user": getpass.getuser()}


def expand(text, values):
    # Only {name} placeholders: the options hold braces of their own (%{value}, $_->{title}).
    return re.sub(r"\{(" + "|".join(values) + r")\}", lambda m: str(values[m.group(1)]), text)


def run_case(program, case, sim, fixtures, timeout=60):
    """Run one case with program (an argv prefix). The result carries .target and .out_file_content."""
    with tempfile.TemporaryDirectory(prefix="option-run-") as scratch:
        out_file = os.path.join(scratch, "output.txt")
        values = placeholders(sim, fixtures, out_file)
        target = support.Target("127.0.0.1", sim.https_port if case.https else sim.http_port,
                                "https" if case.https else "http")
        statefile_dir = os.path.join(scratch, "state")
        os.mkdir(statefile_dir)
        pseudo = cases.Case(case.name, case.mode, omit=case.omit)
        args = support.plugin_args(pseudo, target, statefile_dir, ("--timeout=5",))
        args += [expand(a, values) for a in case.args]
        env = dict(os.environ)
        env.update({k: expand(v, values) for k, v in case.env})
        cwd = None
        if case.cwd_tmp:
            cwd = os.path.join(scratch, "cwd")
            os.makedirs(os.path.join(cwd, "cache"))
        argv = [*program, *args]
        start = support.time.monotonic()
        try:
            proc = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout, env=env,
                                  cwd=cwd)
            result = support.Result(argv, proc.stdout, proc.stderr, proc.returncode,
                                    support.time.monotonic() - start)
        except subprocess.TimeoutExpired as e:
            result = support.Result(argv, e.stdout or b"", b"[killed: hung]", -9, support.time.monotonic() - start)
        result.target = target
        result.out_file_content = open(out_file, "rb").read() if os.path.exists(out_file) else None
        result.values = values
        return result


def normalise(data, result, statefile_hint=b""):
    """Bytes with the run's ports and paths as placeholders, for golden files and comparisons."""
    values = result.values
    for name in ("ca_file", "server_cert", "server_key", "secret_file", "out_file"):
        data = data.replace(str(values[name]).encode(), ("{" + name + "}").encode())
    for name, port in (("https_port", values["https_port"]), ("vault_port", values["vault_port"]),
                       ("port", result.target.port)):
        data = data.replace(f":{port}".encode(), f":{{{name}}}".encode())
        data = data.replace(f"={port}".encode(), f"={{{name}}}".encode())
    data = re.sub(rb"/tmp/option-run-[A-Za-z0-9_]+", b"{scratch}", data)
    return data


# ------------------------------------------------------------ comparisons

def comparable(case, result):
    """What is compared for this case, normalised (bytes or a parsed structure)."""
    stdout = normalise(result.stdout, result)
    if case.compare == "first-line":
        return (result.exit, stdout.split(b"\n", 1)[0].rstrip(b" "))
    if case.compare == "stdout":
        return (result.exit, b"\n".join(line.rstrip(b" ") for line in stdout.rstrip(b"\n").split(b"\n")))
    if case.compare == "output-file":
        content = normalise(result.out_file_content or b"", result)
        return (result.exit, stdout, content.split(b"\n", 1)[0].rstrip(b" "))
    if case.compare == "openmetrics":
        lines = sorted(re.sub(rb" \d{13}$", b" {time}", line) for line in stdout.rstrip(b"\n").split(b"\n"))
        return (result.exit, lines)
    if case.compare == "xml":
        try:
            return (result.exit, xml_shape(ET.fromstring(stdout)))
        except ET.ParseError as e:
            return (result.exit, f"not XML: {e}: {stdout[:200]!r}")
    raise AssertionError(f"unknown comparison {case.compare}")


def xml_shape(element):
    """An element as a sortable tuple: children in any order (Centreon's come in Perl hash order)."""
    children = sorted(xml_shape(child) for child in element)
    return (element.tag, (element.text or "").strip(), tuple(children))


def meets(case, result):
    """None when result meets case.expect (and holds case.contains), else the reason."""
    if case.contains and case.contains.encode() not in result.stdout:
        return f"stdout lacks {case.contains!r}"
    if case.compare == "output-file":
        line = (result.out_file_content or b"").split(b"\n", 1)[0]
        shadow = support.Result(result.argv, line + b"\n", b"", result.exit, 0)
        return case.expect.check(shadow, result.target.port)
    return case.expect.check(result, result.target.port)
