import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import Progress

from zhiliang.common.errors import DomainError
from zhiliang.ledger import integrity, selectors, services


class Command(BaseCommand):
    help = "The public ledger: verify the stored log, print proofs, check consistency, sequence."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        actions.add_parser(
            "verify",
            help="recompute every leaf hash, every tile and the latest checkpoint's root and "
            "signature; exit 1 naming the first bad leaf",
        )
        proof = actions.add_parser("proof", help="print the inclusion proof of one leaf as JSON")
        proof.add_argument("--leaf", type=int, required=True, help="leaf index")
        proof.add_argument("--size", type=int, help="tree size; default: the latest checkpoint")
        consistency = actions.add_parser(
            "check-consistency", help="check that the log extends a checkpoint saved earlier"
        )
        consistency.add_argument(
            "--old", type=Path, required=True, help="file holding the saved signed checkpoint"
        )
        actions.add_parser("sequence", help="integrate the pending entries once")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        match action:
            case "verify":
                self._verify()
            case "proof":
                self._proof(options["leaf"], options["size"])
            case "check-consistency":
                self._check_consistency(options["old"])
            case "sequence":
                done = services.sequence()
                self.stdout.write(f"integrated {done} entries; tree size {selectors.tree_size()}")

    def _verify(self) -> None:
        with Progress(console=Console(stderr=True), transient=True) as bar:
            task = bar.add_task("verifying leaves", total=selectors.tree_size())
            try:
                report = integrity.check_ledger(on_progress=lambda n: bar.advance(task, n))
            except integrity.LedgerDamaged as exc:
                raise CommandError(str(exc)) from None
        self.stdout.write(
            f"ok: {report.size} leaves, {report.full_tiles} full tiles and the checkpoint "
            f"of {report.origin} verify"
        )

    def _proof(self, leaf: int, size: int | None) -> None:
        if leaf < 0 or (size is not None and size < 0):
            raise CommandError("leaf indexes and tree sizes are not negative")
        try:
            proof = selectors.inclusion_proof(leaf_index=leaf, tree_size=size)
        except DomainError as exc:
            raise CommandError(str(exc.problems[0].reason)) from None
        body = {
            "leaf_index": proof.leaf_index,
            "tree_size": proof.tree_size,
            "leaf_hash": proof.leaf_hash.hex(),
            "audit_path": [value.hex() for value in proof.audit_path],
        }
        self.stdout.write(json.dumps(body, indent=2))

    def _check_consistency(self, old: Path) -> None:
        try:
            note = old.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {old}: {exc.strerror}") from None
        try:
            extension = integrity.check_extends(note)
        except integrity.LedgerDamaged as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"consistent: the log at size {extension.new_size} (root {extension.new_root.hex()}) "
            f"extends the checkpoint at size {extension.old_size}"
        )
