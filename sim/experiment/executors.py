"""Where the runs of a comparison execute: this process, a local process pool, or a Dask cluster.

All executors take the same picklable tasks and a module-level function, and yield each
result as it finishes. Results do not depend on where a task ran: a run's seed travels with
its task (it is fixed by the comparison's base seed and the replicate index), never by the
worker process, so serial, process-pool and Dask runs agree bit for bit.

A task that raises inside the runner, or whose worker dies, comes back as a
:class:`Completed` with ``error`` set; the executor carries on with the other tasks.

::

    with ProcessExecutor(4) as executor:
        for done in executor.imap_unordered(run_task, tasks):
            ...
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import traceback
import uuid
import warnings
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor as FuturesExecutor
from concurrent.futures import Future, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

from sim.errors import InputError

#: Modules a fresh worker process imports before its first task (the model and its runner).
PRELOAD_MODULES = ["sim.experiment.compare"]


@dataclass(frozen=True)
class Completed:
    """One finished task: its position in the task list and its value, or an error line."""

    index: int
    value: Any = None
    error: str | None = None
    detail: str | None = None  # traceback or other detail, when there is one


class RunExecutor(ABC):
    """Runs tasks and yields them as they finish (in any order)."""

    kind: str = "executor"

    @property
    @abstractmethod
    def workers(self) -> int:
        """How many tasks can run at once."""

    @abstractmethod
    def imap_unordered(self, fn: Callable[[Any], Any], tasks: Sequence[Any]) -> Iterator[Completed]:
        """Run ``fn(task)`` for every task; yield a :class:`Completed` for each as it finishes."""

    def close(self) -> None:
        """Release workers and connections this executor opened (not ones it was given)."""
        self.closed = True

    def describe(self) -> dict[str, Any]:
        """What ran the tasks, for manifests."""
        return {"kind": self.kind, "workers": self.workers}

    def __enter__(self) -> RunExecutor:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class SerialExecutor(RunExecutor):
    """Every task in this process, one after another, in order."""

    kind = "serial"

    @property
    def workers(self) -> int:
        return 1

    def imap_unordered(self, fn: Callable[[Any], Any], tasks: Sequence[Any]) -> Iterator[Completed]:
        for index, task in enumerate(tasks):
            try:
                value = fn(task)
            except Exception as error:
                yield Completed(index, error=_one_line(error), detail=traceback.format_exc())
            else:
                yield Completed(index, value)


def _ignore_interrupts() -> None:
    """Worker initialiser: Ctrl-C is the parent's to handle, not every worker's."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class ProcessExecutor(RunExecutor):
    """A pool of local worker processes (``concurrent.futures``).

    Workers start from a fork server that has imported the model once (``spawn`` where
    there is no fork server), so they start quickly and never inherit the threads of the
    parent (a progress bar, a Dask client). An executor from ``concurrent.futures`` can be
    given instead; it is then the caller's to shut down.
    """

    kind = "processes"

    def __init__(self, workers: int | None = None, *, pool: FuturesExecutor | None = None) -> None:
        if pool is None and workers is not None and workers < 1:
            raise InputError(f"workers: got {workers}; allowed: a positive whole number")
        self._workers = workers or os.cpu_count() or 1
        self._given = pool
        self._pool: FuturesExecutor | None = pool

    @property
    def workers(self) -> int:
        return int(getattr(self._given, "_max_workers", self._workers)) if self._given else self._workers

    def _get_pool(self) -> FuturesExecutor:
        if self._pool is None:
            from concurrent.futures import ProcessPoolExecutor

            methods = multiprocessing.get_all_start_methods()
            context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
            if context.get_start_method() == "forkserver":
                context.set_forkserver_preload(PRELOAD_MODULES)
            self._pool = ProcessPoolExecutor(self._workers, mp_context=context, initializer=_ignore_interrupts)
        return self._pool

    def imap_unordered(self, fn: Callable[[Any], Any], tasks: Sequence[Any]) -> Iterator[Completed]:
        pool = self._get_pool()
        futures: dict[Future, int] = {pool.submit(fn, task): index for index, task in enumerate(tasks)}
        broken = False
        try:
            for future in as_completed(futures):
                index = futures[future]
                try:
                    value = future.result()
                except BrokenProcessPool as error:
                    broken = True
                    yield Completed(index, error=f"worker process died ({error})")
                except Exception as error:
                    yield Completed(index, error=_one_line(error), detail=_remote_traceback(error))
                else:
                    yield Completed(index, value)
        finally:
            for future in futures:
                future.cancel()
            if broken and self._given is None:  # a broken pool cannot be used again
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = None

    def close(self) -> None:
        if self._given is None and self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def describe(self) -> dict[str, Any]:
        return {"kind": self.kind, "workers": self.workers}


class DaskExecutor(RunExecutor):
    """Tasks on a Dask cluster: a scheduler address, ``"local"`` for a LocalCluster, or a Client.

    Workers of a remote cluster need shocksim installed at the same version (and the same
    numpy, scipy, pandas and Mesa) for results to match runs made elsewhere bit for bit;
    :meth:`check_environment` warns when they differ. A LocalCluster has one single-threaded
    worker process per core unless ``workers`` says otherwise.
    """

    kind = "dask"

    def __init__(
        self,
        address: str | Any = "local",
        *,
        workers: int | None = None,
        processes: bool = True,
        timeout_seconds: float = 20.0,
    ) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError:  # pragma: no cover - a declared dependency
            raise InputError("Dask is not installed; pip install 'dask[distributed]'") from None
        self._cluster = None
        self._owns_client = True
        if isinstance(address, Client):
            self.client = address
            self._owns_client = False
            self.address = str(address.scheduler.address) if address.scheduler else "<client>"
        elif address in (None, "local"):
            self._cluster = LocalCluster(
                n_workers=workers or os.cpu_count() or 1,
                threads_per_worker=1,
                processes=processes,
                dashboard_address=None,
            )
            self.client = Client(self._cluster)
            self.address = "local"
        else:
            try:
                self.client = Client(str(address), timeout=timeout_seconds)
            except (OSError, TimeoutError) as error:
                raise InputError(f"--dask {address}: cannot reach a Dask scheduler there ({error})") from None
            self.address = str(address)

    @property
    def workers(self) -> int:
        info = self.client.scheduler_info()
        return max(sum(worker.get("nthreads", 1) for worker in info.get("workers", {}).values()), 1)

    def imap_unordered(self, fn: Callable[[Any], Any], tasks: Sequence[Any]) -> Iterator[Completed]:
        from distributed import as_completed as dask_as_completed

        batch = uuid.uuid4().hex[:12]
        futures = [
            self.client.submit(fn, task, key=f"shocksim-run-{batch}-{index}", pure=False)
            for index, task in enumerate(tasks)
        ]
        position = {future.key: index for index, future in enumerate(futures)}
        try:
            for future in dask_as_completed(futures):
                index = position[future.key]
                if future.status == "finished":
                    value = future.result()
                    future.release()
                    yield Completed(index, value)
                else:
                    error = future.exception()
                    yield Completed(index, error=_one_line(error), detail=str(future.traceback() or ""))
                    future.release()
        finally:
            pending = [future for future in futures if not future.done()]
            if pending:
                self.client.cancel(pending)

    def check_environment(self) -> list[str]:
        """Warn (and return the lines) where workers run other versions than this process."""
        from sim.experiment.results_io import environment

        local = environment()
        keys = ("shocksim", "python", "mesa", "numpy", "scipy", "pandas")
        differences = []
        for worker, versions in self.client.run(environment).items():
            for key in keys:
                if versions.get(key) != local.get(key):
                    differences.append(f"{worker}: {key} {versions.get(key)} (here {local.get(key)})")
        if differences:
            warnings.warn(
                "Dask workers run other versions than this process, so results may differ from runs made here: "
                + "; ".join(differences),
                stacklevel=2,
            )
        return differences

    def close(self) -> None:
        if self._owns_client:
            self.client.close()
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    def describe(self) -> dict[str, Any]:
        return {"kind": self.kind, "address": self.address, "workers": self.workers}


def executor_from_options(workers: int | None, dask: str | None) -> Any:
    """What ``--workers`` / ``--dask`` ask for, in the form ``make_executor`` takes.

    A Dask scheduler address is checked for matching library versions before any run.
    """
    if dask is not None:
        executor = DaskExecutor(dask)
        if dask != "local":
            executor.check_environment()
        return executor
    return workers


def make_executor(
    executor: RunExecutor | FuturesExecutor | int | str | Any | None = None,
) -> tuple[RunExecutor, bool]:
    """An executor from what the caller gave, and whether we own it (and must close it).

    ``None`` or ``"serial"``: this process. An int N: a pool of N local processes.
    ``"local"`` or ``"dask:local"``: a Dask LocalCluster. A ``tcp://`` (or other Dask)
    address: that Dask cluster. A :class:`RunExecutor`, a ``concurrent.futures`` executor or
    a ``distributed.Client`` is used as given and left open.
    """
    if executor is None or executor == "serial":
        return SerialExecutor(), True
    if isinstance(executor, RunExecutor):
        return executor, False
    if isinstance(executor, bool):
        raise InputError(f"executor: got {executor!r}; allowed: None, a number of workers, 'local' or a Dask address")
    if isinstance(executor, int):
        return ProcessExecutor(executor), True
    if isinstance(executor, FuturesExecutor):
        return ProcessExecutor(pool=executor), False
    if isinstance(executor, str):
        if executor in ("local", "dask:local", "dask-local"):
            return DaskExecutor("local"), True
        if "://" in executor:
            return DaskExecutor(executor), True
        raise InputError(
            f"executor: got {executor!r}; allowed: 'serial', 'local' (a Dask LocalCluster) or a Dask address "
            "such as tcp://host:8786"
        )
    try:
        from distributed import Client
    except ImportError:  # pragma: no cover
        Client = ()
    if isinstance(executor, Client):
        return DaskExecutor(executor), False
    raise InputError(f"executor: got {type(executor).__name__}; allowed: None, an int, 'local', a Dask address")


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _remote_traceback(error: BaseException) -> str:
    cause = error.__cause__
    return str(cause) if cause is not None else "".join(traceback.format_exception(error))
