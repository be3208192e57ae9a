"""`shallot new` on a terminal, driven through a pseudo-terminal as a person would type:
it prompts for each answer with defaults from the name, and Ctrl-C leaves nothing behind."""

import os
import pty
import select
import signal
import subprocess
import time

import pytest
import yaml

pytestmark = pytest.mark.alone  # judged under load or against a clock: run with nothing beside it


class Terminal:
    """`docker run -it ...` attached to a pseudo-terminal."""

    def __init__(self, command):
        self.master, slave = pty.openpty()
        self.process = subprocess.Popen(command, stdin=slave, stdout=slave, stderr=slave, close_fds=True)
        os.close(slave)
        self.screen = ""

    def expect(self, text, timeout=60):
        deadline = time.monotonic() + timeout
        while text not in self.screen:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"never saw {text!r}; screen:\n{self.screen}"
            ready, _, _ = select.select([self.master], [], [], remaining)
            if ready:
                try:
                    self.screen += os.read(self.master, 4096).decode(errors="replace")
                except OSError:
                    break
        assert text in self.screen, f"never saw {text!r}; screen:\n{self.screen}"

    def type(self, keys):
        os.write(self.master, keys.encode())

    def wait(self, timeout=60):
        try:
            code = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.send_signal(signal.SIGKILL)
            raise
        finally:
            self._drain()
            os.close(self.master)
        return code

    def _drain(self):
        while select.select([self.master], [], [], 0.2)[0]:
            try:
                chunk = os.read(self.master, 4096)
            except OSError:
                return
            if not chunk:
                return
            self.screen += chunk.decode(errors="replace")


def test_prompts_offer_defaults_from_the_name_and_take_typed_answers(image, workspace):
    terminal = Terminal(["docker", "run", "--rm", "-it", "-v", f"{workspace}:/work", image, "new", "Billing API"])
    terminal.expect("Python package name [billing_api]:")
    terminal.type("class\r")
    terminal.expect("Python keyword")
    terminal.type("billing_core\r")
    terminal.expect("Description [billing-api: a REST API in the onion architecture]:")
    terminal.type("\r")
    terminal.expect("Author name [Your Name]:")
    terminal.type("Ada Lovelace\r")
    for prompt in ("Author email", "HTTP port", "PostgreSQL host port"):
        terminal.expect(prompt)
        terminal.type("\r")
    terminal.expect("Database name [billing_core]:")
    for prompt in ("Database name", "shallot image", "PostgreSQL image"):
        terminal.expect(prompt)
        terminal.type("\r")
    terminal.expect("Authentication: oidc or none [oidc]:")
    terminal.type("basic\r")
    terminal.expect("not oidc")
    terminal.type("none\r")
    terminal.expect("Next steps:")
    assert terminal.wait() == 0, terminal.screen
    answers = yaml.safe_load((workspace / "billing-api/.copier-answers.yml").read_text())
    assert answers["package_name"] == "billing_core"
    assert answers["author_name"] == "Ada Lovelace"
    assert answers["database_name"] == "billing_core"
    assert answers["auth"] == "none"


def test_ctrl_c_at_a_prompt_leaves_nothing_behind(image, workspace):
    terminal = Terminal(["docker", "run", "--rm", "-it", "-v", f"{workspace}:/work", image, "new", "orders"])
    terminal.expect("Python package name [orders]:")
    terminal.type("orders_core\r")
    terminal.expect("Description")
    terminal.type("\x03")
    assert terminal.wait() != 0
    assert "nothing was written" in terminal.screen
    assert os.listdir(workspace) == []
