"""A JSON document over HTTP, with the standard library: all the issuer's keys need."""

import json
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

MAX_BYTES = 1024 * 1024  # a discovery document or a JWKS is a few KiB


class FetchError(Exception):
    """The document could not be had: one line naming the URL and why."""


def get_json(url: str, timeout: float) -> dict[str, Any]:
    if urlsplit(url).scheme not in ("http", "https"):
        raise FetchError(f"{url}: not an http(s) URL")
    request = urllib.request.Request(  # noqa: S310 (the scheme is checked above)
        url, headers={"Accept": "application/json", "User-Agent": "shallot-runtime"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            body = response.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as error:
        raise FetchError(f"{url}: HTTP {error.code}") from None
    except urllib.error.URLError as error:
        raise FetchError(f"{url}: {error.reason}") from None
    except OSError as error:  # a timeout while reading, a reset connection
        raise FetchError(f"{url}: {error}") from None
    if len(body) > MAX_BYTES:
        raise FetchError(f"{url}: larger than {MAX_BYTES} bytes")
    try:
        document = json.loads(body)
    except ValueError:
        raise FetchError(f"{url}: not JSON") from None
    if not isinstance(document, dict):
        raise FetchError(f"{url}: not a JSON object")
    return document
