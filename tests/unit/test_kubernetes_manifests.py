"""A project's Kubernetes manifests (deploy/kubernetes/): both kustomizations render with
`kubectl kustomize`, every object is valid for the Kubernetes version the README states, and
the objects keep what deploy/kubernetes/README.md promises."""

import configparser
import re
import shutil
import subprocess
from pathlib import Path, PurePosixPath

import kubernetes_validate
import pytest
import yaml

from tests.unit.test_new import shallot

SERVING = Path(__file__).resolve().parents[2] / "runtime/src/shallot_runtime/serving"
KUBERNETES_VERSION = "1.30"
PROJECT = "k8s-demo"
HTTP_PORT = 8123
KUSTOMIZATIONS = {"base": "base", "production": "overlays/production"}


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    workspace = tmp_path_factory.mktemp("kubernetes")
    result = shallot(workspace, "new", PROJECT, "--defaults", "--http-port", str(HTTP_PORT))
    assert result.returncode == 0, result.stderr
    return workspace / PROJECT


def kustomize(folder):
    if shutil.which("kubectl") is None:
        pytest.fail("kubectl is not installed; `apt-get install kubectl` (see .ci/run)")
    result = subprocess.run(["kubectl", "kustomize", str(folder)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return [document for document in yaml.safe_load_all(result.stdout) if document]


@pytest.fixture(scope="module", params=KUSTOMIZATIONS)
def rendered(request, project):
    return kustomize(project / "deploy/kubernetes" / KUSTOMIZATIONS[request.param])


@pytest.fixture(scope="module")
def production(project):
    return kustomize(project / "deploy/kubernetes/overlays/production")


def one(objects, kind, component=None):
    """The one object of KIND (and of that app.kubernetes.io/component)."""
    found = [item for item in objects if item["kind"] == kind
             and (component is None or item["metadata"]["labels"]["app.kubernetes.io/component"] == component)]
    assert len(found) == 1, f"{len(found)} objects of kind {kind} ({component or 'any component'})"
    return found[0]


def api(objects):
    return one(objects, "Deployment", "api")


def worker(objects):
    return one(objects, "Deployment", "worker")


def pod_specs(objects):
    workloads = {"api": api(objects), "worker": worker(objects), "migrate": one(objects, "Job")}
    return {name: workload["spec"]["template"]["spec"] for name, workload in workloads.items()}


def only_container(pod_spec):
    (container,) = pod_spec["containers"]
    return container


def release_tag(project):
    overlay = yaml.safe_load((project / "deploy/kubernetes/overlays/production/kustomization.yaml").read_text())
    (image,) = overlay["images"]
    return image["newTag"]


def test_every_object_is_valid_for_the_stated_kubernetes_version(rendered, project):
    kinds = sorted(item["kind"] for item in rendered)
    assert kinds == ["ConfigMap", "Deployment", "Deployment", "HorizontalPodAutoscaler", "Job", "PodDisruptionBudget",
                     "Service"]
    for item in rendered:
        kubernetes_validate.validate(item, KUBERNETES_VERSION, strict=True)
    assert f"Kubernetes {KUBERNETES_VERSION}" in (project / "deploy/kubernetes/README.md").read_text()


def test_the_validator_rejects_what_kubernetes_would(production):
    deployment = api(production)
    misspelt = {**deployment, "spec": {**deployment["spec"], "replica": 3}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(misspelt, KUBERNETES_VERSION, strict=True)


def test_a_rollout_never_drops_below_the_desired_count(rendered):
    deployment, hpa = api(rendered), one(rendered, "HorizontalPodAutoscaler")
    assert deployment["spec"]["strategy"]["type"] == "RollingUpdate"
    assert deployment["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] in (0, "0%")
    # The autoscaler owns the count: a `replicas` here would reset it on every apply.
    assert "replicas" not in deployment["spec"]
    assert hpa["spec"]["minReplicas"] >= 2
    assert hpa["spec"]["maxReplicas"] >= hpa["spec"]["minReplicas"]


def test_the_probes_ask_the_health_endpoints_on_the_http_port(rendered):
    app = only_container(api(rendered)["spec"]["template"]["spec"])
    assert app["ports"] == [{"name": "http", "containerPort": HTTP_PORT}]
    paths = {probe: app[probe]["httpGet"] for probe in ("startupProbe", "livenessProbe", "readinessProbe")}
    assert paths == {
        "startupProbe": {"path": "/healthz", "port": "http"},
        "livenessProbe": {"path": "/healthz", "port": "http"},
        "readinessProbe": {"path": "/readyz", "port": "http"},
    }


def test_every_container_has_cpu_and_memory_requests_and_limits(rendered):
    for kind, pod_spec in pod_specs(rendered).items():
        resources = only_container(pod_spec)["resources"]
        for bound in ("requests", "limits"):
            assert set(resources.get(bound, {})) == {"cpu", "memory"}, (kind, bound)


def test_pods_run_unprivileged_on_a_read_only_root_with_a_writable_tmp(rendered):
    for kind, pod_spec in pod_specs(rendered).items():
        container = only_container(pod_spec)
        security = {**pod_spec["securityContext"], **container["securityContext"]}
        assert security["runAsNonRoot"] is True, kind
        assert security["runAsUser"] == 1000, kind  # the image's `app`, by number so the kubelet can check it
        assert security["readOnlyRootFilesystem"] is True, kind
        assert security["allowPrivilegeEscalation"] is False, kind
        assert security["capabilities"] == {"drop": ["ALL"]}, kind
        assert security["seccompProfile"] == {"type": "RuntimeDefault"}, kind
        assert pod_spec["automountServiceAccountToken"] is False, kind
        volumes = {volume["name"]: volume for volume in pod_spec["volumes"]}
        (tmp,) = [mount for mount in container["volumeMounts"] if mount["mountPath"] == "/tmp"]
        assert "emptyDir" in volumes[tmp["name"]], kind


def test_a_pod_stops_gracefully_within_its_grace_period(rendered):
    serving = SERVING
    supervisor = configparser.RawConfigParser(inline_comment_prefixes=(";",))
    supervisor.read(serving / "supervisord.conf")
    # nginx stops first, and finishes the requests it holds: gunicorn ends any after its
    # graceful timeout.
    stopwaitsecs = supervisor.getint("program:nginx", "stopwaitsecs")
    pod_spec = api(rendered)["spec"]["template"]["spec"]
    pre_stop = only_container(pod_spec)["lifecycle"]["preStop"]["exec"]["command"]
    assert pre_stop[0] == "sleep"
    gunicorn = (serving / "gunicorn_config.py").read_text()
    graceful_timeout = int(re.search(r"^graceful_timeout = (\d+)$", gunicorn, re.M).group(1))
    assert graceful_timeout < stopwaitsecs
    assert pod_spec["terminationGracePeriodSeconds"] > int(pre_stop[1]) + stopwaitsecs


def test_settings_come_from_the_config_map_and_secrets_from_mounted_files(rendered):
    config_map = one(rendered, "ConfigMap")
    assert config_map["data"]["APP_ENV"] == "production"
    # The token issuer's settings reach every pod; empty until set, so production refuses to start.
    assert (config_map["data"]["AUTH_ISSUER"], config_map["data"]["AUTH_AUDIENCE"]) == ("", "")
    assert not {"POSTGRES_PASSWORD", "SECRET_KEY"} & set(config_map["data"])
    for kind, pod_spec in pod_specs(rendered).items():
        container = only_container(pod_spec)
        assert container["envFrom"] == [{"configMapRef": {"name": config_map["metadata"]["name"]}}], kind
        env = {variable["name"]: variable["value"] for variable in container["env"]}
        assert not {"POSTGRES_PASSWORD", "SECRET_KEY"} & set(env), kind
        volumes = {volume["name"]: volume for volume in pod_spec["volumes"]}
        secret_dirs = {
            mount["mountPath"] for mount in container["volumeMounts"]
            if "secret" in volumes[mount["name"]] and mount.get("readOnly")
        }
        for name in ("POSTGRES_PASSWORD_FILE", "SECRET_KEY_FILE"):
            assert str(PurePosixPath(env[name]).parent) in secret_dirs, (kind, name)
        assert {volume["secret"]["secretName"] for volume in volumes.values() if "secret" in volume} == {
            f"{PROJECT}-secrets"
        }


def test_the_migrate_job_runs_once_and_cleans_up(rendered):
    job, deployment = one(rendered, "Job"), api(rendered)
    assert job["spec"]["backoffLimit"] == 0
    assert job["spec"]["ttlSecondsAfterFinished"] > 0
    pod_spec = job["spec"]["template"]["spec"]
    assert pod_spec["restartPolicy"] == "Never"
    migrate = only_container(pod_spec)
    assert migrate.get("command", []) + migrate.get("args", []) == ["python", "manage.py", "migrate"]
    assert migrate["image"] == only_container(deployment["spec"]["template"]["spec"])["image"]


def test_the_release_names_the_image_and_the_migrate_job(production, project):
    tag = release_tag(project)
    for deployment in (api(production), worker(production)):
        assert only_container(deployment["spec"]["template"]["spec"])["image"].endswith(f":{tag}")
    assert one(production, "Job")["metadata"]["name"] == f"{PROJECT}-migrate-{tag}"


def test_a_new_tag_in_the_overlay_is_a_new_migrate_job(project, tmp_path):
    shutil.copytree(project / "deploy/kubernetes", tmp_path / "kubernetes")
    overlay = tmp_path / "kubernetes/overlays/production/kustomization.yaml"
    overlay.write_text(overlay.read_text().replace(f'newTag: "{release_tag(project)}"', 'newTag: "2.4.1"'))
    objects = kustomize(overlay.parent)
    assert one(objects, "Job")["metadata"]["name"] == f"{PROJECT}-migrate-2.4.1"
    assert only_container(one(objects, "Job")["spec"]["template"]["spec"])["image"].endswith(":2.4.1")


def test_the_service_budget_and_autoscaler_target_the_deployment(rendered):
    deployment = api(rendered)
    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    selector = deployment["spec"]["selector"]["matchLabels"]
    assert selector.items() <= pod_labels.items()
    assert one(rendered, "PodDisruptionBudget")["spec"]["selector"]["matchLabels"] == selector
    service = one(rendered, "Service")
    assert service["spec"]["selector"] == selector
    assert service["spec"]["ports"][0]["targetPort"] == "http"
    target = one(rendered, "HorizontalPodAutoscaler")["spec"]["scaleTargetRef"]
    assert target == {"apiVersion": "apps/v1", "kind": "Deployment", "name": deployment["metadata"]["name"]}
    for other in (one(rendered, "Job"), worker(rendered)):  # never receive traffic
        assert not selector.items() <= other["spec"]["template"]["metadata"]["labels"].items()


def test_the_worker_runs_shallot_worker_from_the_apis_image_probed_on_its_metrics_port(rendered):
    deployment = worker(rendered)
    container = only_container(deployment["spec"]["template"]["spec"])
    assert container.get("command", []) + container.get("args", []) == ["shallot-worker"]
    assert container["image"] == only_container(api(rendered)["spec"]["template"]["spec"])["image"]
    assert container["ports"] == [{"name": "metrics", "containerPort": 9100}]  # WORKER_METRICS_PORT's default
    probes = {probe: container[probe]["httpGet"] for probe in ("startupProbe", "livenessProbe")}
    assert probes == {probe: {"path": "/healthz", "port": "metrics"} for probe in probes}
    assert deployment["spec"]["replicas"] >= 2
    selector = deployment["spec"]["selector"]["matchLabels"]
    assert selector.items() <= deployment["spec"]["template"]["metadata"]["labels"].items()


def test_a_worker_finishes_its_jobs_within_its_grace_period(rendered):
    # On SIGTERM the jobs in hand get WORKER_SHUTDOWN_TIMEOUT to finish, then go back to their queue.
    shutdown_timeout = float(one(rendered, "ConfigMap")["data"]["WORKER_SHUTDOWN_TIMEOUT"])
    pod_spec = worker(rendered)["spec"]["template"]["spec"]
    assert pod_spec["terminationGracePeriodSeconds"] > shutdown_timeout


def test_the_readme_documents_the_hook_annotations(project):
    readme = (project / "deploy/kubernetes/README.md").read_text()
    for annotation in ("helm.sh/hook: pre-install,pre-upgrade", "argocd.argoproj.io/hook: PreSync"):
        assert annotation in readme
