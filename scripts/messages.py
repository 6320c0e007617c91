"""Refresh the zh_Hans catalogue: extract messages, fill translations, compile the .mo.

Source strings are English; translations live in the .po and, for new strings, in TSV files
(``msgid<TAB>msgstr``) named ``translations_zh.txt`` in an app or ``base_translations.tsv`` in the
locale folder. The .mo is compiled with polib, so GNU msgfmt is needed only to extract. Exits 1
when any message has no Chinese translation.
"""

import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "zhiliang/locale/zh_Hans/LC_MESSAGES/django.po"


def main() -> int:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "zhiliang.cli",
            "makemessages",
            "-l",
            "zh_Hans",
            "--no-location",
            "--ignore",
            ".venv/*",
            "--ignore",
            "var/*",
            "--ignore",
            ".tools/*",
            "--ignore",
            "bench/*",
            "-v0",
        ],
        cwd=ROOT,
        check=True,
    )
    tables = [
        ROOT / "zhiliang/locale/zh_Hans/base_translations.tsv",
        *sorted(ROOT.glob("zhiliang/*/translations_zh.txt")),
    ]
    known: dict[str, str] = {}
    for table in tables:
        for line in table.read_text(encoding="utf-8").splitlines():
            if "\t" in line:
                msgid, msgstr = line.split("\t", 1)
                known[msgid] = msgstr
    po = polib.pofile(str(PO))
    missing = []
    for entry in po:
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
            entry.msgstr = ""
        if entry.msgid in known:
            if entry.msgid_plural:
                entry.msgstr_plural = {0: known[entry.msgid]}
            else:
                entry.msgstr = known[entry.msgid]
        if not (entry.msgstr or entry.msgstr_plural.get(0)):
            missing.append(entry.msgid)
    po.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
    po.save()
    po.save_as_mofile(str(PO.with_suffix(".mo")))
    for msgid in missing:
        print(f"untranslated: {msgid}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
