"""The development issuer as production meets an identity provider: over https, on a Docker
network under the name `issuer`, with a self-signed certificate that the app trusts through
SSL_CERT_FILE. The e2e service and the benchmark run their production-profile apps against it."""

import subprocess
from pathlib import Path

from harness.docker import docker

ISSUER_URL = "https://issuer:9443"
ISSUER_KEY = "/tmp/dev-issuer-key.json"  # noqa: S108 - inside the issuer's container
AUDIENCE = "demo-api"
CERTIFICATES = "/run/issuer-tls"  # where the containers mount the certificate's folder


def certificate(folder: Path) -> Path:
    """A self-signed certificate for the host name `issuer`, readable by the containers' user."""
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-keyout", folder / "tls.key", "-out", folder / "tls.crt", "-days", "2",
                    "-subj", "/CN=issuer", "-addext", "subjectAltName=DNS:issuer"], check=True, capture_output=True)
    for path in (folder, *folder.iterdir()):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return folder


def start(name: str, network: str, image: str, certificates: Path) -> None:
    """The issuer's container, from a project's image (it holds shallot-dev-issuer)."""
    docker("run", "-d", "--name", name, "--network", network, "--network-alias", "issuer",
           "-v", f"{certificates}:{CERTIFICATES}:ro", "-e", "APP_ENV=development", image,
           "shallot-dev-issuer", "serve", "--port", "9443", "--issuer", ISSUER_URL, "--key", ISSUER_KEY,
           "--tls-cert", f"{CERTIFICATES}/tls.crt", "--tls-key", f"{CERTIFICATES}/tls.key")


def app_options(certificates: Path) -> list[str]:
    """`docker run` options of an app that takes the issuer's tokens."""
    return ["-e", f"AUTH_ISSUER={ISSUER_URL}", "-e", f"AUTH_AUDIENCE={AUDIENCE}",
            "-e", f"SSL_CERT_FILE={CERTIFICATES}/tls.crt", "-v", f"{certificates}:{CERTIFICATES}:ro"]


def token(name: str, scopes: str, audience: str = AUDIENCE, ttl: str = "1h") -> str:
    """A token signed with the issuer container's key."""
    return docker("exec", name, "shallot-dev-issuer", "token", "--issuer", ISSUER_URL, "--key", ISSUER_KEY,
                  "--audience", audience, "--scopes", scopes, "--ttl", ttl).stdout.strip()
