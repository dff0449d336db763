"""The one domain error type; the API maps it to HTTP and pages map it to messages."""

from __future__ import annotations

from typing import Any

# code -> HTTP status, used by the API's exception handler.
HTTP_STATUS = {"invalid": 400, "forbidden": 403, "not_found": 404, "conflict": 409}


class DomainError(Exception):
    """A refusal a user should read: wrong role, wrong state, bad input, or a conflict."""

    def __init__(
        self,
        message: str,
        *,
        code: str = "invalid",
        fields: dict[str, list[str]] | None = None,
        current: dict[str, Any] | None = None,
    ) -> None:
        if code not in HTTP_STATUS:
            raise ValueError(f"unknown domain error code {code!r}")
        super().__init__(message)
        self.message = message
        self.code = code
        self.fields = fields or {}
        # For conflicts: the state the caller should reload.
        self.current = current

    @property
    def http_status(self) -> int:
        return HTTP_STATUS[self.code]
