"""Domain errors that views turn into clear pages."""


class BreakGlassRequired(Exception):
    """The user has no legitimate relationship but may open the record with a reason."""

    def __init__(self, person_id: int):
        super().__init__(f"break-glass needed for person {person_id}")
        self.person_id = person_id


class StaleEdit(Exception):
    """Someone else changed the record since the user opened it."""

    def __init__(self, current_version: int):
        super().__init__("someone changed this record since you opened it")
        self.current_version = current_version


class IdempotencyConflict(Exception):
    """An idempotency key was reused for a request that is not the one it first named."""

    def __init__(self) -> None:
        super().__init__("this Idempotency-Key was already used for a different request")


class StillPreparing(Exception):
    """What the page shows is being worked out in the background and is not ready to serve yet.

    Raised instead of doing minutes of work inside a request (a web worker is stopped after 30 s);
    the page answers 503 with ``Retry-After`` and reloads itself (``core.middleware``).
    """

    def __init__(self, what: str, *, expected_seconds: float):
        super().__init__(f"{what} is being prepared")
        self.what = what
        self.expected_seconds = expected_seconds
