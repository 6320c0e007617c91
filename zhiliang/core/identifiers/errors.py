"""The one error every identifier check raises.

It lives in its own module so that each identifier module can import it without importing the
package (which imports them all).
"""

from typing import Final


class InvalidIdentifier(ValueError):
    """An identifier that breaks a rule of its standard: a refusal, never a bug.

    ``code`` is stable and snake_case (for the USCC and GS1 numbers it is the ``reason`` value of
    the shared conformance files, so a refusal can be compared with them); ``reason`` is one
    English sentence for logs and reviewers. The service layer turns the pair into a translated
    ``Problem`` (STYLE.md section 8). Both are read-only, and two refusals with the same code and
    reason compare equal, so the exception behaves like a frozen value. It is a ``ValueError`` so
    that code which only knows "bad input" can still catch it.
    """

    __slots__ = ("_code", "_reason")
    __match_args__: Final = ("code", "reason")

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(code, reason)
        self._code = code
        self._reason = reason

    @property
    def code(self) -> str:
        return self._code

    @property
    def reason(self) -> str:
        return self._reason

    def __str__(self) -> str:
        return f"{self._code}: {self._reason}"

    def __repr__(self) -> str:
        return f"InvalidIdentifier(code={self._code!r}, reason={self._reason!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, InvalidIdentifier):
            return NotImplemented
        return (self._code, self._reason) == (other._code, other._reason)

    def __hash__(self) -> int:
        return hash((InvalidIdentifier, self._code, self._reason))
