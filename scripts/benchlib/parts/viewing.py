"""Many throttled viewers in a child process (client.ViewerPool), so that reading
/proc from the bench never delays their reads."""

import multiprocessing
import resource

from ..install import BenchError
from .. import client


def _pool(port, path, n, seconds, ready, stop, results):
    pool = client.ViewerPool(port, path)
    pool.open(n)
    pool.run_until(seconds, ready.set, stop.is_set)
    results.put(pool.close())


class Viewers:
    """N viewers of PATH on PORT for at most SECONDS (from their start)."""

    def __init__(self, port, path, n, seconds):
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft < n + 64:
            want = max(n + 1024, soft)
            if hard != resource.RLIM_INFINITY and hard < want:
                raise BenchError(f"ulimit -n: {n} viewers need {n + 64} descriptors, the hard limit is {hard}")
            resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
        ctx = multiprocessing.get_context("fork")
        self.ready, self.stop, self.results = ctx.Event(), ctx.Event(), ctx.Queue()
        self.proc = ctx.Process(target=_pool, args=(port, path, n, seconds, self.ready, self.stop, self.results))
        self.proc.start()

    def wait_ready(self, timeout):
        """Waits until every stream has its head (plus 3 s); BenchError on timeout."""
        if not self.ready.wait(timeout):
            self.finish(stop=True)
            raise BenchError(f"the viewers did not all get their heads within {timeout} s")

    def finish(self, stop=False):
        """Ends the pool (at once with stop, else when its time is up); its rows."""
        if stop:
            self.stop.set()
        rows = self.results.get(timeout=600)
        self.proc.join(30)
        return rows
