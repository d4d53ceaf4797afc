"""The shipped definitions run by the real engines: Debian's Nagios 4 and Icinga 2.

    CHECK_MAIL_BIN=build/src/check_mail python3 -m unittest -v test_engines

Each engine gets a private configuration in a temporary directory (its own status, log, lock,
state and check result paths; no system daemon is touched), verifies it (`nagios4 -v`,
`icinga2 daemon -C`), then runs for as long as its services take to be checked once against the
project's loopback servers: the SmarterMail simulator (tests/servers/simctl.py) and the private
Postfix + Dovecot stack (tests/servers/mailstack/mailstack.sh, which needs root). The results
are read back from what the engine itself wrote: Nagios' status.dat, Icinga's perfdata files
and its state file.

Nothing is skipped: a missing engine, server or permission is a failure.
"""

import grp
import json
import os
import pwd
import re
import signal
import subprocess
import tempfile
import time
import unittest

import support
from smtp_support import DefinitionServers
from test_snippets import ICINGA, NAGIOS

NAGIOS4 = "/usr/sbin/nagios4"
ICINGA2 = "/usr/sbin/icinga2"
# Debian's stock object files: the templates the documentation's examples use (linux-server,
# generic-service), the contacts and time periods they name, check-host-alive.
NAGIOS_STOCK = ["/etc/nagios4/objects/templates.cfg", "/etc/nagios4/objects/timeperiods.cfg",
                "/etc/nagios4/objects/contacts.cfg", "/etc/nagios4/objects/commands.cfg",
                "/etc/nagios-plugins/config/ping.cfg"]
CHECKED_WITHIN = 120  # seconds for every service of a run to have been checked once


def setUpModule():
    global BINARY, WORK, PLUGIN_DIR, SERVERS, SIM, STACK
    BINARY = support.require_check_mail()
    for path in [NAGIOS4, ICINGA2] + NAGIOS_STOCK:
        if not os.path.exists(path):
            raise AssertionError(f"missing {path}: run scripts/install-deps.sh")
    WORK = tempfile.mkdtemp(prefix="cm-engines-", dir="/tmp")
    os.chmod(WORK, 0o755)
    SERVERS = DefinitionServers(BINARY, WORK)
    PLUGIN_DIR, SIM, STACK = SERVERS.plugin_dir, SERVERS.sim, SERVERS.stack


def tearDownModule():
    SERVERS.stop()


def private_dir(name):
    path = os.path.join(WORK, name)
    os.makedirs(path)
    return path


def secret_file(directory, name, secret):
    path = os.path.join(directory, name)
    with open(path, "w") as f:
        f.write(secret + "\n")
    os.chmod(path, 0o600)
    return path


def stop(process):
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        return process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.communicate()


def nagios_block(kind, fields):
    lines = [f"define {kind} {{"]
    for key, value in fields.items():
        lines.append(f"    {key:<32}{value}".rstrip())
    return "\n".join(lines + ["}", ""])


def read_status_dat(path):
    """servicestatus blocks of Nagios' status.dat -> {service_description: {key: value}}."""
    services = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    for body in re.findall(r"^servicestatus \{\n(.*?)^\t\}", text, re.M | re.S):
        fields = dict(line.strip().split("=", 1) for line in body.splitlines() if "=" in line)
        services[fields["service_description"]] = fields
    return services


class NagiosEngineTest(unittest.TestCase):
    """packaging/config/nagios/check_mail.cfg as Nagios 4 reads and runs it."""

    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.dir = private_dir("nagios")
        os.makedirs(os.path.join(cls.dir, "checkresults"))
        cls.statefiles = private_dir("nagios-statefiles")
        cls.api_password_file = secret_file(cls.dir, "smartermail.pass", support.PASSWORD)
        cls.smtp_password_file = secret_file(cls.dir, "smtp.pass", STACK["PASS"])
        cls.config = cls.write_config()

    @classmethod
    def write_config(cls):
        d = cls.dir
        user, group = pwd.getpwuid(os.geteuid()).pw_name, grp.getgrgid(os.getegid()).gr_name
        with open(os.path.join(d, "resource.cfg"), "w") as f:
            f.write(f"$USER1$={PLUGIN_DIR}\n")
        settings = {
            "log_file": f"{d}/nagios.log", "resource_file": f"{d}/resource.cfg",
            "status_file": f"{d}/status.dat", "status_update_interval": "1",
            "object_cache_file": f"{d}/objects.cache", "precached_object_file": f"{d}/objects.precache",
            "temp_file": f"{d}/nagios.tmp", "temp_path": d, "lock_file": f"{d}/nagios.lock",
            "state_retention_file": f"{d}/retention.dat", "retain_state_information": "0",
            "check_result_path": f"{d}/checkresults", "check_result_reaper_frequency": "1",
            "command_file": f"{d}/nagios.cmd", "check_external_commands": "0", "query_socket": f"{d}/nagios.qh",
            "nagios_user": user, "nagios_group": group, "use_syslog": "0", "enable_notifications": "0",
            "execute_host_checks": "0", "interval_length": "1", "service_inter_check_delay_method": "n",
            "max_concurrent_checks": "0", "service_check_timeout": "90",
            "illegal_macro_output_chars": "`~$&|'\"<>",
        }
        lines = [f"{k}={v}" for k, v in settings.items()]
        lines += [f"cfg_file={path}" for path in NAGIOS_STOCK + [NAGIOS, f"{d}/mail.cfg"]]
        with open(os.path.join(d, "nagios.cfg"), "w") as f:
            f.write("\n".join(lines) + "\n")

        sim_api = {"_SMARTERMAILAPIUSERNAME": support.USERNAME, "_SMARTERMAILAPIPASSWORD": support.PASSWORD,
                   "_SMARTERMAILAPIPROTO": "https", "_SMARTERMAILAPIPORT": SIM.https_port,
                   "_SMARTERMAILAPIEXTRAOPTIONS": f"--cafile={SIM.ca_file} --statefile-dir={cls.statefiles}"}
        hosts = {
            # check_mail.cfg's own example: user name and password only, the rest from the template.
            "smartermail-example": {"use": "check-mail-smartermail-api,linux-server",
                                    "_SMARTERMAILAPIUSERNAME": support.USERNAME,
                                    "_SMARTERMAILAPIPASSWORD": support.PASSWORD,
                                    "_SMARTERMAILAPIPROTO": "http", "_SMARTERMAILAPIPORT": SIM.http_port},
            "smartermail": {"use": "check-mail-smartermail-api,linux-server", **sim_api},
            # The documented recipe: no password variable, --api-password-file in the extra options.
            "smartermail-password-file": {
                "use": "check-mail-smartermail-api,linux-server",
                **{k: v for k, v in sim_api.items() if k != "_SMARTERMAILAPIPASSWORD"},
                "_SMARTERMAILAPIEXTRAOPTIONS": sim_api["_SMARTERMAILAPIEXTRAOPTIONS"]
                + f" --api-password-file={cls.api_password_file}"},
            # docs/integration.md's host: submission, STARTTLS, AUTH PLAIN, the password in a file.
            "smtp-submission": {"use": "check-mail-smartermail-api,check-mail-smtp,linux-server",
                                "_SMTPPORT": STACK["SUBMISSION_PORT"], "_SMTPSECURITY": "starttls",
                                "_SMTPAUTHTYPE": "plain", "_SMTPUSERNAME": STACK["USER"],
                                "_SMTPEXTRAOPTIONS": f"--password-file={cls.smtp_password_file} "
                                                     f"--cafile={STACK['CA']}"},
            "smtp-plain": {"use": "check-mail-smtp,linux-server", "_SMTPPORT": STACK["SMTP_PORT"]},
            "imap": {"use": "check-mail-imap,linux-server", "_IMAPPORT": STACK["IMAPS_PORT"],
                     "_IMAPUSERNAME": STACK["USER"], "_IMAPPASSWORD": STACK["PASS"],
                     "_IMAPEXTRAOPTIONS": f"--cafile={STACK['CA']}"},
            "pop3": {"use": "check-mail-pop3,linux-server", "_POP3PORT": STACK["POP3S_PORT"],
                     "_POP3USERNAME": STACK["USER"], "_POP3PASSWORD": STACK["PASS"],
                     "_POP3EXTRAOPTIONS": f"--cafile={STACK['CA']}"},
            "roundtrip": {"use": "check-mail-roundtrip,linux-server", "_ROUNDTRIPUSERNAME": STACK["USER"],
                          "_ROUNDTRIPPASSWORD": STACK["PASS"], "_ROUNDTRIPFETCHPROTOCOL": "pop3",
                          "_ROUNDTRIPEXTRAOPTIONS": f"--smtp-port={STACK['SUBMISSION_PORT']} --smtp-security=starttls "
                                                    f"--smtp-auth-type=plain --pop3-port={STACK['POP3S_PORT']} "
                                                    f"--pop3-security=ssl --cafile={STACK['CA']} --timeout=60"},
        }
        cls.services = {
            "spools-example": ("smartermail-example",
                               f"check_mail_spools!1000!5000!--filter-spool='^(default|waiting)$' "
                               f"--statefile-dir={cls.statefiles}"),
            "licenses": ("smartermail", "check_mail_licenses!30:!7:"),
            "services": ("smartermail", "check_mail_services!--filter-service='smtp|imap|pop'"),
            "spools-password-file": ("smartermail-password-file",
                                     "check_mail_spools!1000!5000!--filter-spool='^(default|waiting)$'"),
            "smtp-submission": ("smtp-submission", "check_mail_smtp!10!20!--timeout=20"),
            "smtp-plain": ("smtp-plain", "check_mail_smtp!10!20"),
            "imap": ("imap", "check_mail_imap!5!10"),
            "pop3": ("pop3", "check_mail_pop3!5!10!--warning-messages=100"),
            "roundtrip": ("roundtrip", "check_mail_roundtrip!20!30"),
        }
        text = ""
        for name, variables in hosts.items():
            text += nagios_block("host", {"host_name": name, "address": "127.0.0.1", **variables})
        for description, (host, command) in cls.services.items():
            text += nagios_block("service", {"use": "generic-service", "host_name": host,
                                             "service_description": description, "check_command": command,
                                             "max_check_attempts": 1, "check_interval": 600})
        with open(os.path.join(d, "mail.cfg"), "w") as f:
            f.write(text)
        return os.path.join(d, "nagios.cfg")

    def test_nagios_verifies_and_runs_the_shipped_commands(self):
        verified = subprocess.run([NAGIOS4, "-v", self.config], capture_output=True, text=True, timeout=60)
        self.assertEqual(verified.returncode, 0, verified.stdout[-3000:])
        self.assertRegex(verified.stdout, r"Total Errors:\s+0")

        status_file = os.path.join(self.dir, "status.dat")
        process = subprocess.Popen([NAGIOS4, self.config], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL)
        results = {}
        try:
            deadline = time.monotonic() + CHECKED_WITHIN
            while time.monotonic() < deadline and process.poll() is None:
                time.sleep(1)
                if os.path.exists(status_file):
                    results = read_status_dat(status_file)
                    if results and all(s.get("has_been_checked") == "1" for s in results.values()):
                        break
        finally:
            output, _ = stop(process)
        with open(os.path.join(self.dir, "nagios.log"), errors="replace") as f:
            log = f.read()
        self.assertEqual(set(results), set(self.services), f"Nagios output:\n{output[-2000:]}\nlog:\n{log[-3000:]}")
        for description, status in sorted(results.items()):
            with self.subTest(service=description):
                where = f"\n{description}: {status.get('plugin_output')!r}\n{status.get('long_plugin_output')!r}"
                self.assertEqual(status["has_been_checked"], "1", "not checked in time" + where)
                self.assertEqual(status["current_state"], "0", "state" + where)
                self.assertRegex(status["plugin_output"], r"^OK: ", where)
                self.assertNotIn("$_HOST", status["plugin_output"] + status["long_plugin_output"], where)
        self.assertNotIn(support.PASSWORD, log)
        self.assertNotIn(STACK["PASS"], log)


ICINGA_PERFDATA_FORMAT = r"$service.name$\t$service.state$\t$service.output$"


class IcingaEngineTest(unittest.TestCase):
    """packaging/config/icinga2/check_mail.conf and the ITL's smtp command pointed at check_mail,
    as Icinga 2 validates and runs them."""

    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.dir = private_dir("icinga2")
        for sub in ("perfdata", "data", "log", "cache", "spool", "run", "statefiles"):
            os.makedirs(os.path.join(cls.dir, sub))
        cls.config = cls.write_config()
        user, group = pwd.getpwuid(os.geteuid()).pw_name, grp.getgrgid(os.getegid()).gr_name
        d = cls.dir
        cls.defines = [f"-DDataDir={d}/data", f"-DLogDir={d}/log", f"-DCacheDir={d}/cache", f"-DSpoolDir={d}/spool",
                       f"-DInitRunDir={d}/run", f"-DRunAsUser={user}", f"-DRunAsGroup={group}"]

    @classmethod
    def write_config(cls):
        d = cls.dir
        stack_host = {"check_mail_username": STACK["USER"], "check_mail_cafile": STACK["CA"]}
        cls.services = {
            "spools": ("check_mail_spools", {
                "check_mail_api_username": support.USERNAME, "check_mail_api_password": support.PASSWORD,
                "check_mail_proto": "https", "check_mail_port": SIM.https_port, "check_mail_cafile": SIM.ca_file,
                "check_mail_statefile_dir": f"{d}/statefiles", "check_mail_warning_spool_messages": "1000",
                "check_mail_filter_spool": "^(default|waiting)$"}),
            "smtp": ("check_mail_smtp", {
                **stack_host, "check_mail_port": int(STACK["SUBMISSION_PORT"]), "check_mail_security": "starttls",
                "check_mail_auth_type": "plain", "check_mail_password": STACK["PASS"],
                "check_mail_warning_total_time": "10", "check_mail_timeout": 20}),
            "imap": ("check_mail_imap", {
                **stack_host, "check_mail_port": int(STACK["IMAPS_PORT"]), "check_mail_security": "ssl",
                "check_mail_password": STACK["PASS"], "check_mail_warning_login_time": "5"}),
            "pop3": ("check_mail_pop3", {
                **stack_host, "check_mail_port": int(STACK["POP3S_PORT"]), "check_mail_security": "ssl",
                "check_mail_password": STACK["PASS"]}),
            "roundtrip": ("check_mail_roundtrip", {
                **stack_host, "check_mail_smtp_port": int(STACK["SUBMISSION_PORT"]),
                "check_mail_smtp_security": "starttls", "check_mail_smtp_auth_type": "plain",
                "check_mail_smtp_password": STACK["PASS"], "check_mail_imap_port": int(STACK["IMAPS_PORT"]),
                "check_mail_imap_security": "ssl", "check_mail_imap_password": STACK["PASS"],
                "check_mail_timeout": 30}),
            # The ITL's smtp command with the program changed and two arguments added, as
            # docs/integration.md shows; its variables as a check_smtp service has them: -q true
            # included, no smtp_cafile (that argument is left out).
            "itl-smtp": ("smtp-check_mail", {"smtp_port": int(STACK["SMTP_PORT"]), "smtp_ignore_quit": True,
                                             "smtp_warning": 5, "smtp_critical": 10}),
            # STARTTLS and AUTH as the ITL passes them (-S, -A, -U, -P PASSWORD as two words), the
            # trust store added with arguments += as the documentation shows.
            "itl-smtp-starttls-auth": ("smtp-check_mail", {
                "smtp_port": int(STACK["SUBMISSION_PORT"]), "smtp_starttls": True, "smtp_authtype": "plain",
                "smtp_authuser": STACK["USER"], "smtp_authpass": STACK["PASS"],
                "smtp_ignore_quit": True, "smtp_cafile": STACK["CA"]}),
        }

        def value(v):
            if isinstance(v, bool):
                return "true" if v else "false"
            if isinstance(v, int):
                return str(v)
            return json.dumps(v.replace("$", "$$"))  # a literal $ in an Icinga string is $$

        text = f'const PluginDir = {json.dumps(PLUGIN_DIR)}\ninclude <itl>\ninclude <plugins>\n'
        text += f"include {json.dumps(ICINGA)}\n"
        text += """
object CheckCommand "smtp-check_mail" {
  import "smtp"
  command = [ PluginDir + "/check_mail", "--mode=smtp" ]
  arguments += {
    "--cafile" = "$smtp_cafile$"
    "--allow-plaintext-auth" = { set_if = "$smtp_allow_plaintext_auth$" }
  }
}

object CheckerComponent "checker" { }
"""
        text += f"""
object PerfdataWriter "results" {{
  host_perfdata_path = "{d}/perfdata/host"
  service_perfdata_path = "{d}/perfdata/service"
  host_temp_path = "{d}/perfdata/host.tmp"
  service_temp_path = "{d}/perfdata/service.tmp"
  service_format_template = "{ICINGA_PERFDATA_FORMAT}"
  rotation_interval = 1s
}}

object Host "mail" {{
  check_command = "dummy"
  address = "127.0.0.1"
  enable_active_checks = false
}}
"""
        for name, (command, variables) in cls.services.items():
            text += f'\nobject Service "{name}" {{\n  host_name = "mail"\n  check_command = "{command}"\n'
            # Checked once: the first check comes within an interval of the start.
            text += "  check_interval = 5s\n  retry_interval = 5s\n  max_check_attempts = 1\n"
            for key, v in variables.items():
                text += f"  vars.{key} = {value(v)}\n"
            text += "}\n"
        path = os.path.join(d, "icinga2.conf")
        with open(path, "w") as f:
            f.write(text)
        return path

    def first_results(self):
        """Service name -> (state, output) of its first check, from the rotated perfdata files."""
        results = {}
        directory = os.path.join(self.dir, "perfdata")
        for name in sorted(os.listdir(directory)):
            if not name.startswith("service.") or name.endswith(".tmp"):
                continue
            with open(os.path.join(directory, name), errors="replace") as f:
                for line in f:
                    service, _, rest = line.rstrip("\n").partition("\t")
                    state, _, output = rest.partition("\t")
                    results.setdefault(service, (state, output))
        return results

    def state_file_commands(self):
        """Service name -> the command line of its last check, from the state Icinga dumps at exit."""
        commands = {}
        with open(os.path.join(self.dir, "data", "icinga2.state"), errors="replace") as f:
            text = f.read()
        position = 0
        while position < len(text):  # netstrings: LENGTH:JSON,
            length, _, rest = text[position:position + 20].partition(":")
            start = position + len(length) + 1
            record = json.loads(text[start:start + int(length)])
            position = start + int(length) + 1
            if record.get("type") == "Service":
                result = record["update"].get("last_check_result") or {}
                commands[record["name"].split("!")[-1]] = result.get("command")
        return commands

    def test_icinga_validates_and_runs_the_shipped_commands_and_the_itl_smtp(self):
        validated = subprocess.run([ICINGA2, "daemon", "-C", "-c", self.config] + self.defines,
                                   capture_output=True, text=True, timeout=120)
        self.assertEqual(validated.returncode, 0, validated.stdout[-3000:] + validated.stderr[-2000:])

        process = subprocess.Popen([ICINGA2, "daemon", "-c", self.config] + self.defines, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True)
        results = {}
        try:
            deadline = time.monotonic() + CHECKED_WITHIN
            while time.monotonic() < deadline and process.poll() is None:
                time.sleep(1)
                results = self.first_results()
                if set(results) >= set(self.services):
                    break
        finally:
            output, _ = stop(process)
        self.assertEqual(set(results), set(self.services), f"Icinga 2 output:\n{output[-4000:]}")
        for name, (state, text) in sorted(results.items()):
            with self.subTest(service=name):
                self.assertEqual(state, "OK", f"{name}: {text!r}")
                self.assertRegex(text, r"^OK: ", name)
        commands = self.state_file_commands()
        itl = commands["itl-smtp"]
        self.assertEqual(itl[itl.index("-q"):itl.index("-q") + 2], ["-q", "true"], "the ITL passes -q with a value")
        self.assertIn("--cafile", commands["itl-smtp-starttls-auth"])
        self.assertNotIn("--cafile", commands["itl-smtp"])
        self.assertEqual(commands["itl-smtp-starttls-auth"][commands["itl-smtp-starttls-auth"].index("-P") + 1],
                         STACK["PASS"], "the ITL passes -P and the password as two words")
        for name, (command, _) in self.services.items():
            if command.startswith("check_mail_"):
                with self.subTest(service=name):
                    self.assertTrue(commands[name], name)
                    for secret in (support.PASSWORD, STACK["PASS"]):
                        self.assertFalse(any(secret in part for part in commands[name]),
                                         f"{name}: a password on the command line: {commands[name]}")


if __name__ == "__main__":
    unittest.main()
