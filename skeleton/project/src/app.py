"""The WSGI entry point: gunicorn serves `src.app:app`."""

from src.config import load_config
from src.create_app import create_app
from src.json_logging import configure_logging

config = load_config()
configure_logging(config.log_level)
app = create_app(config)
