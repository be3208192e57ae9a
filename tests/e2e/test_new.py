"""`docker run ... shallot new` through the real image: the tree, its owner, and every refusal."""

import os
import subprocess

import pytest

from tests.e2e.conftest import HOST_UID, docker_run
from tests.unit.test_new import REQUIRED_PATHS


def owners(folder):
    found = set()
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            info = os.lstat(os.path.join(root, name))
            found.add((info.st_uid, info.st_gid))
    return found


def test_new_renders_a_project_owned_by_the_owner_of_work(image, workspace):
    result = docker_run(image, "new", "payments-api", "--defaults", volumes=[(workspace, "/work")])
    assert result.returncode == 0, result.stderr
    project = workspace / "payments-api"
    assert [path for path in REQUIRED_PATHS if not (project / path).exists()] == []
    assert owners(project) == {(HOST_UID, HOST_UID)}
    assert os.stat(project / "scripts/run_postgres.sh").st_mode & 0o100
    assert "Next steps:" in result.stdout


def test_new_with_user_renders_as_that_user(image, tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    os.chown(folder, 2345, 2345)
    result = docker_run(image, "new", "orders", volumes=[(folder, "/work")], options=["--user", "2345:2345"])
    assert result.returncode == 0, result.stderr
    assert owners(folder / "orders") == {(2345, 2345)}


@pytest.mark.parametrize(
    ("owner", "identity"),
    [
        (0, "0 0 0 /root"),  # a root-owned workspace: root, as started
        (1000, "1000 1000 1000 /home/app"),  # the image's `app` user, with its home
        (4321, "4321 4321 4321 /tmp"),  # a uid the image does not know: no groups, a scratch home
        (None, "1000 1000 1000 /home/app"),  # nothing mounted: `app`
    ],
)
def test_a_program_runs_as_the_owner_of_work(image, tmp_path, owner, identity):
    volumes = []
    if owner is not None:
        os.chown(tmp_path, owner, owner)
        volumes = [(tmp_path, "/work")]
    result = docker_run(image, "sh", "-c", 'echo "$(id -u) $(id -g) $(id -G) $HOME"', volumes=volumes)
    assert (result.returncode, result.stdout.strip()) == (0, identity), result.stderr


def test_the_rendered_python_compiles_in_the_image(image, workspace):
    assert docker_run(image, "new", "orders", volumes=[(workspace, "/work")]).returncode == 0
    result = docker_run(image, "python", "-m", "compileall", "-q", "/work/orders", volumes=[(workspace, "/work")])
    assert result.returncode == 0, result.stdout + result.stderr


def test_version_and_help(image, repo):
    version = (repo / "VERSION").read_text().strip()
    assert docker_run(image, "version").stdout.strip() == f"shallot {version}"
    flag = docker_run(image, "--version")
    assert (flag.stdout.strip(), flag.stderr, flag.returncode) == (f"shallot, version {version}", "", 0)
    assert {"new", "update"} <= set(docker_run(image, "--help").stdout.split())


def assert_refused(result, says):
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("shallot: error: ") and says in lines[0], lines[0]


# Every bad invocation that needs nothing but its arguments: (arguments, what the one line must say).
BAD_ARGUMENTS = {
    "empty name": (["new", ""], "NAME is empty"),
    "blank name": (["new", "   "], "NAME is empty"),
    "too long": (["new", "a" * 65], "the limit is 64"),
    "normalises to nothing": (["new", "___"], "not lower-case letters"),
    "path separator": (["new", "a/b"], "path separator"),
    "backslash": (["new", "a\\b"], "path separator"),
    "parent folder": (["new", ".."], "parent or current folder"),
    "absolute path": (["new", "/etc/passwd"], "path separator"),
    "shell metacharacters": (["new", "api;rm -rf"], "not lower-case letters"),
    "command substitution": (["new", "$(id)"], "not lower-case letters"),
    "non-ASCII with no ASCII form": (["new", "数据服务"], "no letters or digits that can be written in ASCII"),
    "keyword as package": (["new", "class"], "Python keyword"),
    "stdlib module as package": (["new", "json"], "standard library"),
    "stdlib test package": (["new", "test"], "standard library"),
    "keyword via --package-name": (["new", "ok", "--package-name", "lambda"], "Python keyword"),
    "leading digit": (["new", "1st-api"], "starts with a digit"),
    "unknown flag": (["new", "ok", "--unknown"], "No such option"),
    "unknown command": (["frobnicate"], "No such command"),
    "invalid email": (["new", "ok", "--author-email", "not-an-email"], "author email"),
    "port out of range": (["new", "ok", "--postgres-port", "70000"], "out of range"),
    "privileged port": (["new", "ok", "--http-port", "80"], "out of range"),
    "port not a number": (["new", "ok", "--http-port", "eighty"], "not a whole number"),
    "equal ports": (["new", "ok", "--http-port", "6000", "--postgres-port", "6000"], "both 6000"),
    "bad database name": (["new", "ok", "--database-name", "drop table"], "database name"),
    "multi-line description": (["new", "ok", "--description", "one\ntwo"], "control characters or line breaks"),
}


@pytest.mark.parametrize(("args", "says"), BAD_ARGUMENTS.values(), ids=BAD_ARGUMENTS.keys())
def test_bad_input_is_refused_with_nothing_written(image, workspace, args, says):
    assert_refused(docker_run(image, *args, volumes=[(workspace, "/work")]), says)
    assert os.listdir(workspace) == []


def test_a_file_in_the_way_is_refused(image, workspace):
    (workspace / "orders").write_text("mine")
    assert_refused(docker_run(image, "new", "orders", volumes=[(workspace, "/work")]), "is not a folder")
    assert (workspace / "orders").read_text() == "mine"


def test_an_existing_project_is_refused_and_kept(image, workspace):
    (workspace / "orders").mkdir()
    (workspace / "orders/keep.txt").write_text("mine")
    assert_refused(docker_run(image, "new", "orders", volumes=[(workspace, "/work")]), "not empty")
    assert os.listdir(workspace / "orders") == ["keep.txt"]


def test_without_a_mount_it_prints_the_docker_run_line(image):
    result = docker_run(image, "new", "orders")
    assert_refused(result, 'docker run --rm -it -v "$PWD:/work" ' + image + " new orders")


def test_a_read_only_mount_is_refused(image, workspace):
    assert_refused(docker_run(image, "new", "orders", volumes=[(workspace, "/work:ro")]), "read-only")
    assert os.listdir(workspace) == []


def run_new_then_list(image, mount, *listed):
    """`new orders` through the entrypoint, then `ls -A` of /work and of LISTED folders."""
    return subprocess.run(
        [
            "docker", "run", "--rm", *mount, "--entrypoint", "bash", image, "-c",
            "shallot-entrypoint new orders >/dev/null; status=$?; ls -A /work " + " ".join(listed) + "; exit $status",
        ],
        capture_output=True, text=True, timeout=120,
    )


@pytest.mark.parametrize(
    "mount",
    [
        ["--mount", "type=tmpfs,destination=/work,tmpfs-size=32k"],
        ["--tmpfs", f"/work:size=32k,uid={HOST_UID},gid={HOST_UID}"],
    ],
    ids=["as root", "as the owner, rendered as root in memory"],
)
def test_a_full_disk_leaves_nothing_behind(image, mount):
    result = run_new_then_list(image, mount, "/dev/shm")
    assert_refused(result, "No space left on device")
    assert result.stdout.split() == ["/dev/shm:", "/work:"]


def test_the_render_as_root_leaves_nothing_in_the_containers_memory(image, workspace):
    result = run_new_then_list(image, ["-v", f"{workspace}:/work"], "/dev/shm")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["/dev/shm:", "/work:", "orders"]
    assert owners(workspace / "orders") == {(HOST_UID, HOST_UID)}
