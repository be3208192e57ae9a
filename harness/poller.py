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
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *_):
        self._stop.set()
        self._thread.join()

    def _run(self):
        while not self._stop.wait(self.interval):
            asked = time.time()
            value = self.sample()
            self.samples.append((asked, time.time(), value))
