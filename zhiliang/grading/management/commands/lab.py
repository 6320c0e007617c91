"""``zhiliang lab sign``: a lab signs its reports offline with its Ed25519 key.

    zhiliang lab sign --key lab.key report.json            # prints {"report": …, "signature": …}
    zhiliang lab sign --key lab.key --lab 91330… --xlsx reports.xlsx [--out signed.xlsx]
    zhiliang lab keygen                                     # a new key: seed and public key
    zhiliang lab demo-key --lab 嘉兴市质检示范检测中心(演示)  # a demo lab's seed (demo data only)

The key file holds the 32-byte Ed25519 seed in base64 (what ``keygen`` prints); the public key
is registered for the lab by an administrator. Nothing here talks to the platform: the signed
JSON goes to POST /api/lab/reports, the signed sheet to the lab console's import.
"""

import base64
import binascii
import io
import json
import sys
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from openpyxl import load_workbook

from zhiliang.core.grading import evidence as signed
from zhiliang.grading import workbook


def _key(path: Path) -> Ed25519PrivateKey:
    try:
        seed = base64.b64decode(path.read_text(encoding="ascii").strip(), validate=True)
    except (OSError, UnicodeDecodeError, binascii.Error) as exc:
        raise CommandError(f"cannot read the key file {path}: {exc}") from None
    if len(seed) != 32:
        raise CommandError("the key file must hold a 32-byte Ed25519 seed in base64")
    return Ed25519PrivateKey.from_private_bytes(seed)


class Command(BaseCommand):
    help = "Sign test reports with a lab's Ed25519 key (JSON or an Excel sheet); make a key."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sign = sub.add_parser("sign", help="sign a report (JSON) or every row of a sheet")
        sign.add_argument("report", nargs="?", help="report JSON file, or - for stdin")
        sign.add_argument("--key", required=True, type=Path, help="file with the base64 seed")
        sign.add_argument("--lab", default="", help="the lab's credit code (sheets; JSON default)")
        sign.add_argument("--xlsx", type=Path, help="sign every row of this sheet")
        sign.add_argument(
            "--out", type=Path, help="where the signed sheet goes (default: in place)"
        )
        sub.add_parser("keygen", help="print a new key: the seed (keep it) and the public key")
        demo = sub.add_parser("demo-key", help="the seed of a demo lab's key (demo data only)")
        demo.add_argument("--lab", required=True, help="the demo lab's name")
        demo.add_argument("--seed", type=int, default=1, help="the demo generator's seed")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "keygen":
            key = Ed25519PrivateKey.generate()
            seed = key.private_bytes_raw()
            public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
            self.stdout.write(f"seed (keep secret): {base64.b64encode(seed).decode()}")
            self.stdout.write(f"public key (register it): {base64.b64encode(public).decode()}")
            return
        if action == "demo-key":
            from zhiliang.demo.steps import Context, Scale

            context = Context(scale=Scale.SMALL, seed=options["seed"], today=timezone.localdate())
            seed = context.key_seed(f"lab key {options['lab']}")
            self.stdout.write(base64.b64encode(seed).decode())
            return
        key = _key(options["key"])
        if options["xlsx"]:
            signed_rows = self._sign_sheet(key, options["lab"], options["xlsx"], options["out"])
            self.stdout.write(f"{signed_rows} rows signed")
            return
        self._sign_json(key, options["lab"], options["report"])

    def _sign_json(self, key: Ed25519PrivateKey, lab: str, source: str | None) -> None:
        if not source:
            raise CommandError("name a report JSON file, or - for stdin")
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CommandError(f"the report is not JSON: {exc}") from None
        report = document.get("report", document) if isinstance(document, dict) else None
        if not isinstance(report, dict):
            raise CommandError("the report must be a JSON object")
        report.setdefault("format", signed.REPORT_FORMAT)
        if lab:
            report.setdefault("lab", lab)
        out = {"report": report, "signature": signed.sign(key, report)}
        self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))

    def _sign_sheet(
        self, key: Ed25519PrivateKey, lab: str, source: Path, target: Path | None
    ) -> int:
        if not lab:
            raise CommandError("--lab (the lab's credit code) is needed to sign a sheet")
        book = load_workbook(io.BytesIO(source.read_bytes()))
        sheet = book.worksheets[0]
        rows = sheet.iter_rows()
        header = [workbook.text_of(c.value) for c in next(rows, ())]
        if "signature" not in header:
            raise CommandError("the sheet has no signature column")
        column = header.index("signature")
        count = 0
        for cells in rows:
            values = [c.value for c in cells]
            if not any(v not in (None, "") for v in values):
                continue
            payload = workbook.payload_from_row(lab, header, values)
            cells[column].value = signed.sign(key, payload)
            count += 1
        book.save(target or source)
        return count
