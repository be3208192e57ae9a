"""Why a token was refused, and why it could not be checked: the caller's fault (401) or the
server's (503)."""


class InvalidToken(Exception):
    """The token is not one this service accepts: RFC 6750's `invalid_token`, a 401.

    `description` goes to the caller (WWW-Authenticate's error_description): it says what is
    wrong without echoing anything the token holds."""

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = description


class UnknownKey(LookupError):
    """The issuer publishes no key by this kid, even after looking again."""


class KeysUnavailable(Exception):
    """The issuer's keys cannot be had right now (unreachable, or it answered nonsense): no
    token can be checked, through no fault of the caller's. A 503, with Retry-After."""

    def __init__(self, reason: str, *, retry_after: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after
