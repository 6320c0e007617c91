"""Label generation (labels/s), SVG and PNG at 600 dpi, against segno alone in the same run
(goal: at least 50 % of segno's rate).

Baseline: segno encoding the same QR URL and writing it alone, at the label's module size
(SVG; PNG at 600 dpi). Ours: the whole label — the same QR, the frame, the grade, product,
model, standard, expiry and record number — in each format. Every label has its own URL and
signature, as in production.

    uv run python bench/bench_labels.py [--labels 500]
"""

import argparse
import base64
import io
import random
from datetime import date, timedelta

import segno
from _common import best_of, report

from zhiliang.grading import labels

PRODUCTS = ("移动电源", "智能坐便器", "床垫", "陶瓷砖", "羽绒服装")


def contents(count: int, seed: int = 7) -> list[labels.LabelContent]:
    rng = random.Random(seed)
    made = []
    for n in range(count):
        signature = base64.urlsafe_b64encode(rng.randbytes(64)).rstrip(b"=").decode()
        expires = date(2026, 1, 1) + timedelta(days=rng.randint(0, 700))
        grade = rng.choice(("AAAAA", "AAAA", "AAA", "AA", "A"))
        url = (
            f"https://zhiliang.example.gov.cn/grading/r/{100000 + n}?g={grade}"
            f"&s=T%2FSZBIA%200002-2025&e={expires.isoformat()}&sig={signature}"
        )
        made.append(
            labels.LabelContent(
                grade,
                rng.choice(PRODUCTS),
                f"禾美 PB-{rng.randint(1000, 99999)}",
                "T/SZBIA 0002-2025",
                expires,
                100000 + n,
                url,
            )
        )
    return made


def segno_svg(items: list[labels.LabelContent]) -> None:
    for item in items:
        out = io.BytesIO()
        segno.make(item.qr_url, error="m", micro=False).save(
            out, kind="svg", scale=labels.MODULE, border=labels.QR_BORDER
        )


def segno_png(items: list[labels.LabelContent]) -> None:
    for item in items:
        out = io.BytesIO()
        segno.make(item.qr_url, error="m", micro=False).save(
            out, kind="png", scale=labels.MODULE, border=labels.QR_BORDER, dpi=labels.DPI
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--labels", type=int, default=500)
    args = parser.parse_args()
    items = contents(args.labels)
    labels.png(items[0])  # load fonts and draw the shared frame once, as a server process does
    for kind, ours, baseline in (
        ("svg", lambda: [labels.svg(i) for i in items], lambda: segno_svg(items)),
        ("png", lambda: [labels.png(i) for i in items], lambda: segno_png(items)),
    ):
        base = best_of(3, baseline)
        mine = best_of(3, ours)
        report(f"label {kind}", args.labels, mine, base, what=f"segno {kind} alone")


if __name__ == "__main__":
    main()
