"""Conventions that matter get a test: the core never imports Django; endpoints and views never
touch the ORM directly (they call selectors and services, where authorisation lives)."""

import ast
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
THIN = sorted([*ROOT.glob("zhiliang/*/api.py"), *ROOT.glob("zhiliang/*/views.py")])


def test_the_core_imports_no_django() -> None:
    code = (
        "import sys, pkgutil, importlib, zhiliang.core as c\n"
        "for m in pkgutil.walk_packages(c.__path__, 'zhiliang.core.'):\n"
        "    if '.tests' not in m.name: importlib.import_module(m.name)\n"
        "print(sorted(n for n in sys.modules if n == 'django' or n.startswith('django.')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize("path", THIN, ids=lambda p: str(p.relative_to(ROOT)))
def test_endpoints_and_views_do_not_query_models_directly(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    offenders = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr == "objects"
    ]
    assert not offenders, f"{path.name} uses .objects on lines {offenders}"


def test_every_message_has_a_chinese_translation_and_the_catalogue_is_compiled() -> None:
    po_path = ROOT / "zhiliang/locale/zh_Hans/LC_MESSAGES/django.po"
    po = polib.pofile(str(po_path))
    untranslated = [e.msgid for e in po if not (e.msgstr or e.msgstr_plural.get(0))]
    assert not untranslated, "run `make messages`: " + ", ".join(untranslated[:5])
    mo = polib.mofile(str(po_path.with_suffix(".mo")))
    assert {e.msgid: e.msgstr or e.msgstr_plural.get(0) for e in mo} == {
        e.msgid: e.msgstr or e.msgstr_plural.get(0) for e in po if not e.obsolete
    }
