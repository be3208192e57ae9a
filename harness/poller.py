"""One sampler for the tests that watch something while a load runs: a thread that calls
`sample()` every `interval` seconds for the length of a `with` block."""

import threading
import time


class Poller:
    """`samples` holds (asked at, answered at, what sample() returned), oldest first."""

    def __init__(self, sample, interval: float):
        self.sample = sample
        self.interval = interval
        self.samples = []
        self._error = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, failure, *_):
        self._stop.set()
        self._thread.join()
        if self._error is not None and failure is None:
            raise self._error  # a sampler that failed fails the test, not only its thread

    def _run(self):
        while not self._stop.wait(self.interval):
            asked = time.time()
            try:
                value = self.sample()
            except Exception as error:  # noqa: BLE001 - raised again in __exit__
                self._error = error
                return
            self.samples.append((asked, time.time(), value))
