"""Whether an image can be pulled, asked of its registry (the Docker Registry HTTP API v2)
anonymously, before a project is moved to it."""

import json
import re
import urllib.error
import urllib.parse
import urllib.request

from shallot.errors import ShallotError

MANIFESTS = ", ".join(
    [
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.docker.distribution.manifest.v2+json",
    ]
)
CHALLENGE = re.compile(r'(\w+)="([^"]*)"')
TIMEOUT = 10


def registry_of(reference: str) -> str | None:
    """The registry host REFERENCE names, or None for a local name such as shallot:dev."""
    first, slash, _ = reference.partition("/")
    if slash and ("." in first or ":" in first or first == "localhost"):
        return first
    return None


def _base_url(host: str) -> str:
    # As Docker does, a registry on the loopback interface is spoken to in plain HTTP.
    name = host.rsplit(":", 1)[0]
    plain = name == "localhost" or name.startswith("127.") or name == "[::1]"
    return f"{'http' if plain else 'https'}://{host}"


def is_pullable(reference: str) -> bool | None:
    """True if the registry has REFERENCE, None if it wants credentials to say (a private image);
    one line (ShallotError) if it has not, or cannot be reached."""
    host = registry_of(reference)
    if host is None:
        return True
    path, _, tag = reference[len(host) + 1 :].rpartition(":")
    url = f"{_base_url(host)}/v2/{path}/manifests/{tag}"
    try:
        status, challenge = _head(url, token=None)
        if status == 401:
            status, _ = _head(url, token=_anonymous_token(challenge))
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise ShallotError(f"cannot reach the registry {host} to check {reference}: {reason}; nothing was changed") from None
    if status == 200:
        return True
    if status in (401, 403):
        return None
    if status == 404:
        raise ShallotError(f"{reference} is not in its registry; release it first (make release), nothing was changed")
    raise ShallotError(f"the registry {host} answered {status} for {reference}; nothing was changed")


def _head(url: str, token: str | None) -> tuple[int, str]:
    """The status of a HEAD request, and the WWW-Authenticate challenge of a 401."""
    headers = {"Accept": MANIFESTS, **({"Authorization": f"Bearer {token}"} if token else {})}
    request = urllib.request.Request(url, method="HEAD", headers=headers)  # noqa: S310 - http(s) only
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            return response.status, ""
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("WWW-Authenticate", "")


def _anonymous_token(challenge: str) -> str | None:
    """A pull token from the realm a 401 named (as ghcr.io gives one for public images)."""
    fields = dict(CHALLENGE.findall(challenge))
    realm = fields.pop("realm", "")
    if not realm.startswith(("https://", "http://")):
        return None
    query = urllib.parse.urlencode(fields)
    with urllib.request.urlopen(f"{realm}?{query}", timeout=TIMEOUT) as response:  # noqa: S310
        answer = json.load(response)
    return answer.get("token") or answer.get("access_token")
