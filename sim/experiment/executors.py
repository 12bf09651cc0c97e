"""Where experiments execute (the evaluators): this process, a local process pool, or a Dask cluster.

All executors take the same picklable tasks and a module-level function, and yield each
result as it finishes. Results do not depend on where a task ran: a run's seed travels with
its experiment (fixed by the design, never by the worker process), so serial, process-pool
and Dask runs agree bit for bit. :func:`perform_experiments` is the one loop that compare,
calibrate and screen run their experiments through, with progress reports.

A task that raises inside the runner, or whose worker dies, comes back as a
:class:`Completed` with ``error`` set; the executor carries on with the other tasks.

::

    with ProcessExecutor(4) as executor:
        for done in executor.imap_unordered(run_task, tasks):
            ...
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import signal
import sys
import threading
import time
import traceback
import uuid
import warnings
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Executor as FuturesExecutor
from concurrent.futures import Future, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

from sim.errors import InputError
from sim.experiment.design import Experiment, Outcome, run_experiment

#: Modules a fresh worker process imports before its first task (the model and its runner).
PRELOAD_MODULES = ["sim.experiment.design"]


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


#: Exit status of a worker that stopped because the process that started its pool died.
EXIT_ORPHANED = 70
#: Seconds between checks that the parent lives, where a pidfd cannot be waited on.
PARENT_POLL_SECONDS = 1.0


def _ignore_interrupts() -> None:
    """Worker initialiser: Ctrl-C is the parent's to handle, not every worker's."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _init_worker(parent_pid: int) -> None:
    """Worker initialiser: ignore Ctrl-C, and exit as soon as the process that made the pool dies."""
    _ignore_interrupts()
    watch_parent(parent_pid)


def watch_parent(parent_pid: int) -> threading.Thread | None:
    """Start a daemon thread that ends this process (``os._exit``) when process ``parent_pid`` dies.

    A pool's workers are children of the fork server, not of the process that made the pool,
    and they wait on queues whose write ends they hold themselves: after a kill -9 of that
    process nothing would ever wake them, and the fork server waits for them in turn. So each
    worker watches the pool's maker by pid: on Linux through a pidfd (woken the moment it dies,
    immune to pid reuse), elsewhere by checking every :data:`PARENT_POLL_SECONDS`. A busy
    worker stops mid-run: nobody is left to receive its result. Not on Windows (no watchdog).
    """
    if parent_pid == os.getpid() or sys.platform == "win32":
        return None
    wait: Callable[[], None]
    try:
        pidfd = os.pidfd_open(parent_pid)  # type: ignore[attr-defined]  # Linux 5.3+
    except ProcessLookupError:
        os._exit(EXIT_ORPHANED)  # already gone
    except (AttributeError, OSError):  # not Linux, an old kernel, or a sandbox that forbids it
        wait = functools.partial(_poll_parent, parent_pid)
    else:
        wait = functools.partial(_wait_pidfd, pidfd)

    def watch() -> None:
        wait()
        os._exit(EXIT_ORPHANED)

    thread = threading.Thread(target=watch, name="shocksim-parent-watchdog", daemon=True)
    thread.start()
    return thread


def _wait_pidfd(pidfd: int) -> None:
    """Block until the process behind ``pidfd`` has exited (the pidfd becomes readable)."""
    import select

    poller = select.poll()
    poller.register(pidfd, select.POLLIN)
    while not poller.poll():
        pass


def _poll_parent(parent_pid: int) -> None:
    """Return once process ``parent_pid`` no longer exists (or belongs to someone else: the pid was reused)."""
    while True:
        time.sleep(PARENT_POLL_SECONDS)
        try:
            os.kill(parent_pid, 0)
        except (ProcessLookupError, PermissionError):
            return


class ProcessExecutor(RunExecutor):
    """A pool of local worker processes (``concurrent.futures``).

    Workers start from a fork server that has imported the model once (``spawn`` where
    there is no fork server), so they start quickly and never inherit the threads of the
    parent (a progress bar, a Dask client). Each worker exits when this process dies, even by
    kill -9 (:func:`watch_parent`); the fork server then exits too. An executor from
    ``concurrent.futures`` can be given instead; it is then the caller's to shut down.
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
            self._pool = ProcessPoolExecutor(
                self._workers, mp_context=context, initializer=_init_worker, initargs=(os.getpid(),)
            )
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
            except (OSError, TimeoutError, ValueError, TypeError) as error:
                reason = " ".join(str(error).split())[:200]
                raise InputError(
                    f"--dask: got {str(address)[:100]!r}; allowed: 'local' or the address of a reachable Dask "
                    f"scheduler such as tcp://host:8786 ({reason})"
                ) from None
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
        from sim.experiment.store import environment

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


# ---------------------------------------------------------------------- performing experiments
def check_experiments_memory(
    experiments: Sequence[Experiment],
    max_memory: int | None,
    at_once: int,
    source: str | None = None,
    set_by: Mapping[str, str] | None = None,
) -> None:
    """Refuse (InputError, one line) a design whose runs, ``at_once`` at a time, would need more than ``max_memory``.

    The line names ``source`` (the scenario file), or what ``set_by`` says set the key that
    drives the estimate (``{"population.labour_force": "--set"}``; see :func:`sim.model.check_memory`).
    """
    from sim.inputs.scenario import load_scenario
    from sim.model import check_memory

    seen: set[tuple[int, int, str]] = set()
    for experiment in experiments:
        key = (id(experiment.scenario), id(experiment.package), repr(sorted(experiment.overrides.items())))
        if key in seen:
            continue
        seen.add(key)
        config = load_scenario(experiment.scenario, dict(experiment.overrides) or None)
        where = source or f"scenario {config.scenario.name!r}"
        check_memory(
            config, experiment.package, max_memory, where, at_once=min(at_once, len(experiments)), set_by=set_by
        )


class RunsFailed(RuntimeError):
    """Runs of a design that needs every run (a calibration point, a screening) failed."""


def raise_failures(outcomes: Sequence[Outcome], what: str) -> None:
    """Raise :class:`RunsFailed` naming the first failed run, if any run failed."""
    failed = [outcome for outcome in outcomes if not outcome.ok]
    if failed:
        raise RunsFailed(
            f"{len(failed)} of {len(outcomes)} {what} runs failed; the first: {failed[0].describe()}: {failed[0].error}"
        )


@dataclass(frozen=True)
class Progress:
    """Where a design stands: runs done (saved before or finished now), failed, left, time left."""

    done: int
    total: int
    failed: int
    elapsed_seconds: float
    remaining_seconds: float | None
    last: Outcome | None = None

    @property
    def left(self) -> int:
        return self.total - self.done


class ProgressBar:
    """A tqdm bar on stderr, the one progress bar of every command (``tqdm.auto``: a widget in notebooks).

    Called with a :class:`Progress` (runs; failed runs are printed as they fail) or with
    ``(done, total)`` counts (e.g. months of one run).
    """

    def __init__(self, desc: str = "running", unit: str = "run", *, disable: bool = False) -> None:
        self.desc = desc
        self.unit = unit
        self.disable = disable
        self._bar: Any = None

    def _open(self, total: int, initial: int, bar_format: str | None = None) -> None:
        from tqdm.auto import tqdm  # a widget in Jupyter, a text bar in terminals

        self._bar = tqdm(
            total=total,
            initial=initial,
            unit=self.unit,
            desc=self.desc,
            file=sys.stderr,
            disable=self.disable,
            bar_format=bar_format,
        )

    def __call__(self, progress: Progress | int, total: int | None = None) -> None:
        if not isinstance(progress, Progress):
            if self._bar is None:
                self._open(int(total or 0), 0)
            self._bar.update(int(progress) - self._bar.n)
            return
        if self._bar is None:
            self._open(
                progress.total,
                progress.done,
                "{desc}: {bar} {n_fmt}/{total_fmt} runs done{postfix} [{elapsed} elapsed, {remaining} left]",
            )
            self._bar.set_postfix_str(f"{progress.left} left", refresh=False)
            self._bar.refresh()
            return
        last = progress.last
        if last is not None and not last.ok:
            self._bar.write(f"run failed: {last.describe()}: {last.error}", file=sys.stderr)
        failed = f", {progress.failed} failed" if progress.failed else ""
        self._bar.set_postfix_str(f"{progress.left} left{failed}", refresh=False)
        self._bar.update(1)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def perform_unsaved(
    experiments: Sequence[Experiment],
    store: Any | None,
    executor: Any = None,
    then: Callable[[Experiment, Outcome], None] | None = None,
    **options: Any,
) -> tuple[dict[tuple[str, int], Outcome], list[Outcome], dict[str, Any]]:
    """Run the experiments an ExperimentStore (or ``None``) has not saved yet, saving each that succeeds.

    Returns the runs loaded from the store (by arm and replicate), the outcomes of the runs
    made now, and the executor's description; ``then`` is called with each run as it finishes,
    after it is saved; ``options`` go to :func:`perform_experiments`.
    """
    done = store.load(experiments) if store is not None else {}
    pending = [experiment for experiment in experiments if (experiment.arm, experiment.replicate) not in done]

    def keep(experiment: Experiment, outcome: Outcome) -> None:
        if outcome.ok and store is not None:
            store.save(experiment, outcome)
        if then is not None:
            then(experiment, outcome)

    outcomes, executor_info = perform_experiments(pending, executor, done_before=len(done), on_outcome=keep, **options)
    return done, outcomes, executor_info


def perform_experiments(
    experiments: Sequence[Experiment],
    executor: RunExecutor | FuturesExecutor | int | str | Any | None = None,
    *,
    runner: Callable[[Experiment], Outcome] = run_experiment,
    done_before: int = 0,
    progress: Callable[[Progress], None] | None = None,
    on_outcome: Callable[[Experiment, Outcome], None] | None = None,
    max_memory: int | None = None,
    source: str | None = None,
    set_by: Mapping[str, str] | None = None,
) -> tuple[list[Outcome], dict[str, Any]]:
    """Run every experiment on the executor; return the outcomes in the order of ``experiments``.

    A run that raised, or whose worker died, comes back as a failed :class:`Outcome`; the
    others carry on. ``on_outcome`` is called in this process as each run finishes (to save
    it); ``progress`` before the first run and after each, counting ``done_before`` runs
    (loaded from a store) as done. Executors made here are closed here. Also returns the
    description of the executor, for manifests.

    Before any run, the memory of each distinct run (scenario, package, overrides) times the
    executor's workers must fit ``max_memory`` bytes (default 8 GiB), or an InputError
    naming ``source`` (the scenario file, or what ``set_by`` says set the key) says so in one line.
    """
    run_executor, own_executor = make_executor(executor)
    try:
        check_experiments_memory(experiments, max_memory, run_executor.workers, source, set_by)
    except BaseException:
        if own_executor:
            run_executor.close()
        raise
    total = done_before + len(experiments)
    outcomes: list[Outcome | None] = [None] * len(experiments)
    finished = failed = 0
    clock = time.perf_counter()

    def tell(last: Outcome | None) -> None:
        if progress is None:
            return
        elapsed = time.perf_counter() - clock
        done = done_before + finished
        remaining = elapsed / finished * (total - done) if finished else None
        progress(Progress(done, total, failed, elapsed, remaining, last))

    try:
        tell(None)
        for completed in run_executor.imap_unordered(runner, experiments) if experiments else ():
            experiment = experiments[completed.index]
            outcome = completed.value
            if completed.error is not None or not isinstance(outcome, Outcome):
                error = completed.error or f"runner returned {type(outcome).__name__}, not an Outcome"
                outcome = Outcome.failed(experiment, error, completed.detail)
            finished += 1
            failed += not outcome.ok
            if on_outcome is not None:
                on_outcome(experiment, outcome)
            outcomes[completed.index] = outcome
            tell(outcome)
        description = run_executor.describe()
    finally:
        if own_executor:
            run_executor.close()
    return [outcome for outcome in outcomes if outcome is not None], description
