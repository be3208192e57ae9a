"""Why a migration run stopped; each says it in one line (`str()`), ready for the terminal."""


class MigratorError(Exception):
    """A run that did not complete: the command exits non-zero with this message."""


class MigratorBusy(MigratorError):
    """Another migrator held the migration lock for longer than this one would wait."""


class LintFailed(MigratorError):
    def __init__(self, findings: list) -> None:
        self.findings = findings
        lines = [finding.describe() for finding in findings]
        super().__init__(
            f"{len(findings)} unsafe operation(s) in pending migrations; nothing was applied:\n"
            + "\n".join(lines)
        )


class MigrationFailed(MigratorError):
    def __init__(self, revision: str, path: str, cause: str) -> None:
        self.revision = revision
        self.path = path
        self.cause = cause
        super().__init__(f"migration {revision} ({path}) failed and was rolled back: {cause}")


class MigrationAborted(MigratorError):
    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"aborted ({reason}); the current migration was rolled back")
