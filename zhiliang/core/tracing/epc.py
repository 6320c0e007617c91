"""Identifiers in EPCIS events: EPC URNs (GS1 Tag Data Standard 2.x), Digital Link URIs and the
platform's own URNs, each reduced to one canonical form.

A unit may be written ``urn:epc:id:sgtin:6901234.056789.SN0001`` or
``https://<any host>/01/06901234567892/21/SN0001``; both name the same code, so codes are keyed
by the constrained canonical Digital Link URI (id.gs1.org, GTIN-14, only the most fine-grained
key: ``01``+``21``, never the lot), which is also the form the CBV 2.0 event hash uses. The form a
document used is kept beside it, because EPC patterns (``urn:epc:idpat:…``) match URN-form EPCs
only.

Platform URNs (docs/epcis.md): ``urn:zhiliang:party:<credit code>`` for an enterprise as a
source or destination party, and ``urn:zhiliang:ecode:…``, ``urn:zhiliang:dic:…``,
``urn:zhiliang:ccc:<certificate>.<serial>`` for units coded in the other three schemes.
"""

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Final
from urllib.parse import unquote

from zhiliang.core.identifiers import InvalidIdentifier, gs1_check_digit, parse_uscc
from zhiliang.core.tracing import codes
from zhiliang.core.tracing.codes import Scheme
from zhiliang.core.tracing.digital_link import (
    CANONICAL_HOST,
    DigitalLink,
    encode,
    parse_digital_link,
)
from zhiliang.core.tracing.uri import is_uri


class Kind(StrEnum):
    INSTANCE = "instance"  # one unit or logistic unit: may stand in epcList, childEPCs, parentID
    CLASS = "class"  # a product or lot: quantityList epcClass
    PATTERN = "pattern"  # urn:epc:idpat: a query or a class
    LOCATION = "location"  # GLN / SGLN
    PARTY = "party"  # PGLN or a credit code
    OTHER = "other"  # any other URI: documents, transactions, private identifiers


@dataclass(frozen=True, slots=True)
class Epc:
    written: str
    canonical: str
    kind: Kind
    scheme: str  # a Scheme value
    urn_form: bool = False
    gtin: str | None = None
    serial: str | None = None
    lot: str | None = None
    sscc: str | None = None
    gln: str | None = None
    credit_code: str | None = None

    @property
    def is_gs1(self) -> bool:
        return self.scheme == Scheme.GS1


PARTY_URN: Final = "urn:zhiliang:party:"
ZHILIANG_URN: Final = "urn:zhiliang:"
_GS3A3: Final = r"(?:%[0-9A-Fa-f]{2}|[A-Za-z0-9!'()*+,\-.:;=_])"
_URN: Final = {
    "sgtin": re.compile(rf"(\d{{6,12}})\.(\d{{1,7}})\.({_GS3A3}{{1,20}})"),
    "sscc": re.compile(r"(\d{6,12})\.(\d{5,11})"),
    "sgln": re.compile(rf"(\d{{6,12}})\.(\d{{0,6}})\.({_GS3A3}{{1,20}})"),
    "pgln": re.compile(r"(\d{6,12})\.(\d{0,6})"),
    "grai": re.compile(rf"(\d{{6,12}})\.(\d{{0,6}})\.({_GS3A3}{{1,16}})"),
    "giai": re.compile(rf"(\d{{6,12}})\.({_GS3A3}{{1,24}})"),
    "gdti": re.compile(rf"(\d{{6,12}})\.(\d{{0,6}})\.({_GS3A3}{{1,17}})"),
    "gsrn": re.compile(r"(\d{6,12})\.(\d{5,11})"),
    "gsrnp": re.compile(r"(\d{6,12})\.(\d{5,11})"),
    "sgcn": re.compile(r"(\d{6,12})\.(\d{0,6})\.(\d{1,12})"),
}
_LGTIN: Final = re.compile(rf"(\d{{6,12}})\.(\d{{1,7}})\.({_GS3A3}{{1,20}})")
_IDPAT_SGTIN: Final = re.compile(r"(\d{6,12})\.(\d{1,7})\.\*|(\d{6,12})\.\*\.\*|\*\.\*\.\*")
_TOTALS: Final = {
    "sgtin": 13,
    "sscc": 17,
    "sgln": 12,
    "pgln": 12,
    "grai": 12,
    "gdti": 12,
    "gsrn": 17,
    "gsrnp": 17,
    "sgcn": 12,
}
_INSTANCE_KEYS: Final = frozenset(
    {"00", "8003", "8004", "8017", "8018", "253", "255", "401", "402"}
)


_FAST_SGTIN: Final = re.compile(r"https://id\.gs1\.org/01/(\d{14})/21/([A-Za-z0-9_.\-]{1,20})")


@lru_cache(maxsize=65536)
def parse_epc(uri: str) -> Epc:
    """``identify`` with a cache: a document names the same units in several events, and its
    hash names them again (the result is a frozen value, refusals are not cached)."""
    fast = _FAST_SGTIN.fullmatch(uri)
    if fast is not None and _mod10(fast[1]):
        # The canonical form, as platforms write it: nothing in it needs decoding or biip.
        return Epc(uri, uri, Kind.INSTANCE, Scheme.GS1, gtin=fast[1], serial=fast[2])
    return identify(uri)


@lru_cache(maxsize=4096)
def _mod10(digits: str) -> bool:
    """The GS1 check digit of an all-digit key holds (weights 3, 1, 3 … from the right); cached:
    a document's units share a few GTINs."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(reversed(digits)))
    return total % 10 == 0


def identify(uri: str) -> Epc:
    """Any identifier an event may carry, or ``InvalidIdentifier`` for a broken GS1 one.

    Codes: ``not_a_uri``; ``bad_epc_urn`` (a ``urn:epc:`` URN that breaks the Tag Data Standard
    syntax: an SGTIN without serial, wrong digit counts); the Digital Link reasons; the code
    reasons of the platform URNs.
    """
    if not is_uri(uri):
        raise InvalidIdentifier("not_a_uri", f"{uri[:80]!r} is not a URI.")
    lower = uri[:16].lower()
    if lower.startswith("urn:epc:"):
        return _epc_urn(uri)
    if lower.startswith(ZHILIANG_URN):
        return _platform_urn(uri)
    if lower.startswith(("http://", "https://")):
        try:
            link = parse_digital_link(uri)
        except InvalidIdentifier as exc:
            if exc.code in ("no_primary_key", "convenience_alpha"):
                return Epc(uri, uri, Kind.OTHER, Scheme.URI)
            raise
        return from_digital_link(uri, link)
    return Epc(uri, uri, Kind.OTHER, Scheme.URI)


def from_digital_link(written: str, link: DigitalLink) -> Epc:
    key = link.primary_key
    if key.ai == "01":
        if link.serial is not None:
            canonical = f"{CANONICAL_HOST}/01/{key.value}/21/{encode(link.serial)}"
            return Epc(
                written,
                canonical,
                Kind.INSTANCE,
                Scheme.GS1,
                gtin=key.value,
                serial=link.serial,
                lot=link.lot,
            )
        if link.tpx is not None:
            canonical = f"{CANONICAL_HOST}/01/{key.value}/235/{encode(link.tpx)}"
            return Epc(written, canonical, Kind.INSTANCE, Scheme.GS1, gtin=key.value)
        canonical = f"{CANONICAL_HOST}/01/{key.value}"
        if link.lot is not None:
            canonical += f"/10/{encode(link.lot)}"
        return Epc(written, canonical, Kind.CLASS, Scheme.GS1, gtin=key.value, lot=link.lot)
    if key.ai == "414":
        ext = link.qualifier("254")
        canonical = f"{CANONICAL_HOST}/414/{key.value}" + (f"/254/{encode(ext)}" if ext else "")
        return Epc(written, canonical, Kind.LOCATION, Scheme.GS1, gln=key.value)
    if key.ai == "417":
        canonical = f"{CANONICAL_HOST}/417/{key.value}"
        return Epc(written, canonical, Kind.PARTY, Scheme.GS1, gln=key.value)
    canonical = CANONICAL_HOST + link.path
    kind = Kind.INSTANCE if key.ai in _INSTANCE_KEYS or link.key_qualifiers else Kind.CLASS
    return Epc(written, canonical, kind, Scheme.GS1, sscc=link.sscc)


def _epc_urn(uri: str) -> Epc:
    parts = uri.split(":", 4)
    if len(parts) != 5:
        raise InvalidIdentifier("bad_epc_urn", f"{uri!r} is not an EPC URN.")
    _urn, _epc, form, scheme, body = parts
    if form == "id" and scheme in _URN:
        match = _URN[scheme].fullmatch(body)
        if match is None or len(match[1]) + len(match[2]) != _TOTALS.get(
            scheme, len(match[1]) + len(match[2])
        ):
            raise InvalidIdentifier(
                "bad_epc_urn",
                f"{uri!r} breaks the Tag Data Standard syntax of {scheme} "
                "(company prefix, reference and serial, with the right digit counts).",
            )
        return _gs1_from_urn(uri, scheme, match.groups())
    if form == "class" and scheme == "lgtin":
        match = _LGTIN.fullmatch(body)
        if match is None or len(match[1]) + len(match[2]) != 13:
            raise InvalidIdentifier("bad_epc_urn", f"{uri!r} is not an LGTIN class URN.")
        gtin = _gtin(match[1], match[2])
        lot = unquote(match[3])
        return Epc(
            uri,
            f"{CANONICAL_HOST}/01/{gtin}/10/{encode(lot)}",
            Kind.CLASS,
            Scheme.GS1,
            urn_form=True,
            gtin=gtin,
            lot=lot,
        )
    if form == "idpat" and scheme == "sgtin":
        match = _IDPAT_SGTIN.fullmatch(body)
        if match is None or (match[1] and len(match[1]) + len(match[2]) != 13):
            raise InvalidIdentifier("bad_epc_urn", f"{uri!r} is not an SGTIN pattern.")
        of_gtin = _gtin(match[1], match[2]) if match[1] else None
        canonical = f"{CANONICAL_HOST}/01/{of_gtin}" if of_gtin else uri
        return Epc(uri, canonical, Kind.PATTERN, Scheme.GS1, urn_form=True, gtin=of_gtin)
    if (more := _more_urns(uri, form, scheme, body)) is not None:
        return more
    if form in ("id", "class", "idpat"):
        # Other TDS schemes (gid, usdod, adi, bic, imovn, pgln patterns …) are kept as written.
        return Epc(
            uri, uri, Kind.INSTANCE if form == "id" else Kind.CLASS, Scheme.GS1, urn_form=True
        )
    raise InvalidIdentifier("bad_epc_urn", f"{uri!r} is not an EPC URN (id, class or idpat).")


_MORE: Final = {
    ("id", "ginc"): re.compile(rf"(\d{{6,12}})\.({_GS3A3}{{1,24}})"),
    ("id", "gsin"): re.compile(r"(\d{6,12})\.(\d{4,10})"),
    ("id", "itip"): re.compile(rf"(\d{{6,12}})\.(\d{{1,7}})\.(\d\d)\.(\d\d)\.({_GS3A3}{{1,20}})"),
    ("id", "upui"): re.compile(rf"(\d{{6,12}})\.(\d{{1,7}})\.({_GS3A3}{{1,28}})"),
    ("id", "cpi"): re.compile(r"(\d{6,12})\.([0-9A-Z\-]|%2[3dfDF])+\.(\d{1,12})"),
    ("idpat", "grai"): re.compile(r"(\d{6,12})\.(\d{0,6})\.\*"),
    ("idpat", "gdti"): re.compile(r"(\d{6,12})\.(\d{0,6})\.\*"),
    ("idpat", "sgcn"): re.compile(r"(\d{6,12})\.(\d{0,6})\.\*"),
    ("idpat", "itip"): re.compile(r"(\d{6,12})\.(\d{1,7})\.(\d\d)\.(\d\d)\.\*"),
    ("idpat", "cpi"): re.compile(r"(\d{6,12})\.((?:[0-9A-Z\-]|%2[3dfDF])+)\.\*"),
}


def _more_urns(uri: str, form: str, scheme: str, body: str) -> Epc | None:
    """The rarer TDS schemes, converted to Digital Link as CBV 2.0 rule 17 asks."""
    pattern = _MORE.get((form, scheme))
    if pattern is None:
        return None
    match = pattern.fullmatch(body)
    if match is None:
        raise InvalidIdentifier("bad_epc_urn", f"{uri!r} breaks the TDS syntax of {scheme}.")
    g = match.groups()
    cp = g[0]
    kind = Kind.INSTANCE if form == "id" else Kind.CLASS
    match (form, scheme):
        case ("id", "ginc"):
            path = f"/401/{encode(unquote(cp + g[1]))}"
        case ("id", "gsin"):
            payload = cp + g[1]
            path = f"/402/{payload}{gs1_check_digit(payload)}"
        case ("id", "itip") | ("idpat", "itip"):
            path = f"/8006/{_gtin(cp, g[1])}{g[2]}{g[3]}"
            if form == "id":
                path += f"/21/{encode(unquote(g[4]))}"
        case ("id", "upui"):
            path = f"/01/{_gtin(cp, g[1])}/235/{encode(unquote(g[2]))}"
        case ("id", "cpi"):
            ref = body[len(cp) + 1 : body.rindex(".")]
            path = f"/8010/{encode(unquote(cp + ref))}/8011/{g[-1]}"
        case ("idpat", "cpi"):
            path = f"/8010/{encode(unquote(cp + g[1]))}"
        case _:  # grai, gdti, sgcn patterns: the class key without its serial
            payload = cp + g[1]
            key = payload + str(gs1_check_digit(payload))
            ai = {"grai": "8003", "gdti": "253", "sgcn": "255"}[scheme]
            path = f"/{ai}/{'0' + key if ai == '8003' else key}"
    return Epc(uri, CANONICAL_HOST + path, kind, Scheme.GS1, urn_form=True)


def _gtin(prefix: str, item_ref: str) -> str:
    payload = item_ref[0] + prefix + item_ref[1:]
    return payload + str(gs1_check_digit(payload))


def _gs1_from_urn(uri: str, scheme: str, groups: tuple[str | None, ...]) -> Epc:
    prefix, ref = groups[0] or "", groups[1] or ""
    serial = unquote(groups[2]) if len(groups) > 2 and groups[2] is not None else None
    match scheme:
        case "sgtin":
            gtin = _gtin(prefix, ref)
            assert serial is not None
            return Epc(
                uri,
                f"{CANONICAL_HOST}/01/{gtin}/21/{encode(serial)}",
                Kind.INSTANCE,
                Scheme.GS1,
                urn_form=True,
                gtin=gtin,
                serial=serial,
            )
        case "sscc":
            payload = ref[0] + prefix + ref[1:]
            sscc = payload + str(gs1_check_digit(payload))
            return Epc(
                uri,
                f"{CANONICAL_HOST}/00/{sscc}",
                Kind.INSTANCE,
                Scheme.GS1,
                urn_form=True,
                sscc=sscc,
            )
        case "sgln" | "pgln":
            payload = prefix + ref
            gln = payload + str(gs1_check_digit(payload))
            if scheme == "pgln":
                return Epc(
                    uri,
                    f"{CANONICAL_HOST}/417/{gln}",
                    Kind.PARTY,
                    Scheme.GS1,
                    urn_form=True,
                    gln=gln,
                )
            ext = "" if serial in (None, "0") else f"/254/{encode(serial or '')}"
            return Epc(
                uri,
                f"{CANONICAL_HOST}/414/{gln}{ext}",
                Kind.LOCATION,
                Scheme.GS1,
                urn_form=True,
                gln=gln,
            )
        case "grai" | "gdti" | "sgcn":
            payload = prefix + ref
            key = payload + str(gs1_check_digit(payload))
            ai = {"grai": "8003", "gdti": "253", "sgcn": "255"}[scheme]
            value = ("0" + key if ai == "8003" else key) + (serial or "")
            return Epc(
                uri,
                f"{CANONICAL_HOST}/{ai}/{encode(value)}",
                Kind.INSTANCE,
                Scheme.GS1,
                urn_form=True,
            )
        case "giai":
            return Epc(
                uri,
                f"{CANONICAL_HOST}/8004/{encode(prefix + unquote(ref))}",
                Kind.INSTANCE,
                Scheme.GS1,
                urn_form=True,
            )
        case _:  # gsrn, gsrnp
            payload = prefix + ref
            ai = "8018" if scheme == "gsrn" else "8017"
            return Epc(
                uri,
                f"{CANONICAL_HOST}/{ai}/{payload}{gs1_check_digit(payload)}",
                Kind.INSTANCE,
                Scheme.GS1,
                urn_form=True,
            )


def _platform_urn(uri: str) -> Epc:
    _urn, _ns, kind, value = [*uri.split(":", 3), "", ""][:4]
    match kind:
        case "party":
            parse_uscc(value)
            return Epc(uri, PARTY_URN + value, Kind.PARTY, Scheme.URI, credit_code=value)
        case "ecode":
            code = codes.parse_ecode(value)
            return Epc(uri, codes.urn(Scheme.ECODE, code), Kind.INSTANCE, Scheme.ECODE)
        case "dic":
            code = codes.parse_identity_code(value)
            return Epc(uri, codes.urn(Scheme.DIC, code), Kind.INSTANCE, Scheme.DIC)
        case "ccc":
            code = codes.parse_ccc_unit(value)
            return Epc(uri, codes.urn(Scheme.CCC, code), Kind.INSTANCE, Scheme.CCC)
    raise InvalidIdentifier("bad_platform_urn", f"{uri!r} is not a platform URN (docs/epcis.md).")


def party_urn(credit_code: str) -> str:
    return PARTY_URN + credit_code
