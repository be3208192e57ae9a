"""Looks for secrets in an image: in every file of every layer (`docker save`), and in the
image's configuration and build history."""

import io
import json
import re
import subprocess
import tarfile

MAX_FILE_BYTES = 8_000_000
ELF_MAGIC = b"\x7fELF"
# Key material and tokens as they appear in text: a whole PEM private-key block, AWS access
# key ids, GitHub and Slack tokens.
FILE_PATTERNS = re.compile(
    rb"-----BEGIN [A-Z ]*PRIVATE KEY[A-Z ]*-----\s*[A-Za-z0-9+/=\s:,-]{64,}?-----END"
    rb"|(?<![A-Z0-9])AKIA[0-9A-Z]{16}(?![A-Za-z0-9])"
    rb"|\bgh[pousr]_[A-Za-z0-9]{36}\b"
    rb"|\bxox[abprs]-[A-Za-z0-9-]{10,}"
)
SECRET_NAMES = re.compile(r"SECRET|PASSWORD|PASSWD|TOKEN|API_KEY|PRIVATE_KEY|CREDENTIAL", re.IGNORECASE)


def files_with_secrets(image: str) -> list[tuple[str, str]]:
    found = []
    saved = subprocess.Popen(["docker", "save", image], stdout=subprocess.PIPE)
    with tarfile.open(fileobj=saved.stdout, mode="r|") as archive:
        for member in archive:
            if not member.name.endswith("layer.tar"):
                continue
            with tarfile.open(fileobj=io.BytesIO(archive.extractfile(member).read())) as layer:
                for entry in layer:
                    if not entry.isfile() or entry.size > MAX_FILE_BYTES:
                        continue
                    content = layer.extractfile(entry).read()
                    if content.startswith(ELF_MAGIC):
                        continue
                    found += [(entry.name, match.group()[:48].decode(errors="replace"))
                              for match in FILE_PATTERNS.finditer(content)]
    assert saved.wait() == 0
    return found


def settings_with_secrets(image: str) -> list[str]:
    """Environment variables and build steps that carry a value under a secret-looking name."""
    config = json.loads(subprocess.run(["docker", "image", "inspect", image], capture_output=True, text=True,
                                       check=True).stdout)[0]["Config"]
    found = [entry for entry in config.get("Env") or [] if SECRET_NAMES.search(entry.split("=", 1)[0])
             and entry.split("=", 1)[1]]
    history = subprocess.run(["docker", "history", "--no-trunc", "--format", "{{.CreatedBy}}", image],
                             capture_output=True, text=True, check=True).stdout.splitlines()
    for step in history:
        found += [f"{name}={value}" for name, value in re.findall(r"\b([A-Z_]*)=(\S+)", step)
                  if SECRET_NAMES.search(name)]
    return found
