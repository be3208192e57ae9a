"""What a worker takes during a maintenance window, when it may acknowledge it, its settings,
and which of procrastinate's SQL files an upgrade applies: no database, no worker."""

import logging
from datetime import timedelta

import pytest

from shallot_runtime.domain.window import MaintenanceWindow
from shallot_runtime.jobs import schema
from shallot_runtime.jobs.gate import WorkerGate
from shallot_runtime.jobs.logs import QuietHousekeeping
from shallot_runtime.jobs.rules import allowed_queues, complies
from shallot_runtime.jobs.settings import WorkerSettings
from shallot_runtime.jobs.testing import FakeQueue
from tests.support.fakes import FixedClock

READ_ONLY = frozenset({"reports"})


def window(mode: str, clock: FixedClock, lease: float = 30) -> MaintenanceWindow:
    return MaintenanceWindow.open(
        mode=mode, reason="test", holder="test", lease=timedelta(seconds=lease), now=clock.now()
    )


def test_without_a_window_a_worker_takes_its_own_queues():
    assert allowed_queues(None, None, READ_ONLY) is None
    assert allowed_queues(None, ("default", "reports"), READ_ONLY) == ("default", "reports")


def test_a_read_only_window_leaves_only_the_read_only_queues():
    read_only = window("read-only", FixedClock())
    assert allowed_queues(read_only, None, READ_ONLY) == ("reports",)
    assert allowed_queues(read_only, ("default", "reports"), READ_ONLY) == ("reports",)
    assert allowed_queues(read_only, ("default",), READ_ONLY) == ()
    assert allowed_queues(read_only, None, frozenset()) == ()


def test_a_full_window_leaves_none():
    assert allowed_queues(window("full", FixedClock()), None, READ_ONLY) == ()


def test_a_worker_complies_once_nothing_in_hand_is_forbidden():
    clock = FixedClock()
    full, read_only = window("full", clock), window("read-only", clock)
    assert complies(None, ["default"], READ_ONLY, fetching_before=True)
    assert not complies(full, ["reports"], READ_ONLY, fetching_before=False)
    assert complies(full, [], READ_ONLY, fetching_before=False)
    assert complies(read_only, ["reports"], READ_ONLY, fetching_before=False)
    assert not complies(read_only, ["default"], READ_ONLY, fetching_before=False)
    assert not complies(read_only, [], READ_ONLY, fetching_before=True)


def test_the_gate_does_not_comply_while_a_fetch_begun_before_the_window_is_out():
    clock = FixedClock()
    gate = WorkerGate(None, READ_ONLY, clock)
    full = window("full", clock)
    with gate.fetching() as before:
        assert before.queues is None
        gate.set_window(full)
        assert not gate.complies()
        with gate.fetching() as during:
            assert during.queues == ()
        gate.took(7, "default")
    assert not gate.complies(), "the job it brought is in hand"
    gate.done(7)
    assert gate.complies()


def test_a_window_whose_lease_ran_out_is_over():
    clock = FixedClock()
    gate = WorkerGate(None, READ_ONLY, clock)
    gate.set_window(window("full", clock, lease=5))
    gate.took(1, "default")
    assert not gate.complies()
    clock.advance(seconds=5)
    assert gate.window() is None
    assert gate.complies()
    with gate.fetching() as fetch:
        assert fetch.queues is None


def test_the_worker_settings_read_from_worker_variables(monkeypatch):
    monkeypatch.setenv("WORKER_QUEUES", " default, reports ,")
    monkeypatch.setenv("WORKER_STALLED_AFTER", "30")
    settings = WorkerSettings()
    assert settings.queues == ("default", "reports")
    assert settings.heartbeat_interval == 10
    assert settings.stalled_check_cron == "* * * * * */10"
    assert WorkerSettings(stalled_after=1).stalled_check_cron == "* * * * * */1"
    assert WorkerSettings(stalled_after=600).stalled_check_cron == "* * * * *"


def test_an_upgrade_applies_the_files_of_the_releases_after_the_first_up_to_the_last():
    names = _names(schema.upgrade_sql("3.0.0", "3.4.0"))
    assert names == [
        "03.01.00_01_pre_add_heartbeat.sql",
        "03.02.00_01_pre_batch_defer_jobs.sql",
        "03.03.00_01_pre_priority_lock_fetch_job.sql",
        "03.04.00_01_pre_add_retry_failed_job_procedure.sql",
    ]
    post = _names(schema.upgrade_sql("3.0.0", "3.4.0", phase="post"))
    assert post == [
        "03.01.00_50_post_add_heartbeat.sql",
        "03.02.00_50_post_batch_defer_jobs.sql",
        "03.04.00_50_post_add_retry_failed_job_procedure.sql",
    ]


def test_an_upgrade_past_the_installed_release_or_backwards_is_refused():
    with pytest.raises(schema.SchemaVersionError, match=r"older than 99\.0\.0"):
        schema.upgrade_sql("3.10.0", "99.0.0")
    with pytest.raises(schema.SchemaVersionError, match="not older"):
        schema.upgrade_sql("3.4.0", "3.0.0")


def test_the_schema_a_migration_creates_is_the_copy_of_that_release_whatever_is_installed():
    assert "CREATE TABLE procrastinate_jobs" in schema.create_sql("3.10.0")
    with pytest.raises(schema.SchemaVersionError, match=r"there are: 3\.10\.0"):
        schema.create_sql("2.0.0")


def test_the_copy_of_the_installed_release_is_procrastinates_own():
    from procrastinate.schema import SchemaManager

    if schema.INSTALLED in schema.snapshots():
        assert schema.create_sql(schema.INSTALLED) == SchemaManager.get_schema()


def test_the_fake_queue_keeps_what_its_unit_of_work_commits():
    queue = FakeQueue()
    queue.enqueue("notify", todo_id=1)
    queue.rollback()
    queue.enqueue("notify", todo_id=2)
    assert queue.enqueued == []
    queue.commit()
    assert queue.enqueued == [("notify", {"todo_id": 2})]


def test_housekeeping_is_quiet_while_it_goes_well():
    quiet = QuietHousekeeping()
    job = {"task_name": "shallot:retry_stalled_jobs"}
    assert not quiet.filter(_record("procrastinate.worker", logging.INFO, job=job))
    assert quiet.filter(_record("procrastinate.worker", logging.ERROR, job=job))
    assert quiet.filter(_record("procrastinate.worker", logging.INFO, job={"task_name": "notify"}))


def _names(sql: str) -> list[str]:
    return [line.removeprefix("-- ") for line in sql.splitlines() if line.endswith(".sql")]


def _record(name: str, level: int, **extra: object) -> logging.LogRecord:
    record = logging.LogRecord(name, level, __file__, 1, "message", None, None)
    record.__dict__.update(extra)
    return record
