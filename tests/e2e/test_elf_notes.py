"""The built binary's ELF notes, as packaging tools read them.

    CHECK_MAIL_BIN=build/src/check_mail python3 -m unittest -v test_elf_notes

check_mail loads libcurl with dlopen() on the first HTTP request, so DT_NEEDED does not list it;
the ".note.dlopen" note (owner "FDO", type 0x407c0c0a, a JSON array: the convention systemd
introduced) declares it instead. The notes are read from the PT_NOTE segments with a small ELF
parser, and readelf --notes must agree.
"""

import json
import re
import shutil
import struct
import subprocess
import unittest

import support

DLOPEN_NOTE_TYPE = 0x407C0C0A


def align4(n):
    return (n + 3) & ~3


def elf_notes(path):
    """[(owner, type, descriptor bytes)] of every note in the PT_NOTE segments of an ELF file."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"\x7fELF":
        raise AssertionError(f"{path} is not an ELF file")
    is64 = data[4] == 2
    endian = "<" if data[5] == 1 else ">"
    if is64:
        phoff, = struct.unpack_from(endian + "Q", data, 0x20)
        phentsize, phnum = struct.unpack_from(endian + "HH", data, 0x36)
    else:
        phoff, = struct.unpack_from(endian + "I", data, 0x1C)
        phentsize, phnum = struct.unpack_from(endian + "HH", data, 0x2A)
    notes = []
    for i in range(phnum):
        base = phoff + i * phentsize
        p_type, = struct.unpack_from(endian + "I", data, base)
        if p_type != 4:  # PT_NOTE
            continue
        if is64:
            offset, = struct.unpack_from(endian + "Q", data, base + 8)
            size, = struct.unpack_from(endian + "Q", data, base + 32)
        else:
            offset, = struct.unpack_from(endian + "I", data, base + 4)
            size, = struct.unpack_from(endian + "I", data, base + 16)
        pos, end = offset, offset + size
        while pos + 12 <= end:
            namesz, descsz, note_type = struct.unpack_from(endian + "III", data, pos)
            name = data[pos + 12: pos + 12 + namesz].rstrip(b"\0").decode()
            desc_start = pos + 12 + align4(namesz)
            notes.append((name, note_type, data[desc_start: desc_start + descsz]))
            pos = desc_start + align4(descsz)
    return notes


class DlopenNoteTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.binary = support.require_check_mail()
        cls.notes = elf_notes(cls.binary)

    def dlopen_notes(self):
        return [desc for owner, note_type, desc in self.notes if owner == "FDO" and note_type == DLOPEN_NOTE_TYPE]

    def test_declares_libcurl(self):
        found = self.dlopen_notes()
        self.assertEqual(len(found), 1, self.notes)
        desc = found[0]
        self.assertTrue(desc.endswith(b"\0"), "the JSON is NUL-terminated")
        entries = json.loads(desc.rstrip(b"\0").decode())
        self.assertEqual(len(entries), 1, entries)
        entry = entries[0]
        self.assertEqual(entry["soname"], ["libcurl.so.4"])
        self.assertEqual(entry["feature"], "http")
        self.assertEqual(entry["priority"], "required")
        self.assertTrue(entry["description"])

    def test_libcurl_is_not_needed_at_load_time(self):
        readelf = shutil.which("readelf")
        self.assertIsNotNone(readelf, "readelf (binutils) is missing")
        dynamic = subprocess.run([readelf, "-d", self.binary], capture_output=True, text=True, check=True).stdout
        self.assertNotIn("libcurl", dynamic)

    def test_readelf_agrees(self):
        readelf = shutil.which("readelf")
        self.assertIsNotNone(readelf, "readelf (binutils) is missing")
        # (readelf exits 1 over notes it cannot decode, such as this one: its output is what counts)
        out = subprocess.run([readelf, "--notes", self.binary], capture_output=True, text=True).stdout
        match = re.search(r"Displaying notes found in: \.note\.dlopen\n.*\n\s*FDO\s+(0x[0-9a-f]+)\s+.*\(0x407c0c0a\)", out)
        self.assertIsNotNone(match, out)
        self.assertEqual(int(match.group(1), 16), len(self.dlopen_notes()[0]), out)

if __name__ == "__main__":
    unittest.main()
