"""A project's Docker Swarm stack (deploy/swarm/): both files follow the Compose Specification,
the stack keeps what the project's README promises (three replicas rolled start-first behind a
health check, secrets as files, the job worker as compose runs it, the migrator as a one-shot
job), and the override for engines without IPVS changes nothing but how the tasks are reached."""

import subprocess

import pytest
import yaml

from tests.unit.test_new import shallot
from tests.unit.test_schemas import validator

PROJECT = "swarm-demo"
HTTP_PORT = 8123
STACK_FILES = ["deploy/swarm/stack.yaml", "deploy/swarm/stack.dnsrr.yaml"]


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    workspace = tmp_path_factory.mktemp("swarm")
    result = shallot(workspace, "new", PROJECT, "--defaults", "--http-port", str(HTTP_PORT))
    assert result.returncode == 0, result.stderr
    return workspace / PROJECT


@pytest.fixture(scope="module")
def stack(project):
    return yaml.safe_load((project / "deploy/swarm/stack.yaml").read_text())


@pytest.fixture(scope="module")
def override(project):
    return yaml.safe_load((project / "deploy/swarm/stack.dnsrr.yaml").read_text())


def settings(project):
    lines = (project / "deploy/swarm/stack.env").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


@pytest.mark.parametrize("name", STACK_FILES)
def test_the_stack_files_follow_the_compose_specification(project, name):
    validator("compose-spec.json").validate(yaml.safe_load((project / name).read_text()))


def test_the_service_runs_three_replicas_rolled_start_first_behind_its_health_check(stack):
    app = stack["services"]["app"]
    deploy = app["deploy"]
    assert deploy.get("mode", "replicated") == "replicated"
    assert deploy["replicas"] == 3
    update = deploy["update_config"]
    assert update["order"] == "start-first"
    assert update["parallelism"] == 1
    assert update["failure_action"] == "rollback"
    assert update["monitor"].endswith("s") and int(update["monitor"][:-1]) >= 5
    assert deploy["rollback_config"]["order"] == "start-first"
    # Swarm waits for a new task's health check to pass before it sends it traffic or stops
    # the old one; the check asks /healthz on the service's port, often enough to roll fast.
    health = app["healthcheck"]
    assert not health.get("disable")
    assert health["test"][0] == "CMD" and f"http://127.0.0.1:{HTTP_PORT}/healthz" in health["test"][-1]
    assert health["interval"] in ("2s", "3s", "5s")
    assert "endpoint_mode" not in deploy, "the users' default is Swarm's usual: a virtual IP"
    (port,) = app["ports"]
    assert port["target"] == HTTP_PORT and port["mode"] == "ingress", "published on the routing mesh"


def test_a_task_stops_within_its_grace_period(stack, project):
    app = stack["services"]["app"]
    seconds = int(app["stop_grace_period"].rstrip("s"))
    assert seconds > 35, "supervisor gives nginx 35 s (stopwaitsecs) after SIGTERM"


def test_secrets_are_swarm_secrets_mounted_as_files(stack, project):
    for name in ("app", "worker", "migrate", "db"):
        service = stack["services"][name]
        assert "postgres_password" in service["secrets"], name
        assert service["environment"]["POSTGRES_PASSWORD_FILE"] == "/run/secrets/postgres_password", name
        assert "POSTGRES_PASSWORD" not in service["environment"], name
    for name in ("app", "worker", "migrate"):
        assert stack["services"][name]["environment"]["SECRET_KEY_FILE"] == "/run/secrets/secret_key"
    assert not {"POSTGRES_PASSWORD", "SECRET_KEY"} & set(settings(project))
    for secret in stack["secrets"].values():
        assert secret["file"].startswith("../../secrets/swarm/"), secret
    assert "secrets/" in (project / ".gitignore").read_text().split()


def test_the_migrator_is_a_one_shot_job_running_what_compose_runs(stack, project):
    migrate, app = stack["services"]["migrate"], stack["services"]["app"]
    assert migrate["deploy"]["mode"] == "replicated-job"
    assert migrate["deploy"]["restart_policy"]["condition"] == "on-failure"
    compose = yaml.safe_load((project / "compose.yaml").read_text())
    assert migrate["command"] == compose["services"]["migrate"]["command"] == ["python", "manage.py", "migrate"]
    assert migrate["image"] == app["image"] == f"${{APP_IMAGE:-{PROJECT}:latest}}"
    assert "ports" not in migrate


def test_the_worker_runs_what_compose_runs_behind_its_health_check_and_stops_in_its_grace_period(stack, project):
    worker, app = stack["services"]["worker"], stack["services"]["app"]
    compose = yaml.safe_load((project / "compose.yaml").read_text())
    assert worker["command"] == compose["services"]["worker"]["command"] == ["shallot-worker"]
    assert worker["image"] == app["image"] and worker["env_file"] == app["env_file"]
    # An init as process 1: a SIGTERM that comes while the worker starts stops it, not the grace period.
    assert worker["init"] is True and compose["services"]["worker"]["init"] is True
    assert "ports" not in worker, "nothing calls it; its /metrics are on the stack's network"
    assert worker["deploy"]["replicas"] >= 2 and worker["deploy"]["update_config"]["order"] == "start-first"
    health = worker["healthcheck"]
    assert health["test"][0] == "CMD" and "http://127.0.0.1:9100/healthz" in health["test"][-1]
    assert health["test"] == compose["services"]["worker"]["healthcheck"]["test"]
    # On SIGTERM the jobs in hand get WORKER_SHUTDOWN_TIMEOUT to finish, then go back to their queue.
    assert int(worker["stop_grace_period"].rstrip("s")) > float(settings(project)["WORKER_SHUTDOWN_TIMEOUT"])


def test_the_services_run_in_production_on_a_read_only_root(stack, project):
    assert settings(project)["APP_ENV"] == "production"
    # The token issuer's settings, from the same file; empty until set, so production refuses to start.
    assert (settings(project)["AUTH_ISSUER"], settings(project)["AUTH_AUDIENCE"]) == ("", "")
    assert stack["services"]["app"]["env_file"] == "stack.env"
    for name in ("app", "worker", "migrate"):
        service = stack["services"][name]
        assert service["read_only"] is True, name
        assert {"type": "tmpfs", "target": "/tmp"} in service["volumes"], name
    assert stack["networks"]["default"]["attachable"] is True


def test_the_override_for_engines_without_ipvs_changes_only_how_tasks_are_reached(stack, override):
    assert set(override) == {"services"}
    for name, service in override["services"].items():
        assert name in stack["services"]
        assert service["deploy"] == {"endpoint_mode": "dnsrr"}, name
        assert set(service) <= {"deploy", "ports"}, name
    # Docker merges a port with the same target and published port: this one replaces the
    # mesh's, and is then published on each task's own host.
    (base_port,) = stack["services"]["app"]["ports"]
    (port,) = override["services"]["app"]["ports"]
    assert {**base_port, "mode": "host"} == port
    assert set(override["services"]) == {"app", "db"}


def test_make_lists_the_swarm_targets(project):
    result = subprocess.run(["make", "-C", str(project), "help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    listed = {line.split()[0] for line in result.stdout.splitlines() if line.strip()}
    assert {"swarm-secrets", "swarm-deploy", "swarm-migrate", "swarm-status", "swarm-rm"} <= listed
