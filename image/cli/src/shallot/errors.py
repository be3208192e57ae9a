"""The one kind of failure the CLI reports: a sentence for the user, and an exit status."""

EXIT_BAD_INPUT = 2
EXIT_ENVIRONMENT = 1


class ShallotError(Exception):
    """A refusal or failure explained in one line: the value, the rule, and what to do."""

    def __init__(self, message: str, exit_code: int = EXIT_ENVIRONMENT):
        super().__init__(message)
        self.exit_code = exit_code


class BadInput(ShallotError):
    def __init__(self, message: str):
        super().__init__(message, EXIT_BAD_INPUT)
