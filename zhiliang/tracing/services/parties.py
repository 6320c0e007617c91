"""Which enterprise an identifier in an event stands for.

A party or location is an enterprise when it is written with the enterprise's credit code
(``urn:zhiliang:party:<USCC>``) or with a GLN (PGLN, SGLN, Digital Link 414/417) under a GS1
company prefix the enterprise registered; a GTIN or SSCC belongs to the holder of its company
prefix. GS1 company prefixes are 6 to 12 digits and never nest, so trying every length finds at
most one holder. Lookups are cached for the length of one capture, down to the holder of
each GS1 number (a document names thousands of units under one or two company prefixes).
"""

from collections.abc import Iterable

from zhiliang.core.identifiers import InvalidIdentifier
from zhiliang.core.tracing.epc import Epc, parse_epc
from zhiliang.registry.models import Enterprise
from zhiliang.tracing.models import CompanyPrefix

PREFIX_LENGTHS = range(6, 13)


class Parties:
    def __init__(self) -> None:
        self._prefixes: dict[str, int | None] = {}
        self._credit: dict[str, int | None] = {}
        self._holders: dict[str, int | None] = {}  # GS1 number → holder of its prefix
        self._sealed = False

    def seal(self) -> None:
        """Every identifier to be looked up was preloaded: a lookup that would query the
        database now fails loudly (while rows are copied, a query would wait forever)."""
        self._sealed = True

    def preload(self, epcs: Iterable[Epc]) -> None:
        """Resolve many identifiers in two queries instead of one each."""
        numbers = {n for e in epcs if (n := _gs1_number(e))}
        wanted = {n[:k] for n in numbers for k in PREFIX_LENGTHS} - self._prefixes.keys()
        if wanted:
            found = dict(
                CompanyPrefix.objects.filter(prefix__in=wanted).values_list("prefix", "enterprise")
            )
            for prefix in wanted:
                self._prefixes[prefix] = found.get(prefix)
        codes = {e.credit_code for e in epcs if e.credit_code} - self._credit.keys()
        if codes:
            found_ids = dict(
                Enterprise.objects.filter(credit_code__in=codes).values_list("credit_code", "id")
            )
            for code in codes:
                self._credit[code] = found_ids.get(code)

    def enterprise_of(self, epc: Epc | None) -> int | None:
        if epc is None:
            return None
        if epc.credit_code:
            if epc.credit_code not in self._credit:
                self._preload_missing(epc)
            return self._credit[epc.credit_code]
        number = _gs1_number(epc)
        if not number:
            return None
        if number in self._holders:
            return self._holders[number]
        if any(number[:k] not in self._prefixes for k in PREFIX_LENGTHS):
            self._preload_missing(epc)
        found = self._holders[number] = next(
            (e for k in PREFIX_LENGTHS if (e := self._prefixes.get(number[:k])) is not None), None
        )
        return found

    def _preload_missing(self, epc: Epc) -> None:
        if self._sealed:
            raise RuntimeError(f"{epc.written!r} was not preloaded")
        self.preload([epc])

    def enterprise_at(self, uri: str | None) -> int | None:
        """The enterprise a readPoint or bizLocation URI stands for, if any."""
        if not uri:
            return None
        try:
            return self.enterprise_of(parse_epc(uri))
        except InvalidIdentifier:
            return None


def _gs1_number(epc: Epc) -> str | None:
    """The digits that begin with the company prefix: a GLN, or a GTIN/SSCC without its first
    digit (indicator or extension digit)."""
    if epc.gln:
        return epc.gln
    if epc.gtin:
        return epc.gtin[1:]
    if epc.sscc:
        return epc.sscc[1:]
    return None
