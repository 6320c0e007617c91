"""``zhiliang epcis validate FILE``: check an EPCIS 2.0 document offline, as capture would."""

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhiliang.core.tracing.epcis.model import EpcisInvalid
from zhiliang.core.tracing.epcis.validation import parse_document


class Command(BaseCommand):
    help = "EPCIS 2.0 documents: validate one offline (exit 0 when valid, 1 naming each problem)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        validate = actions.add_parser(
            "validate", help="check a JSON/JSON-LD EPCIS document against EPCIS 2.0 and CBV 2.0"
        )
        validate.add_argument("file", type=Path, help="the document; - reads standard input")
        validate.add_argument("--hashes", action="store_true", help="print each event's hash")

    def handle(self, *args: Any, action: str, file: Path, hashes: bool, **options: Any) -> None:
        try:
            text = sys.stdin.read() if str(file) == "-" else file.read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror}") from None
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise CommandError(f"{file}: not JSON: {exc}") from None
        try:
            document = parse_document(data)
        except EpcisInvalid as exc:
            for p in exc.problems:
                where = "document" if p.event is None else f"event {p.event}"
                if p.event_id:
                    where += f" ({p.event_id})"
                self.stderr.write(f"{where}, {p.field or '-'}: {p.code}: {p.message}")
            raise CommandError(f"{file}: invalid, {len(exc.problems)} problem(s)") from None
        if hashes:
            for event in document.events:
                self.stdout.write(f"{event.index}\t{event.event_id or '-'}\t{event.hash}")
        self.stdout.write(f"{file}: valid {document.type} with {len(document.events)} event(s)")
