"""The configuration snippets of packaging/config/, read as Centreon, Nagios and Icinga 2 read
them, and run against the project's loopback servers.

    CHECK_MAIL_BIN=build/src/check_mail python3 -m unittest -v test_snippets

For each format a small parser takes the file apart; the macros (custom variables) are expanded
with values pointing at the SmarterMail simulator (tests/servers/simctl.py) and at the private
Postfix + Dovecot stack (tests/servers/mailstack/mailstack.sh, which needs root), and the command
is run the way the monitoring system runs it: through /bin/sh -c for Centreon and Nagios (their
command lines hold shell quoting), as an argument vector with its environment for Icinga 2.
Every command must print an OK status line, nothing on stderr, and exit 0.

Nothing is skipped: a missing binary, snippet, mode, server or permission is a failure.
"""

import os
import re
import tempfile
import unittest

import smtp_support
import support

CONFIG = os.path.join(support.REPO, "packaging", "config")
CLAPI = os.path.join(CONFIG, "centreon", "check_mail.clapi")
NAGIOS = os.path.join(CONFIG, "nagios", "check_mail.cfg")
ICINGA = os.path.join(CONFIG, "icinga2", "check_mail.conf")
RUN_TIMEOUT = 40


# ------------------------------------------------------------------ what check_mail declares

def list_modes(binary):
    result = support.run([binary, "--list-mode"])
    return [name.decode() for name in support.listed_modes(result.stdout)]


def secret_option_names(binary, mode):
    """Options of --help --mode=MODE that take a secret on the command line (--x=PASSWORD, =SECRET)."""
    result = support.run([binary, "--help", f"--mode={mode}"])
    return set(re.findall(r"^  (?:-\w, )?(--[a-z0-9-]+)=(?:PASSWORD|SECRET)\b", result.stdout.decode(), re.M))


# ------------------------------------------------------------------ Centreon CLAPI

def parse_clapi(path):
    """CMD, HTPL and STPL lines of a CLAPI import file -> (commands, host templates, service templates)."""
    commands, hosts, services = {}, {}, {}
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            where = f"{path}:{number}"
            if not line.strip():
                continue
            fields = line.split(";")
            if len(fields) < 3:
                raise AssertionError(f"{where}: not a CLAPI line: {line!r}")
            obj, action = fields[0], fields[1].lower()
            if obj == "CMD" and action == "add":
                name, kind, command_line = line.split(";", 4)[2:]
                if kind != "check":
                    raise AssertionError(f"{where}: command type {kind!r}, want 'check'")
                commands[name] = command_line
            elif obj == "HTPL" and action == "add":
                hosts[fields[2]] = {}
            elif obj == "HTPL" and action == "setmacro":
                hosts[fields[2]][fields[3]] = fields[4]
            elif obj == "STPL" and action == "add":
                services[fields[2]] = {"macros": {}, "command": None, "hosts": []}
            elif obj == "STPL" and action == "setparam":
                if fields[3] == "check_command":
                    services[fields[2]]["command"] = fields[4]
            elif obj == "STPL" and action == "setmacro":
                services[fields[2]]["macros"][fields[3]] = fields[4]
            elif obj == "STPL" and action == "addhosttemplate":
                services[fields[2]]["hosts"].append(fields[3])
            else:
                raise AssertionError(f"{where}: unexpected CLAPI line {obj};{fields[1]}")
    return commands, hosts, services


MACRO = re.compile(r"\$([A-Za-z0-9_]+)\$")


def expand(text, macros, where):
    def one(match):
        if match.group(1) not in macros:
            raise AssertionError(f"{where}: macro ${match.group(1)}$ has no value")
        return macros[match.group(1)]
    return MACRO.sub(one, text)


# ------------------------------------------------------------------ Nagios object files

def parse_nagios(path):
    """define TYPE { key value ... } blocks -> list of (type, {key: value})."""
    objects, current = [], None
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            text = line.strip()
            if not text or text.startswith(("#", ";")):
                continue
            where = f"{path}:{number}"
            start = re.fullmatch(r"define\s+(\w+)\s*\{", text)
            if start:
                if current is not None:
                    raise AssertionError(f"{where}: define inside a define")
                current = (start.group(1), {})
            elif text == "}":
                if current is None:
                    raise AssertionError(f"{where}: '}}' outside a define")
                objects.append(current)
                current = None
            elif current is not None:
                parts = re.split(r"\s+", text, maxsplit=1)
                current[1][parts[0]] = parts[1] if len(parts) > 1 else ""
            else:
                raise AssertionError(f"{where}: text outside a define: {text!r}")
    if current is not None:
        raise AssertionError(f"{path}: unterminated define")
    return objects


def nagios_expand(command_line, host_vars, address, plugin_dir, args, where):
    """Nagios' macro expansion: $USER1$, $HOSTADDRESS$, $_HOSTxxx$ (left as it is when neither
    the host nor a template defines it, as Nagios 4 does), $ARGn$ from the check_command (empty
    past the last). test_engines.py runs the real Nagios."""
    macros = {"USER1": plugin_dir, "HOSTADDRESS": address}
    for name in MACRO.findall(command_line):
        if name.startswith("_HOST"):
            macros[name] = host_vars.get(name[len("_HOST"):], f"${name}$")
        elif re.fullmatch(r"ARG\d+", name):
            n = int(name[3:])
            macros[name] = args[n - 1] if n <= len(args) else ""
    return expand(command_line, macros, where)


# ------------------------------------------------------------------ Icinga 2 DSL (the subset used)

TOKEN = re.compile(r"""
    (?P<space>\s+|//[^\n]*|/\*.*?\*/)
  | (?P<string>"(?:[^"\\]|\\.)*")
  | (?P<number>-?\d+(?:\.\d+)?)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_.]*)
  | (?P<op>\+=|[{}\[\]=,;+])
""", re.S | re.X)


class Const:
    def __init__(self, name):
        self.name = name


class Concat:
    def __init__(self, left, right):
        self.left, self.right = left, right


class IcingaParser:
    """object CheckCommand "name" { import "x"; key = value; vars.x = value; ... } with values:
    strings, numbers, booleans, constants (PluginDir), arrays, dictionaries and '+'."""

    def __init__(self, text, path):
        self.path = path
        self.tokens = []
        position = 0
        while position < len(text):
            match = TOKEN.match(text, position)
            if not match:
                line = text.count("\n", 0, position) + 1
                raise AssertionError(f"{path}:{line}: cannot read {text[position:position + 30]!r}")
            position = match.end()
            if match.lastgroup != "space":
                self.tokens.append((match.lastgroup, match.group()))
        self.at = 0

    def peek(self):
        return self.tokens[self.at] if self.at < len(self.tokens) else (None, None)

    def take(self, kind=None, value=None):
        token = self.peek()
        if token[0] is None or (kind and token[0] != kind) or (value and token[1] != value):
            raise AssertionError(f"{self.path}: expected {value or kind}, found {token[1]!r}")
        self.at += 1
        return token[1]

    def objects(self):
        found = {}
        while self.peek()[0] is not None:
            self.take("ident", "object")
            kind = self.take("ident")
            name = self.string(self.take("string"))
            if kind != "CheckCommand":
                raise AssertionError(f"{self.path}: unexpected object type {kind}")
            if name in found:
                raise AssertionError(f"{self.path}: CheckCommand {name} defined twice")
            found[name] = self.block()
        return found

    @staticmethod
    def string(token):
        return re.sub(r"\\(.)", r"\1", token[1:-1])

    def block(self):
        body = {"import": [], "vars": {}}
        self.take("op", "{")
        while self.peek() != ("op", "}"):
            if self.peek() == ("ident", "import"):
                self.take()
                body["import"].append(self.string(self.take("string")))
                continue
            key = self.take("ident")
            operator = self.take("op")
            if operator not in ("=", "+="):
                raise AssertionError(f"{self.path}: expected = after {key}")
            value = self.expression()
            target, _, leaf = key.rpartition(".")
            holder = body[target] if target else body
            if operator == "+=":
                holder[leaf] = {**holder.get(leaf, {}), **value}
            else:
                holder[leaf] = value
            if self.peek() == ("op", ";"):
                self.take()
        self.take("op", "}")
        return body

    def expression(self):
        value = self.value()
        while self.peek() == ("op", "+"):
            self.take()
            value = Concat(value, self.value())
        return value

    def value(self):
        kind, text = self.peek()
        if kind == "string":
            self.take()
            return self.string(text)
        if kind == "number":
            self.take()
            return float(text) if "." in text else int(text)
        if kind == "ident":
            self.take()
            return {"true": True, "false": False}.get(text, Const(text))
        if (kind, text) == ("op", "["):
            self.take()
            items = []
            while self.peek() != ("op", "]"):
                items.append(self.expression())
                if self.peek() == ("op", ","):
                    self.take()
            self.take("op", "]")
            return items
        if (kind, text) == ("op", "{"):
            self.take()
            items = {}
            while self.peek() != ("op", "}"):
                key_kind, key = self.peek()
                self.take()
                key = self.string(key) if key_kind == "string" else key
                self.take("op", "=")
                items[key] = self.expression()
                if self.peek() in (("op", ","), ("op", ";")):
                    self.take()
            self.take("op", "}")
            return items
        raise AssertionError(f"{self.path}: unexpected {text!r}")


MISSING = object()


class IcingaCommand:
    """Builds the argument vector and environment of a CheckCommand as Icinga 2 does: command vars
    overridden by the host's and the service's, arguments sorted by order then key, an argument
    dropped when its value macro cannot be resolved, set_if flags, arrays repeating the key."""

    def __init__(self, name, body, constants):
        self.name, self.body, self.constants = name, body, constants

    def evaluate(self, value):
        if isinstance(value, Concat):
            return self.evaluate(value.left) + self.evaluate(value.right)
        if isinstance(value, Const):
            if value.name not in self.constants:
                raise AssertionError(f"{self.name}: unknown constant {value.name}")
            return self.constants[value.name]
        if isinstance(value, list):
            return [self.evaluate(v) for v in value]
        return value

    def resolve(self, text, vars_):
        text = self.evaluate(text)
        if not isinstance(text, str):
            return text
        whole = re.fullmatch(r"\$([A-Za-z0-9_]+)\$", text)
        if whole:
            value = vars_.get(whole.group(1), MISSING)
            return self.resolve(value, vars_) if isinstance(value, str) and MACRO.search(value) else value
        missing = []

        def one(match):
            value = vars_.get(match.group(1), MISSING)
            if value is MISSING:
                missing.append(match.group(1))
                return ""
            return str(value)
        expanded = MACRO.sub(one, text)
        return MISSING if missing else expanded

    def argv_env(self, host_address, host_vars, service_vars):
        vars_ = {"check_address": host_address, "address": host_address}
        vars_.update({k: self.evaluate(v) for k, v in self.body["vars"].items()})
        vars_.update(host_vars)
        vars_.update(service_vars)
        argv = [str(self.evaluate(part)) for part in self.body["command"]]
        arguments = self.body.get("arguments", {})
        for key, spec in sorted(arguments.items(), key=lambda item: (
                item[1].get("order", 0) if isinstance(item[1], dict) else 0, item[0])):
            spec = spec if isinstance(spec, dict) else {"value": spec}
            if "set_if" in spec:
                flag = self.resolve(spec["set_if"], vars_)
                if flag is MISSING or flag in (False, 0, "", "0", "false"):
                    continue
            if "value" not in spec:
                argv.append(key)
                continue
            value = self.resolve(spec["value"], vars_)
            if value is MISSING:
                continue
            for item in value if isinstance(value, list) else [value]:
                if not spec.get("skip_key", False):
                    argv.append(key)
                argv.append(str(item))
        env = {}
        for variable, text in self.body.get("env", {}).items():
            value = self.resolve(text, vars_)
            if value is not MISSING:
                env[variable] = str(value)
        return argv, env


# ------------------------------------------------------------------ the tests

def setUpModule():
    global BINARY, PLUGIN_DIR, SERVERS, SIM, STACK, WORK
    BINARY = support.require_check_mail()
    WORK = tempfile.mkdtemp(prefix="cm-snippets-")
    os.mkdir(os.path.join(WORK, "statefiles"))
    SERVERS = smtp_support.DefinitionServers(BINARY, WORK)
    PLUGIN_DIR, SIM, STACK = SERVERS.plugin_dir, SERVERS.sim, SERVERS.stack


def tearDownModule():
    SERVERS.stop()


def statefile_dir():
    return os.path.join(WORK, "statefiles")


class SnippetTest(unittest.TestCase):
    maxDiff = None

    def modes(self):
        modes = list_modes(BINARY)
        self.assertIn("smtp", modes)
        self.assertIn("spools", modes)
        return modes

    def assert_ok(self, result, what):
        where = f"\n  {what}{result.describe()}"
        self.assertEqual(result.exit, 0, "exit status" + where)
        self.assertRegex(result.first_line, rb"^OK: ", "first line" + where)
        self.assertEqual(result.stderr, b"", "stderr" + where)

    def run_shell(self, command_line):
        """As Centreon Engine and Nagios run a command line holding shell characters."""
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
        result = support.run(["/bin/sh", "-c", command_line], timeout=RUN_TIMEOUT, env=env)
        result.argv = [command_line]
        return result

    def assert_secret_not_in(self, secret, argv, what):
        self.assertFalse(any(secret in a for a in argv), f"{what}: the password is on the command line: {argv}")


class CentreonTests(SnippetTest):
    """packaging/config/centreon/check_mail.clapi: CLAPI commands, host and service templates."""

    @classmethod
    def setUpClass(cls):
        cls.commands, cls.hosts, cls.services = parse_clapi(CLAPI)

    def test_structure(self):
        self.assertTrue(self.commands, "no CMD;ADD line")
        for name, service in self.services.items():
            self.assertIn(service["command"], self.commands, f"service template {name}: unknown check_command")
            for host in service["hosts"]:
                self.assertIn(host, self.hosts, f"service template {name}: unknown host template {host}")
        used = {service["command"] for service in self.services.values()}
        self.assertEqual(used, set(self.commands), "every command has a service template")
        # The macros of Centreon's SmarterMail pack, as the seed lists them.
        smartermail = [c for c in self.commands.values() if "--plugin=apps::smartermail::restapi::plugin" in c]
        self.assertEqual(len(smartermail), 3)
        for command in smartermail:
            for macro in ("SMARTERMAILAPIUSERNAME", "SMARTERMAILAPIPASSWORD", "SMARTERMAILAPIPROTO",
                          "SMARTERMAILAPIPORT", "SMARTERMAILAPIEXTRAOPTIONS"):
                self.assertIn(f"$_HOST{macro}$", command)
            self.assertTrue(command.startswith("$CENTREONPLUGINS$/check_mail "), command)

    # Fields of each CLAPI line, object;action included (Centreon's CLAPI reference): a missing
    # column shifts the next ones (a description read as is_password).
    CLAPI_FIELDS = {
        ("CMD", "add"): 5,              # name;type;command line
        ("HTPL", "add"): 8,             # name;alias;address;templates;instance;hostgroups
        ("HTPL", "setmacro"): 7,        # name;macro;value;is_password;description
        ("STPL", "add"): 5,             # name;alias;template
        ("STPL", "setparam"): 5,        # name;parameter;value
        ("STPL", "setmacro"): 7,        # name;macro;value;is_password;description
        ("STPL", "addhosttemplate"): 4,  # name;host template
    }

    def test_every_line_has_the_fields_of_its_action(self):
        with open(CLAPI, encoding="utf-8") as f:
            for number, line in enumerate(f, 1):
                if not line.strip():
                    continue
                fields = line.rstrip("\n").split(";")
                key = (fields[0], fields[1].lower())
                with self.subTest(line=number, action=";".join(key)):
                    self.assertIn(key, self.CLAPI_FIELDS, f"{CLAPI}:{number}: unknown object/action")
                    self.assertEqual(len(fields), self.CLAPI_FIELDS[key], f"{CLAPI}:{number}: {line.strip()}")
                    if key[1] == "setmacro":
                        self.assertIn(fields[5], ("0", "1"), f"{CLAPI}:{number}: is_password column")

    def test_every_mode_has_a_command(self):
        # --mode=multi runs other modes' checks in one call: the commands of those modes serve.
        found = {re.search(r"--mode=(\S+)", c).group(1) for c in self.commands.values()}
        self.assertEqual(found, set(self.modes()) - {"multi"})

    def host_values(self, template):
        if template == "check_mail-Smartermail-Api-custom":
            return {"SMARTERMAILAPIUSERNAME": support.USERNAME, "SMARTERMAILAPIPASSWORD": support.PASSWORD,
                    "SMARTERMAILAPIPROTO": "http", "SMARTERMAILAPIPORT": str(SIM.http_port),
                    "SMARTERMAILAPIEXTRAOPTIONS": f"--statefile-dir={statefile_dir()}"}
        if template == "check_mail-Smtp-custom":
            return {"SMTPPORT": STACK["SUBMISSION_PORT"], "SMTPSECURITY": "starttls", "SMTPAUTHTYPE": "plain",
                    "SMTPUSERNAME": STACK["USER"], "SMTPPASSWORD": STACK["PASS"],
                    "SMTPEXTRAOPTIONS": f"--cafile={STACK['CA']} --timeout=20"}
        if template in ("check_mail-Imap-custom", "check_mail-Pop3-custom"):
            proto = "IMAP" if "Imap" in template else "POP3"
            return {f"{proto}PORT": STACK[f"{proto}S_PORT"], f"{proto}SECURITY": "ssl",
                    f"{proto}USERNAME": STACK["USER"], f"{proto}PASSWORD": STACK["PASS"],
                    f"{proto}EXTRAOPTIONS": f"--cafile={STACK['CA']} --timeout=20"}
        if template == "check_mail-Roundtrip-custom":
            return {"ROUNDTRIPUSERNAME": STACK["USER"], "ROUNDTRIPPASSWORD": STACK["PASS"],
                    "ROUNDTRIPEXTRAOPTIONS": f"--smtp-port={STACK['SUBMISSION_PORT']} --smtp-security=starttls "
                                             f"--smtp-auth-type=plain --imap-port={STACK['IMAPS_PORT']} "
                                             f"--imap-security=ssl --cafile={STACK['CA']} --timeout=30"}
        raise AssertionError(f"no test values for host template {template}")

    def test_commands_run(self):
        self.assertTrue(self.services)
        for name, service in sorted(self.services.items()):
            with self.subTest(service_template=name):
                macros = {"CENTREONPLUGINS": PLUGIN_DIR, "HOSTADDRESS": "127.0.0.1"}
                for host in service["hosts"]:
                    values = {**self.hosts[host], **self.host_values(host)}
                    macros.update({"_HOST" + k: v for k, v in values.items()})
                macros.update({"_SERVICE" + k: v for k, v in service["macros"].items()})
                command = expand(self.commands[service["command"]], macros, f"{CLAPI} {service['command']}")
                self.assert_ok(self.run_shell(command), f"Centreon service template {name}")

    def test_template_defaults_are_the_plugin_defaults(self):
        """A status macro left at its template value must behave as the option left out."""
        for name, service in self.services.items():
            for macro, value in service["macros"].items():
                if macro.endswith("STATUS") and value:
                    option = re.search(r"--(\S+)='\$_SERVICE" + macro + r"\$'", self.commands[service["command"]])
                    mode = re.search(r"--mode=(\S+)", self.commands[service["command"]]).group(1)
                    help_text = support.run([BINARY, "--help", f"--mode={mode}"]).stdout.decode()
                    block = help_text.split(f"--{option.group(1)}=", 1)[1].split("\n  -", 1)[0]
                    self.assertIn(f"(default: {value})", " ".join(block.split()), f"{name} {macro}")


class NagiosTests(SnippetTest):
    """packaging/config/nagios/check_mail.cfg: host templates and one command per mode."""

    ARGS = {
        "check_mail_licenses": ["30:", "7:"],
        "check_mail_services": ["--filter-service='smtp|imap|pop'"],
        "check_mail_spools": ["1000", "5000", "--filter-spool='^(default|waiting)$'"],
        "check_mail_smtp": ["10", "20", "--timeout=20"],
        "check_mail_imap": ["5", "10"],
        "check_mail_pop3": ["5", "10", "--warning-messages=100"],
        "check_mail_roundtrip": ["20", "30"],
    }

    @classmethod
    def setUpClass(cls):
        objects = parse_nagios(NAGIOS)
        cls.commands = {o["command_name"]: o["command_line"] for kind, o in objects if kind == "command"}
        cls.templates = {o["name"]: o for kind, o in objects if kind == "host"}

    def test_every_variable_a_command_uses_is_declared_in_a_template(self):
        """Nagios 4 passes $_HOSTX$ through literally when nothing defines _X."""
        declared = {key for template in self.templates.values() for key in template if key.startswith("_")}
        for name, line in self.commands.items():
            for macro in MACRO.findall(line):
                if macro.startswith("_HOST"):
                    self.assertIn("_" + macro[len("_HOST"):], declared, f"{name}: ${macro}$ has no template value")

    def test_every_mode_has_a_command(self):
        self.assertEqual(set(self.commands), {f"check_mail_{mode}" for mode in self.modes() if mode != "multi"})
        for name, line in self.commands.items():
            self.assertTrue(line.startswith("$USER1$/check_mail --mode="), line)
        for template in self.templates.values():
            self.assertEqual(template.get("register"), "0", "host templates are not registered")

    def host(self, command):
        if command in ("check_mail_imap", "check_mail_pop3"):
            proto = command[len("check_mail_"):].upper()
            template = dict(self.templates[f"check-mail-{proto.lower()}"])
            template.update({f"_{proto}PORT": STACK[f"{proto}S_PORT"], f"_{proto}USERNAME": STACK["USER"],
                             f"_{proto}PASSWORD": STACK["PASS"], f"_{proto}EXTRAOPTIONS": f"--cafile={STACK['CA']}"})
        elif command == "check_mail_roundtrip":
            template = dict(self.templates["check-mail-roundtrip"])
            template.update({"_ROUNDTRIPUSERNAME": STACK["USER"], "_ROUNDTRIPPASSWORD": STACK["PASS"],
                             "_ROUNDTRIPFETCHPROTOCOL": "pop3",
                             "_ROUNDTRIPEXTRAOPTIONS": template["_ROUNDTRIPEXTRAOPTIONS"].replace(
                                 "--smtp-port=587", f"--smtp-port={STACK['SUBMISSION_PORT']}")
                             + f" --pop3-port={STACK['POP3S_PORT']} --cafile={STACK['CA']}"})
        elif command == "check_mail_smtp":
            template = dict(self.templates["check-mail-smtp"])
            template.update({"_SMTPPORT": STACK["SMTPS_PORT"], "_SMTPSECURITY": "ssl", "_SMTPAUTHTYPE": "auto",
                             "_SMTPUSERNAME": STACK["USER"], "_SMTPPASSWORD": STACK["PASS"],
                             "_SMTPEXTRAOPTIONS": f"--cafile={STACK['CA']}"})
        else:
            template = dict(self.templates["check-mail-smartermail-api"])
            template.update({"_SMARTERMAILAPIUSERNAME": support.USERNAME, "_SMARTERMAILAPIPASSWORD": support.PASSWORD,
                             "_SMARTERMAILAPIPROTO": "https", "_SMARTERMAILAPIPORT": str(SIM.https_port),
                             "_SMARTERMAILAPIEXTRAOPTIONS": f"--cafile={SIM.ca_file} --statefile-dir={statefile_dir()}"})
        return {k[1:].upper(): v for k, v in template.items() if k.startswith("_")}

    def test_commands_run(self):
        self.assertTrue(self.commands)
        for name, line in sorted(self.commands.items()):
            with self.subTest(command=name):
                self.assertIn(name, self.ARGS, f"no test arguments for {name}")
                command = nagios_expand(line, self.host(name), "127.0.0.1", PLUGIN_DIR, self.ARGS[name],
                                        f"{NAGIOS} {name}")
                self.assert_ok(self.run_shell(command), f"Nagios command {name}")

    def test_password_from_a_file(self):
        """The documented way to keep the password off the command line: an empty password variable
        and --api-password-file in the extra options."""
        password_file = os.path.join(WORK, "api.pass")
        with open(password_file, "w") as f:
            f.write(support.PASSWORD + "\n")
        os.chmod(password_file, 0o600)
        host = self.host("check_mail_spools")
        # Not set on the host: the template's empty value.
        host["SMARTERMAILAPIPASSWORD"] = self.templates["check-mail-smartermail-api"]["_SMARTERMAILAPIPASSWORD"]
        host["SMARTERMAILAPIEXTRAOPTIONS"] += f" --api-password-file={password_file}"
        command = nagios_expand(self.commands["check_mail_spools"], host, "127.0.0.1", PLUGIN_DIR, [],
                                "check_mail_spools")
        self.assert_secret_not_in(support.PASSWORD, [command], "check_mail_spools")
        self.assert_ok(self.run_shell(command), "Nagios check_mail_spools with a password file")


class IcingaTests(SnippetTest):
    """packaging/config/icinga2/check_mail.conf: one CheckCommand per mode (generated)."""

    @classmethod
    def setUpClass(cls):
        with open(ICINGA, encoding="utf-8") as f:
            cls.objects = IcingaParser(f.read(), ICINGA).objects()

    def command(self, mode):
        name = f"check_mail_{mode}"
        self.assertIn(name, self.objects)
        return IcingaCommand(name, self.objects[name], {"PluginDir": PLUGIN_DIR})

    def test_every_mode_has_a_command(self):
        self.assertEqual(set(self.objects), {f"check_mail_{mode}" for mode in self.modes()})

    def test_arguments_are_options_of_the_mode(self):
        for mode in self.modes():
            with self.subTest(mode=mode):
                body = self.objects[f"check_mail_{mode}"]
                self.assertIn("ipv4-or-ipv6", body["import"])
                self.assertEqual(body["vars"].get("check_mail_hostname"), "$check_address$")
                accepted = support.help_option_names(BINARY, mode)
                secrets = secret_option_names(BINARY, mode)
                self.assertIn("--password" if mode not in ("spools", "services", "licenses", "multi") else "--api-password",
                              secrets)
                for key, spec in body["arguments"].items():
                    self.assertIn(key, accepted, f"{key} is not an option of --mode={mode}")
                    self.assertNotIn(key, secrets, f"{key}: a secret on the command line")
                    self.assertEqual(len([k for k in ("value", "set_if") if k in spec]), 1, key)
                for variable, value in body.get("env", {}).items():
                    self.assertRegex(variable, r"^CHECK_MAIL_[A-Z0-9_]+_(PASSWORD|TOKEN|SECRET)$")
                    self.assertRegex(value, r"^\$check_mail_[a-z0-9_]*(password|token|secret)\$$")

    def run_icinga(self, mode, host_vars, service_vars, secret):
        argv, env = self.command(mode).argv_env("127.0.0.1", host_vars, service_vars)
        self.assert_secret_not_in(secret, argv, f"check_mail_{mode}")
        self.assertIn(secret, env.values(), f"check_mail_{mode}: the password is not in the environment")
        result = support.run(argv, timeout=RUN_TIMEOUT, env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **env})
        self.assert_ok(result, f"Icinga 2 CheckCommand check_mail_{mode}")
        return result

    def test_smartermail_commands_run(self):
        host_vars = {"check_mail_api_username": support.USERNAME, "check_mail_api_password": support.PASSWORD,
                     "check_mail_proto": "https", "check_mail_port": SIM.https_port, "check_mail_cafile": SIM.ca_file,
                     "check_mail_statefile_dir": statefile_dir()}
        service_vars = {
            "licenses": {"check_mail_warning_upgrade_protection_expires_days": "30:"},
            "services": {"check_mail_filter_service": "smtp|imap|pop", "check_mail_verbose": True},
            "spools": {"check_mail_filter_spool": "^(default|waiting)$", "check_mail_warning_spool_messages": "1000",
                       "check_mail_change_exit": ["UNKNOWN=CRITICAL"]},
        }
        for mode in ("licenses", "services", "spools"):
            with self.subTest(mode=mode):
                result = self.run_icinga(mode, host_vars, service_vars[mode], support.PASSWORD)
                if mode == "services":
                    self.assertIn("--verbose", result.argv, "set_if flag")
                    self.assertGreater(len(result.lines), 1, "--verbose gives long output")
                if mode == "spools":
                    self.assertEqual(result.argv.count("--change-exit"), 1)

    def test_flag_false_is_left_out(self):
        argv, _ = self.command("services").argv_env("127.0.0.1", {"check_mail_verbose": False, "check_mail_insecure": False}, {})
        self.assertNotIn("--verbose", argv)
        self.assertNotIn("--insecure", argv)
        self.assertEqual(argv[argv.index("--hostname") + 1], "127.0.0.1", "hostname defaults to the address")

    def test_smtp_command_runs(self):
        host_vars = {"check_mail_port": STACK["SUBMISSION_PORT"], "check_mail_security": "starttls",
                     "check_mail_auth_type": "plain", "check_mail_username": STACK["USER"],
                     "check_mail_password": STACK["PASS"], "check_mail_cafile": STACK["CA"],
                     "check_mail_timeout": 20}
        service_vars = {"check_mail_warning_total_time": "10", "check_mail_critical_total_time": "20"}
        self.run_icinga("smtp", host_vars, service_vars, STACK["PASS"])

    def test_mailbox_commands_run(self):
        for mode in ("imap", "pop3"):
            with self.subTest(mode=mode):
                host_vars = {"check_mail_port": STACK[f"{mode.upper()}S_PORT"], "check_mail_security": "ssl",
                             "check_mail_username": STACK["USER"], "check_mail_password": STACK["PASS"],
                             "check_mail_cafile": STACK["CA"], "check_mail_timeout": 20}
                self.run_icinga(mode, host_vars, {"check_mail_warning_login_time": "5"}, STACK["PASS"])

    def test_roundtrip_command_runs(self):
        """--password (both legs) has no variable of its own: the legs' passwords go in the environment."""
        host_vars = {"check_mail_smtp_port": STACK["SUBMISSION_PORT"], "check_mail_smtp_security": "starttls",
                     "check_mail_smtp_auth_type": "plain", "check_mail_smtp_password": STACK["PASS"],
                     "check_mail_imap_port": STACK["IMAPS_PORT"], "check_mail_imap_security": "ssl",
                     "check_mail_imap_password": STACK["PASS"], "check_mail_username": STACK["USER"],
                     "check_mail_cafile": STACK["CA"], "check_mail_timeout": 30}
        self.run_icinga("roundtrip", host_vars, {"check_mail_warning_delivery_time": "20"}, STACK["PASS"])


if __name__ == "__main__":
    unittest.main()
