"""The man page (docs/check_mail.1) against the built binary: for every mode, the options the man
page lists (the common sections plus the mode's section) are exactly those `check_mail --help
--mode=MODE` prints; the version is check_mail --version's; the page renders with man(1)
without warnings.

    CHECK_MAIL_BIN=build/src/check_mail python3 -m unittest -v test_packaging_manpage

(That docs/check_mail.1 is byte for byte what the generator prints is the ctest
docs_man_in_sync; regenerate with `cmake --build build --target manpage`.)
"""

import os
import re
import shutil
import subprocess
import unittest

import support

MAN_PAGE = os.path.join(support.REPO, "docs", "check_mail.1")
COMMON_SECTION = "OPTIONS COMMON TO ALL MODES"


def unroff(text):
    """Plain text of a roff line: font changes dropped, escaped dashes and backslashes restored."""
    text = re.sub(r"\\f[BIRP]", "", text)
    return text.replace("\\-", "-").replace("\\e", "\\").replace("\\&", "")


def man_sections(path):
    """{section title: [lines]} of a man page."""
    sections, title = {}, None
    with open(path, encoding="utf-8") as f:
        for line in f.read().splitlines():
            if line.startswith(".SH "):
                title = line[4:].strip().strip('"')
                sections[title] = []
            elif title is not None:
                sections[title].append(line)
    return sections


def man_options(lines):
    """Option names (--long, -s, aliases) of the .TP entries of a section."""
    names = set()
    for i, line in enumerate(lines):
        if line == ".TP" and i + 1 < len(lines):
            for item in unroff(lines[i + 1]).split(", "):
                name = item.split("=", 1)[0].strip()
                if not name.startswith("-"):
                    raise AssertionError(f"not an option entry after .TP: {lines[i + 1]!r}")
                names.add(name)
    return names


class ManPageTests(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.binary = support.require_check_mail()
        if not os.path.isfile(MAN_PAGE):
            raise AssertionError(f"missing {MAN_PAGE} (cmake --build build --target manpage)")
        cls.sections = man_sections(MAN_PAGE)
        cls.modes = [m.decode() for m in support.listed_modes(support.run([cls.binary, "--list-mode"]).stdout)]

    def test_sections(self):
        for title in ("NAME", "SYNOPSIS", "DESCRIPTION", COMMON_SECTION, "EXIT STATUS", "ENVIRONMENT", "FILES",
                      "SEE ALSO"):
            self.assertIn(title, self.sections)
        self.assertTrue(self.modes, "--list-mode lists no mode")
        mode_sections = {t[:-len(" MODE")].lower() for t in self.sections if t.endswith(" MODE")}
        self.assertEqual(mode_sections, set(self.modes), "one section per mode of --list-mode")

    def test_options_match_help_for_every_mode(self):
        common = man_options(self.sections[COMMON_SECTION])
        self.assertIn("--timeout", common)
        for mode in self.modes:
            with self.subTest(mode=mode):
                in_man = common | man_options(self.sections.get(f"{mode.upper()} MODE", []))
                in_help = support.help_option_names(self.binary, mode)
                self.assertGreater(len(in_help), 10)
                self.assertEqual(sorted(in_man - in_help), [], f"in the man page, not in --help --mode={mode}")
                self.assertEqual(sorted(in_help - in_man), [], f"in --help --mode={mode}, not in the man page")

    def test_version_is_the_binarys(self):
        version = support.run([self.binary, "--version"]).stdout.decode().split()
        self.assertEqual(version[0], "check_mail")
        with open(MAN_PAGE, encoding="utf-8") as f:
            th = next(line for line in f if line.startswith(".TH "))
        self.assertIn(f'"check_mail {version[1]}"', th)

    def test_environment_lists_the_password_variables(self):
        text = unroff("\n".join(self.sections["ENVIRONMENT"]))
        for variable in ("CHECK_MAIL_API_PASSWORD", "CHECK_MAIL_SMTP_PASSWORD", "CHECK_MAIL_SSL_KEY_PASSWORD"):
            self.assertIn(variable, text)

    def test_renders_without_warnings(self):
        man = shutil.which("man")
        self.assertIsNotNone(man, "man(1) is missing (apt-get install man-db)")
        env = dict(os.environ, MANWIDTH="80", MAN_KEEP_FORMATTING="0", LC_ALL="C.UTF-8", MANPAGER="cat", PAGER="cat")
        proc = subprocess.run([man, "--warnings", "-l", MAN_PAGE], capture_output=True, env=env, timeout=60,
                              stdin=subprocess.DEVNULL)
        self.assertEqual(proc.returncode, 0, proc.stderr.decode())
        self.assertEqual(proc.stderr.decode(), "", "warnings from man/groff")
        text = re.sub(r".\x08", "", proc.stdout.decode())
        self.assertIn("check_mail - monitoring plugin for mail systems", text)
        for mode in self.modes:
            self.assertIn(f"{mode.upper()} MODE", text)
        for line in text.splitlines():
            self.assertLessEqual(len(line), 80, f"rendered line wider than MANWIDTH: {line!r}")


if __name__ == "__main__":
    unittest.main()
