"""The WSGI entry point: uWSGI serves `src.app:app` (deploy/uwsgi.ini), building it in each
worker after the fork, so that each worker's span exporter runs a thread of its own."""

from src.config import load_config
from src.create_app import create_app
from src.json_logging import configure_logging
from src.tracing import start_tracing

config = load_config()
configure_logging(config.log_level)
start_tracing()
app = create_app(config)
