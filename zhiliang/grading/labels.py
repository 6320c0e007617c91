"""The grading label (G5) as SVG, PNG at 600 dpi and PDF: grade, product, model, standard,
expiry and the signed QR code (segno).

One layout in 600-dpi pixels serves all three: the SVG's viewBox uses them, the PNG is drawn in
them with Pillow, and the PDF places the SVG on a page of the label's size (WeasyPrint). The
label's fixed words are Chinese in every language of the site: it is printed on products sold
in China, like the official mark it stands in for (the SAMR label design, Annex 2 of the draft
opinion, was not available; this layout is ours).
"""

import base64
import io
import subprocess
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Final
from xml.sax.saxutils import escape

import segno
from PIL import Image, ImageDraw, ImageFont

WIDTH: Final = 1654  # 70 mm at 600 dpi
HEIGHT: Final = 945  # 40 mm
DPI: Final = 600
MODULE: Final = 11  # pixels per QR module: 0.47 mm, well above what label printers resolve
QR_BORDER: Final = 4
BRAND: Final = "#b3261e"
GREY: Final = "#52606d"
FONT_FAMILY: Final = "Noto Sans CJK SC"
TITLE: Final = "产品质量分级"
SCAN: Final = "扫码核验"
# Palette indices of the PNG: white, black, brand red, grey.
PALETTE: Final = [255, 255, 255, 0, 0, 0, 0xB3, 0x26, 0x1E, 0x52, 0x60, 0x6D]
WHITE, BLACK, RED, GREY_INDEX = 0, 1, 2, 3


@dataclass(frozen=True, slots=True)
class LabelContent:
    grade: str
    product: str
    model: str
    standard: str
    valid_until: date
    record_id: int
    qr_url: str


def _fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _lines(c: LabelContent) -> list[tuple[str, int, int, str, bool]]:
    """(text, x, baseline y, colour, bold) of every text on the label, in pixels."""
    return [
        (TITLE, 60, 128, "#ffffff", True),
        ("QUALITY GRADE", 1594, 118, "#ffffff", False),
        (c.grade, 56, 430, BRAND, True),
        (_fit(c.product, 12), 60, 536, "#1f2933", True),
        (_fit(c.model, 22), 60, 620, "#1f2933", False),
        (_fit(c.standard, 26), 60, 700, "#1f2933", False),
        ("有效期至 " + c.valid_until.isoformat(), 60, 775, "#1f2933", False),
        (f"No. {c.record_id}", 60, 850, GREY, False),
        (SCAN, 1274, 918, GREY, False),
    ]


_SIZES: Final = [92, 44, 250, 70, 58, 52, 52, 44, 40]
QR_X: Final = 940
QR_Y: Final = 196


def qr(url: str) -> segno.QRCode:
    return segno.make(url, error="m", micro=False)


def svg(content: LabelContent) -> bytes:
    code = qr(content.qr_url)
    size = code.symbol_size(scale=MODULE, border=QR_BORDER)[0]
    path = code.svg_inline(scale=MODULE, border=QR_BORDER)
    texts = []
    for (text, x, y, colour, bold), px in zip(_lines(content), _SIZES, strict=True):
        anchor = ' text-anchor="end"' if x > 1500 else (' text-anchor="middle"' if x > 1200 else "")
        weight = ' font-weight="700"' if bold else ""
        texts.append(
            f'<text x="{x}" y="{y}" font-size="{px}" fill="{colour}"{weight}{anchor}>'
            f"{escape(text)}</text>"
        )
    document = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="70mm" height="40mm" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="{FONT_FAMILY}, sans-serif">'
        f"<title>{escape(TITLE)} {escape(content.grade)}</title>"
        f'<rect x="6" y="6" width="{WIDTH - 12}" height="{HEIGHT - 12}" rx="40" fill="#fff" '
        f'stroke="{BRAND}" stroke-width="8"/>'
        f'<path d="M6 46a40 40 0 0 1 40-40H{WIDTH - 46}a40 40 0 0 1 40 40V170H6z" fill="{BRAND}"/>'
        f'<g transform="translate({QR_X} {QR_Y})" data-size="{size}">{path}</g>'
        + "".join(texts)
        + "</svg>"
    )
    return document.encode("utf-8")


@cache
def _font_file(bold: bool) -> tuple[str, int] | None:
    """The CJK font file and face index fontconfig picks (Debian: fonts-noto-cjk)."""
    pattern = f"{FONT_FAMILY}:bold" if bold else FONT_FAMILY
    try:
        found = subprocess.run(  # noqa: S603 - fixed arguments, no shell
            ["fc-match", "-f", "%{file}:%{index}", pattern],  # noqa: S607
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    path, _sep, index = found.rpartition(":")
    return (path, int(index or 0)) if path else None


@cache
def _font(px: int, bold: bool) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    found = _font_file(bold)
    if found is None:
        return ImageFont.load_default(px)
    return ImageFont.truetype(found[0], px, index=found[1])


@cache
def _blank() -> Image.Image:
    """The parts every label shares, drawn once per process."""
    image = Image.new("P", (WIDTH, HEIGHT), WHITE)
    image.putpalette(PALETTE)
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle(
        (6, 6, WIDTH - 7, HEIGHT - 7), radius=40, fill=WHITE, outline=RED, width=8
    )
    draw.rounded_rectangle((6, 6, WIDTH - 7, 170), radius=40, fill=RED)
    draw.rectangle((6, 120, WIDTH - 7, 170), fill=RED)
    return image


_COLOURS: Final = {"#ffffff": WHITE, BRAND: RED, GREY: GREY_INDEX, "#1f2933": BLACK}


def png(content: LabelContent) -> bytes:
    code = qr(content.qr_url)
    image = _blank().copy()
    modules = bytes(
        BLACK if dark else WHITE
        for row in code.matrix_iter(scale=1, border=QR_BORDER)
        for dark in row
    )
    side = int(code.symbol_size(scale=1, border=QR_BORDER)[0])
    grid = Image.frombytes("P", (side, side), modules)
    image.paste(grid.resize((side * MODULE, side * MODULE), Image.Resampling.NEAREST), (QR_X, QR_Y))
    draw = ImageDraw.Draw(image)
    for (text, x, y, colour, bold), px in zip(_lines(content), _SIZES, strict=True):
        anchor = "rs" if x > 1500 else ("ms" if x > 1200 else "ls")
        draw.text((x, y), text, font=_font(px, bold), fill=_COLOURS[colour], anchor=anchor)
    out = io.BytesIO()
    image.save(out, "PNG", dpi=(DPI, DPI), compress_level=6)
    return out.getvalue()


def pdf(content: LabelContent) -> bytes:
    from weasyprint import HTML  # imported late: it is heavy and only PDFs need it

    data = base64.b64encode(svg(content)).decode("ascii")
    html = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><style>"
        "@page { size: 70mm 40mm; margin: 0 } html, body { margin: 0 }"
        "img { display: block; width: 70mm; height: 40mm }"
        f"</style></head><body><img src='data:image/svg+xml;base64,{data}' "
        f"alt='{escape(TITLE)} {escape(content.grade)}'></body></html>"
    )
    return bytes(HTML(string=html).write_pdf())
