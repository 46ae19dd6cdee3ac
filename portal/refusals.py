"""The one base of every domain refusal: rules and services raise it, pages show it (portal/web.py).

No Flask here, so pure rules and services can import it without depending on the web layer.
"""

from __future__ import annotations


class DomainRefusal(Exception):
    """A refused action with its Dutch message for the person (`str(refusal)` gives it too), and the
    name of the form field it belongs to when there is one (None: it belongs to the whole form)."""

    def __init__(self, message: object = "", field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field

    def by_field(self) -> list[tuple[str | None, object]]:
        """(field, message) for each point refused; a refusal about several fields overrides this."""
        return [(self.field, self.message)]
