"""PostgreSQL stopped for 10 s under load: the service answers 503 with Retry-After (no 500, no
hang), /readyz says 503, it recovers without a restart, and no acknowledged write is lost."""

import json
import time
import urllib.error
import urllib.request

import pytest

from harness.docker import unique
from harness.poller import Poller
from harness.stack import Load

pytestmark = pytest.mark.alone  # judged under load or against a clock: run with nothing beside it

OUTAGE_SECONDS = 10
RECOVERY_LIMIT_SECONDS = 5
# The longest any request may take: DB_CONNECT_TIMEOUT (3 s) plus the queue in front of 2 workers.
ANSWER_LIMIT_SECONDS = 10


def readyz_status(base):
    """/readyz's status, or the name of the error that kept it from answering."""
    try:
        with urllib.request.urlopen(f"{base}/readyz", timeout=ANSWER_LIMIT_SECONDS) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError as error:
        return type(error).__name__


def test_a_database_outage_under_load_is_503_then_recovers_and_loses_no_acknowledged_write(stack):
    tag = unique("outage")
    with Poller(lambda: readyz_status(stack.base), 0.2) as readiness, \
            Load(stack.base, timeout=ANSWER_LIMIT_SECONDS, tag=tag) as load:
        time.sleep(3)
        stopping = time.time()
        stack.compose("stop", "db")
        stopped = time.time()
        time.sleep(max(0.0, OUTAGE_SECONDS - (stopped - stopping)))
        starting = time.time()
        stack.compose("start", "db")
        started = time.time()
        deadline = started + 60
        while time.time() < deadline and not _all_good_since(load, time.time() - 1.0):
            time.sleep(0.2)
        time.sleep(2)
    records = load.of("read", "list", "write")

    # Every request got an answer within the limit: no reset, no refused connection, no timeout.
    unanswered = [r for r in records if r["status"] is None]
    assert not unanswered, unanswered[:5]
    assert max(r["seconds"] for r in records) < ANSWER_LIMIT_SECONDS

    # Nothing but 2xx and the database's 503 (with Retry-After and its code); never a 500.
    refused = [r for r in records if r["status"] >= 300]
    assert all(r["status"] == 503 and r["retry_after"] == "5"
               and json.loads(r["body"])["error"]["code"] == "database_unavailable" for r in refused), refused[:5]
    during = [r for r in records if stopped <= r["at"] and r["at"] + r["seconds"] <= starting]
    assert during and all(r["status"] == 503 for r in during), load.classes(stopped, starting)

    # /readyz said 503 throughout the outage, and 200 again after it.
    outage_ready = [status for at, answered, status in readiness.samples if stopped <= at and answered <= starting]
    assert outage_ready and set(outage_ready) == {503}, readiness.samples
    assert readiness.samples[-1][2] == 200, readiness.samples[-5:]

    # Back within the limit of the database starting, without restarting the service.
    last_refused = max(r["at"] + r["seconds"] for r in refused)
    recovery = last_refused - started
    assert recovery <= RECOVERY_LIMIT_SECONDS, f"503s went on for {recovery:.1f}s after the database started"
    ready_again = min(answered for _, answered, status in readiness.samples if answered > starting and status == 200)

    # Every write acknowledged with 201 is in the database.
    acknowledged = load.acknowledged_titles()
    stored = set(stack.sql(f"SELECT title FROM todos WHERE title LIKE '{tag} %'").splitlines())
    assert acknowledged and acknowledged <= stored, sorted(acknowledged - stored)[:5]

    first_refused = min(r["at"] for r in refused)
    print(f"\ndatabase outage: stop took {stopped - stopping:.2f}s, down {starting - stopped:.1f}s, start took "
          f"{started - starting:.2f}s; first 503 {first_refused - stopping:+.2f}s after the stop began; "
          f"last 503 answered {recovery:+.2f}s after the start returned; /readyz 200 again "
          f"{ready_again - started:+.2f}s after it; slowest answer {max(r['seconds'] for r in records):.2f}s; "
          f"responses {load.classes()}; writes acknowledged {len(acknowledged)}, "
          f"stored {len(stored)} (rows without an answer: {len(stored - acknowledged)})")


def _all_good_since(load, since):
    recent = [r for r in load.of("read", "list", "write") if r["at"] >= since]
    return recent and all(r["status"] is not None and r["status"] < 300 for r in recent)
