"""What the Dev Containers CLI does with a compose-based devcontainer.json, step by step."""

import json
import subprocess

import yaml

from harness.docker import compose_command, docker


class DevContainer:
    """What the Dev Containers CLI does with a compose-based devcontainer.json."""

    def __init__(self, project, env):
        self.project = project
        self.env = env
        self.config = json.loads((project / ".devcontainer/devcontainer.json").read_text())
        self.files = [project / ".devcontainer" / name for name in self.config["dockerComposeFile"]]
        self.uid_override = project / ".devcontainer" / "uid-override.compose.yaml"

    def compose(self, *args, check=True):
        files = [*self.files, *([self.uid_override] if self.uid_override.exists() else [])]
        command = [*compose_command(), "--project-directory", str(self.project)]
        for file in files:
            command += ["-f", str(file)]
        result = subprocess.run([*command, *args], cwd=self.project, env=self.env, capture_output=True, text=True,
                                timeout=900)
        if check:
            assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        return result

    def run_initialize_command(self):
        subprocess.run(["sh", "-c", self.config["initializeCommand"]], cwd=self.project, check=True)

    def build_with_remote_user_uid(self, uid, gid):
        """updateRemoteUserUID: a derived image whose remote user has the host user's uid and gid."""
        service = self.config["service"]
        self.uid_override.unlink(missing_ok=True)  # a rebuild builds the service's own image again
        self.compose("build", service)
        image = self.env["APP_IMAGE"]
        derived = f"{image}-uid"
        user = self.config["remoteUser"]
        dockerfile = (
            f"FROM {image}\nUSER root\n"
            f"RUN groupmod -o -g {gid} {user} && usermod -o -u {uid} -g {gid} {user} "
            f"&& chown -R {uid}:{gid} /home/{user}\n"
        )
        subprocess.run(["docker", "build", "-q", "-t", derived, "-"], input=dockerfile, text=True, check=True,
                       capture_output=True)
        self.uid_override.write_text(yaml.safe_dump({"services": {service: {"image": derived}}}))
        return derived

    def up(self):
        self.compose("up", "-d", "--no-build", *self.config["runServices"])
        return self.compose("ps", "-q", self.config["service"]).stdout.strip()

    def exec(self, container, command, check=True):
        result = docker("exec", "-u", self.config["remoteUser"], "-w", self.config["workspaceFolder"], container,
                        "bash", "-lc", command, check=False, timeout=900)
        if check:
            assert result.returncode == 0, f"{command}:\n{result.stdout[-3000:]}{result.stderr[-3000:]}"
        return result

    def down(self):
        if self.config["shutdownAction"] == "stopCompose":
            self.compose("down", "--volumes", check=False)
