"""Publishes shallot's Dev Container Template beside the release, as the Dev Container Templates
distribution spec lays it out (https://containers.dev/implementors/templates-distribution/):

- REGISTRY/devcontainer-templates/ID:VERSION (and each moving tag given): an OCI artifact whose
  one layer is the template's tar (devcontainer-template.json and .devcontainer/), with the
  template's metadata as the manifest's `dev.containers.metadata` annotation;
- REGISTRY/devcontainer-templates:latest: the collection's devcontainer-collection.json.

The template's version is the release's: it is written into devcontainer-template.json here.

usage: publish-devcontainer-template.py REGISTRY VERSION [MOVING_TAG...]
"""

import io
import json
import sys
import tarfile
import tempfile
from pathlib import Path

import oras.client

REPO = Path(__file__).resolve().parents[2]
SOURCE = REPO / "devcontainer"
NAMESPACE = "devcontainer-templates"
TEMPLATE_LAYER = "application/vnd.devcontainers.layer.v1+tar"
COLLECTION_LAYER = "application/vnd.devcontainers.collection.layer.v1+json"
CONFIG = "application/vnd.devcontainers"
FIXED_MTIME = 315532800  # the same bytes for the same sources


def metadata(version: str) -> dict:
    template = json.loads((SOURCE / "devcontainer-template.json").read_text(encoding="utf-8"))
    return {**template, "version": version}


def package(template: dict, folder: Path) -> Path:
    """The template's tar: its devcontainer-template.json and the .devcontainer folder."""
    archive = folder / f"devcontainer-template-{template['id']}.tgz"  # a plain tar, as the spec's tools name it
    with tarfile.open(archive, "w") as tar:
        _add_bytes(tar, "./devcontainer-template.json", json.dumps(template, indent=2).encode() + b"\n")
        for path in sorted((SOURCE / ".devcontainer").rglob("*")):
            if path.is_file():
                info = tar.gettarinfo(path, arcname=f"./{path.relative_to(SOURCE)}")
                info.mtime, info.uid, info.gid, info.uname, info.gname = FIXED_MTIME, 0, 0, "", ""
                with path.open("rb") as content:
                    tar.addfile(info, content)
    return archive


def _add_bytes(tar: tarfile.TarFile, name: str, content: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(content), FIXED_MTIME, 0o644
    tar.addfile(info, io.BytesIO(content))


def push(client: oras.client.OrasClient, target: str, blob: Path, media_type: str, annotations: dict) -> None:
    client.push(
        target=target,
        files=[f"{blob}:{media_type}"],
        manifest_config=f"/dev/null:{CONFIG}",
        manifest_annotations=annotations,
        disable_path_validation=True,
        quiet=True,
    )


def main(registry: str, version: str, *moving: str) -> None:
    host = registry.split("/", 1)[0]
    loopback = host.split(":")[0] in {"localhost", "127.0.0.1"}
    client = oras.client.OrasClient(hostname=host, insecure=loopback)
    template = metadata(version)
    with tempfile.TemporaryDirectory() as scratch:
        archive = package(template, Path(scratch))
        annotations = {"dev.containers.metadata": json.dumps(template)}
        for tag in (version, *moving):
            push(client, f"{registry}/{NAMESPACE}/{template['id']}:{tag}", archive, TEMPLATE_LAYER, annotations)
        collection = Path(scratch) / "devcontainer-collection.json"
        collection.write_text(json.dumps({"sourceInformation": {"source": "shallot"}, "templates": [template]}, indent=2))
        if version.count("-") == 0 and "latest" in moving:
            push(client, f"{registry}/{NAMESPACE}:latest", collection, COLLECTION_LAYER, {})
    print(f"published the Dev Container Template {registry}/{NAMESPACE}/{template['id']}:{version}")


if __name__ == "__main__":
    main(*sys.argv[1:])
