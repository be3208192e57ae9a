"""The WSGI app, which the image's command serves (`shallot-serve src.app:app`, in the
Dockerfile): each worker builds it after its fork."""

from src.create_app import create_app

app = create_app()
