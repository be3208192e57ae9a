"""What the end-to-end tests and the benchmark both drive, and neither owns:

- `docker`: running docker and compose, free ports, waiting for HTTP, a small HTTP client;
- `stack`: a project's compose stack, up, migrated and seeded, and `Load`, threads that read
  and write without pause and record every answer;
- `devcontainer`: the Dev Containers CLI's steps, run as VS Code runs them;
- `issuer`: the development issuer over https on a Docker network, as production meets an
  identity provider.
- `poller`: a thread that samples something at an interval while a `with` block runs.

`tests/e2e` and `bench/` import it; it imports neither.
"""
