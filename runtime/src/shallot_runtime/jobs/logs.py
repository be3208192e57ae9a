"""The worker's log lines: JSON on stdout as the service's (web.json_logs), each line written
while a job runs with the job's id, task and queue (and its trace and span ids), procrastinate's
own with its `action`; and quiet about shallot's housekeeping while it goes well."""

import logging

from shallot_runtime.jobs.tracing import job_fields

HOUSEKEEPING = "shallot:"  # the prefix of shallot's own tasks' names


class JobLogFields(logging.Filter):
    """Adds the job's fields to the `fields` of each line (the JSON formatter writes them out)."""

    def filter(self, record: logging.LogRecord) -> bool:
        fields = dict(job_fields() or {})
        action = getattr(record, "action", None)
        if isinstance(action, str):
            fields["action"] = action
            job = getattr(record, "job", None)
            if isinstance(job, dict):
                fields.setdefault("job_id", job.get("id"))
                fields.setdefault("task", job.get("task_name"))
        if fields:
            record.fields = {**fields, **getattr(record, "fields", {})}
        return True


class QuietHousekeeping(logging.Filter):
    """Drops procrastinate's INFO lines about shallot's own periodic tasks (deferred, started,
    succeeded: three lines every few seconds); their warnings and errors stay."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.INFO or not record.name.startswith("procrastinate"):
            return True
        job = getattr(record, "job", None)
        task = job.get("task_name") if isinstance(job, dict) else None
        return not (isinstance(task, str) and task.startswith(HOUSEKEEPING))


def install_log_filters() -> None:
    """On the root logger's handlers, once logging is configured."""
    for handler in logging.getLogger().handlers:
        handler.addFilter(QuietHousekeeping())
        handler.addFilter(JobLogFields())
