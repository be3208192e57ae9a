"""Where a release moved what a project's file held, by release: `update` shows it beside a
file it leaves to the team (deleted by the release but changed in the project, or merged with
conflicts), so that the team knows where their change goes now. Keys are paths or globs."""

from fnmatch import fnmatchcase

from packaging.version import Version

SERVING = "shallot-serve; gunicorn options in GUNICORN_CMD_ARGS, settings in docs/settings.md"
RUNTIME_WEB = "shallot_runtime.web, in the shallot-runtime library; its settings in docs/settings.md"
RUNTIME_TESTS = "the shallot-runtime library's own tests (the code they tested is there now)"


def _each(paths: str, pointer: str) -> dict[str, str]:
    return dict.fromkeys(paths.split(), pointer)


MOVED: dict[Version, dict[str, str]] = {
    # Serving and the web platform left the project for the shallot-runtime library.
    Version("0.3.0"): {
        "deploy/nginx.conf": "deploy/nginx.d/*.conf (your additions to shallot's nginx server block; "
        "see docs/serving.md)",
        **_each("deploy/uwsgi.ini deploy/supervisord.conf deploy/supervise.py deploy/fatal_listener.py", SERVING),
        "deploy/reload_on_change.py": "shallot-serve with RELOAD_ON_CHANGE=true (docs/serving.md)",
        **_each(
            "src/json_logging.py src/tracing.py src/observability.py src/api/metrics.py src/api/middleware.py "
            "src/api/requests.py src/api/cors.py src/api/errors.py src/api/controllers/docs.py "
            "src/infrastructure/pool_metrics.py",
            RUNTIME_WEB,
        ),
        "src/api/controllers/health.py": "the blueprint health of shallot_runtime.web, registered in src/api/openapi.py",
        "src/api/responses.py": "no_content and json_response in shallot_runtime.web; error_response in "
        "src/api/error_handler.py",
        "src/api/schemas/common.py": "ErrorSchema in src/api/error_handler.py; the health schemas in "
        "shallot_runtime.web.health; JsonBoolean in shallot_runtime.web.fields",
        "src/infrastructure/clock.py": "shallot_runtime.SystemClock, given in src/dependency_container.py",
        "src/config.py": "shallot's settings in shallot_runtime.settings.ServiceSettings, which Settings extends "
        "with this project's fields; every setting in docs/settings.md",
        **_each(
            "tests/unit/test_config.py tests/unit/test_json_logging.py tests/unit/test_supervise.py "
            "tests/unit/test_tracing.py tests/unit/api/test_cors.py tests/unit/api/test_metrics.py "
            "tests/unit/api/test_health.py "
            "tests/unit/api/test_middleware.py tests/integration/test_metrics_under_uwsgi.py "
            "tests/integration/test_pool_metrics.py",
            RUNTIME_TESTS,
        ),
    },
}


def where_now(path: str, after: Version, upto: Version) -> str | None:
    """Where the releases after AFTER up to UPTO moved what PATH held (the newest move), if any."""
    crossed = sorted((release for release in MOVED if after < release <= upto), reverse=True)
    for release in crossed:
        for pattern, pointer in MOVED[release].items():
            if fnmatchcase(path, pattern):
                return pointer
    return None
