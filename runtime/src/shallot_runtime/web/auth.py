"""Access tokens on the routes that ask for them, as RFC 6750 says to refuse them.

A route asks with `@blueprint.requires("todos:read")` (`ApiBlueprint.requires`), which both
documents the operation's security and marks its view for the check installed here, before
the view and whatever loads its arguments. A route that asks for nothing is public: health,
readiness, /metrics, /docs and /openapi.json among them. The view reads the caller with
`current_claims()`, and hands the project's own value, made from it, to its use case.

Refusals, in the app's error shape, each with `WWW-Authenticate: Bearer realm="api", ...`:

- no Authorization header, or another scheme than Bearer: 401, no error code (§3.1);
- a Bearer header that is not one token: 401 `invalid_request` (§3.1 says 400 SHOULD; one
  status for every refusal of the credentials keeps a client's rule simple: 401, get a token);
- a token the verifier refuses: 401 `invalid_token` with its error_description;
- a token without one of the scopes: 403 `insufficient_scope`, naming the scopes required;
- the issuer's keys out of reach: 503 `auth_unavailable` with Retry-After (not the caller's
  fault: nothing could check its token).

An app built without a verifier (a project made with `--auth none`) refuses every request
with a RuntimeError (a 500 from its handler, so it never turns healthy) if any route asks for
scopes: a route believed protected is never served unprotected.
"""

import logging
import re
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from flask import Flask, Response, current_app, g, request

from shallot_runtime.auth import Claims, InvalidToken, KeysUnavailable, TokenVerifier
from shallot_runtime.flask import ErrorResponse

logger = logging.getLogger(__name__)

REALM = "api"
REQUIRED_SCOPES = "_shallot_required_scopes"  # the view function's attribute
CLAIMS = "_shallot_claims"  # on flask.g, for the request
# RFC 6750 §2.1: b64token. And RFC 6749's scope-token: printable ASCII but space, " and \.
TOKEN = re.compile(r"[A-Za-z0-9\-._~+/]+=*")
SCOPE = re.compile(r"[\x21\x23-\x5b\x5d-\x7e]+")
# error_description's characters (RFC 6750 §3): printable ASCII but " and \.
UNQUOTABLE = re.compile(r"[^\x20\x21\x23-\x5b\x5d-\x7e]")

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
View = TypeVar("View", bound=Callable[..., Any])


def declare_scopes(view: View, scopes: Iterable[str]) -> View:
    """Marks the view as needing a token with every one of `scopes` (none: any valid token)."""
    required = frozenset(scopes)
    for scope in required:
        if not SCOPE.fullmatch(scope):
            raise ValueError(f"{scope!r} is not a scope: printable ASCII without spaces or quotes")
    setattr(view, REQUIRED_SCOPES, required)
    return view


def required_scopes(view: Callable[..., Any] | None, method: str) -> frozenset[str] | None:
    """The scopes the view declared for the HTTP method, or None for a public one. A
    MethodView's are on its methods (HEAD is GET's unless it has its own)."""
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        name = method.lower()
        if name == "head" and not hasattr(view_class, "head"):
            name = "get"
        view = getattr(view_class, name, None)
    return getattr(view, REQUIRED_SCOPES, None)


def declared_scopes(app: Flask) -> frozenset[str]:
    """Every scope the app's routes require: what a test's token needs to call them all."""
    return frozenset(
        scope
        for view in app.view_functions.values()
        for method in METHODS
        for scope in required_scopes(view, method) or ()
    )


def current_claims() -> Claims:
    """The caller's verified token, in a route that declared its scopes."""
    claims = g.get(CLAIMS)
    if claims is None:
        raise RuntimeError(
            "current_claims() in a route without a token: declare its scopes with"
            " @blueprint.requires(...)"
        )
    return claims


def install(app: Flask, verifier: TokenVerifier | None, error_response: ErrorResponse) -> None:
    if verifier is None:
        _refuse_declared_scopes(app)
        return
    refusals = Refusals(error_response)

    @app.before_request
    def authenticate() -> Response | None:
        view = app.view_functions.get(request.endpoint or "")
        required = required_scopes(view, request.method)
        if required is None or request.method == "OPTIONS":  # public, or a CORS preflight
            return None
        scheme, _, token = request.headers.get("Authorization", "").strip().partition(" ")
        if scheme.lower() != "bearer":
            return refusals.no_token()
        token = token.strip()
        if not TOKEN.fullmatch(token):
            return refusals.malformed()
        try:
            claims = verifier.verify(token)
        except InvalidToken as error:
            return refusals.invalid(error.description)
        except KeysUnavailable as error:
            logger.warning("a token could not be checked: %s", error.reason)
            return refusals.unavailable(error.retry_after)
        if not required <= claims.scopes:
            return refusals.insufficient(required)
        setattr(g, CLAIMS, claims)
        return None


class Refusals:
    """The responses, in the app's error shape, with their challenge."""

    def __init__(self, error_response: ErrorResponse) -> None:
        self.error_response = error_response

    def no_token(self) -> Response:
        message = "This operation needs an access token: send Authorization: Bearer <token>."
        return self._challenge(401, "unauthorized", message, {})

    def malformed(self) -> Response:
        message = "The Authorization header is not Bearer followed by one token."
        return self._challenge(401, "invalid_request", message, {}, error="invalid_request")

    def invalid(self, description: str) -> Response:
        description = UNQUOTABLE.sub("?", description)
        return self._challenge(
            401, "invalid_token", description, {}, error="invalid_token",
            error_description=description,
        )  # fmt: skip

    def insufficient(self, required: frozenset[str]) -> Response:
        scopes = sorted(required)
        message = f"The token lacks a scope this operation requires: {' '.join(scopes)}."
        return self._challenge(
            403, "insufficient_scope", message, {"scopes": scopes}, error="insufficient_scope",
            scope=" ".join(scopes),
        )  # fmt: skip

    def unavailable(self, retry_after: int) -> Response:
        message = "The token cannot be checked right now; retry after the delay in Retry-After."
        response = self.error_response(
            503, "auth_unavailable", message, {"retry_after": retry_after}
        )
        response.headers["Retry-After"] = str(retry_after)
        return response

    def _challenge(
        self, status: int, code: str, message: str, details: dict, **parameters: str
    ) -> Response:
        response = self.error_response(status, code, message, details)
        parameters = {"realm": REALM, **parameters}
        challenge = ", ".join(f'{name}="{value}"' for name, value in parameters.items())
        response.headers["WWW-Authenticate"] = f"Bearer {challenge}"
        return response


def _refuse_declared_scopes(app: Flask) -> None:
    checked = False

    @app.before_request
    def no_verifier() -> None:
        nonlocal checked
        if checked:
            return
        secured = sorted(
            endpoint
            for endpoint, view in current_app.view_functions.items()
            if any(required_scopes(view, method) is not None for method in METHODS)
        )
        if secured:
            raise RuntimeError(
                f"routes declare scopes ({', '.join(secured)}) but the app has no token verifier:"
                " pass verifier= to shallot_runtime.web.init_app, or remove their requires"
            )
        checked = True
