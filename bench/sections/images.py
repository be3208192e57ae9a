"""Image sizes and layer counts: shallot, its bases, and a generated project's image."""

from harness.docker import docker


def _inspect(image: str) -> dict:
    size, layers = docker("image", "inspect", "--format", "{{.Size}} {{len .RootFS.Layers}}", image).stdout.split()
    return {"image": image, "size_mb": round(int(size) / 1e6, 1), "layers": int(layers)}


def measure(context) -> dict:
    return {
        "shallot": _inspect(context.image),
        "python base": _inspect(context.python_image),
        "postgres": _inspect(context.postgres_image),
        "generated project": _inspect(context.project_image),
    }
