"""Where the shared conformance vectors and reference data live at test time.

CI clones the repository with ``shared/`` beside it; ``ZHILIANG_SHARED`` overrides the path.
"""

import json
import os
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[3]
SHARED_DIR = Path(os.environ.get("ZHILIANG_SHARED", REPO_ROOT.parent / "shared"))


def load_json(relative: str) -> Any:
    """Read one shared JSON file as UTF-8 (several values hold Chinese on purpose)."""
    return json.loads((SHARED_DIR / relative).read_text(encoding="utf-8"))
