"""Results folders: one run's folder, and the folder of many runs that a design fills and resumes.

A run folder holds ``timeseries.parquet`` and ``timeseries.csv`` (the monthly table),
``ledger.parquet`` (policy payments) and ``manifest.json`` (what was run, with which seed
and code, when, and checksums of the files). Folders are written under a temporary name
and renamed when complete, so a folder with the final name is never half-written, and an
existing folder is never overwritten.

An :class:`ExperimentStore` is the folder of a comparison or a screening: a manifest with
the design's identity, every run saved under ``runs/NN-<arm>/rep-RRRR/`` as it finishes,
and the summary files written at the end. Opening it again with ``resume`` checks that it
holds the same design and loads the runs saved there, so only the missing runs are run.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import platform
import re
import shutil
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.errors import ResultsFolderError
from sim.experiment.design import Experiment, Outcome

RUN_FILES = ("timeseries.parquet", "timeseries.csv", "ledger.parquet", "manifest.json")
#: The unit record of a run of a comparison (who worked where; sim/experiment/bridge.py), when kept.
UNITS_FILE = "units.npz"
#: The run's summary as printed (``shocksim run`` writes it; runs of a design do not).
RUN_SUMMARY = "summary.txt"
MANIFEST_FORMAT = 1
MANIFEST = "manifest.json"
RUNS_DIR = "runs"
#: The lock file of a design's folder: one process works in it at a time.
LOCK = ".lock"
_SIM_DIR = Path(__file__).resolve().parent.parent
#: Code that shapes a run's numbers; a resumed design must be made by the same code.
_MODEL_CODE = ("inputs", "model.py", "records.py", "region", "policy")


#: The most bytes (UTF-8) of a scenario's or package's name in a folder name.
NAME_BYTES = 80
_PARTIAL = re.compile(r"^\..+\.partial-(\d+)$")


def safe_name(text: str, limit: int = NAME_BYTES) -> str:
    """``text`` as one folder name: letters (any script), digits, ``_ . -``; no leading dot; at most ``limit`` bytes.

    Slashes, ``..``, spaces, newlines and other characters become ``_``, so a scenario named
    ``../../escape`` or ``a/b`` stays one folder inside the results folder.
    """
    cleaned = re.sub(r"[^\w.-]+", "_", str(text)).strip("._-")
    while len(cleaned.encode()) > limit:
        cleaned = cleaned[:-1]
    return cleaned.rstrip("._-") or "unnamed"


def default_run_folder(results_root: Path, scenario_name: str, seed: int, when: datetime) -> Path:
    """``results/<scenario>-seed<N>-<UTC time>``: a new name for every run (the name made safe for paths)."""
    return results_root / f"{safe_name(scenario_name)}-seed{seed}-{when.strftime('%Y%m%d-%H%M%S')}"


def _partial_name(folder: Path) -> Path:
    return folder.parent / f".{folder.name}.partial-{os.getpid()}"


def _cannot_create(folder: Path, option: str, reason: str) -> ResultsFolderError:
    shown = repr(str(folder)) if len(str(folder)) <= 120 else repr(str(folder)[:117] + "...")
    return ResultsFolderError(f"{option}: got {shown}; allowed: a new folder that can be created ({reason})")


def check_new_folder(folder: Path, option: str = "--out") -> None:
    """Refuse a results folder that exists already, or that cannot be created, before any work is done.

    Creates (and removes again) the folder's temporary sibling, and any missing parents, so
    that a read-only file system, a parent that is a file, a name too long for the file system
    or a NUL in the name are found before a run rather than after it.
    """
    if "\x00" in str(folder):
        raise _cannot_create(folder, option, "a NUL character cannot be part of a file name")
    try:
        exists = os.path.lexists(folder)
    except (OSError, ValueError) as error:
        raise _cannot_create(folder, option, getattr(error, "strerror", None) or str(error)) from None
    if exists:
        raise ResultsFolderError(f"{folder}: results folder exists already; choose another --out or move it away")
    created: list[Path] = []
    try:
        missing = [parent for parent in folder.absolute().parents if not parent.exists()]
        for parent in reversed(missing):
            parent.mkdir()
            created.append(parent)
        probe = _partial_name(folder)
        probe.mkdir()
        probe.rmdir()
    except OSError as error:
        raise _cannot_create(folder, option, error.strerror or str(error)) from None
    finally:
        for parent in reversed(created):
            with contextlib.suppress(OSError):
                parent.rmdir()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_partials(folder: Path) -> list[Path]:
    """Remove ``.<name>.partial-<pid>`` leftovers in ``folder`` whose process is gone (killed while writing)."""
    removed = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return removed
    for entry in entries:
        match = _PARTIAL.match(entry.name)
        if match is None or int(match.group(1)) == os.getpid() or _alive(int(match.group(1))):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
        removed.append(entry)
    return removed


@contextmanager
def new_folder(folder: Path) -> Iterator[Path]:
    """Build a results folder under a temporary sibling name; rename it into place when complete.

    Yields the temporary folder to write into. An existing ``folder`` is refused, before and
    after the writing; on any error the temporary folder is removed, so a folder with the
    final name is never half-written. Temporary folders left by killed processes are removed.
    """
    check_new_folder(folder)
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_partials(folder.parent)
        partial = _partial_name(folder)
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir()
    except OSError as error:
        raise _cannot_create(folder, "--out", error.strerror or str(error)) from None
    try:
        yield partial
        if os.path.lexists(folder):
            raise ResultsFolderError(f"{folder}: results folder exists already; choose another --out or move it away")
        partial.rename(folder)
    except OSError as error:
        shutil.rmtree(partial, ignore_errors=True)
        raise ResultsFolderError(
            f"{folder}: could not write the results folder ({error.strerror or error}); nothing was kept"
        ) from None
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise


def write_run(
    folder: Path,
    timeseries: pd.DataFrame,
    ledger: pd.DataFrame,
    manifest: dict[str, Any],
    texts: dict[str, str] | None = None,
    units: dict[str, np.ndarray] | None = None,
) -> Path:
    """Write a complete run folder atomically and return its path.

    ``texts`` are further text files (name: contents, e.g. ``summary.txt``), checksummed in the
    manifest like the tables; ``units`` (a run's unit record, for the gross-to-net bridge) is
    written to ``units.npz``, checksummed too.
    """
    with new_folder(folder) as partial:
        timeseries.to_parquet(partial / "timeseries.parquet", index=False)
        timeseries.to_csv(partial / "timeseries.csv", index=False)
        ledger.to_parquet(partial / "ledger.parquet", index=False)
        for name, text in (texts or {}).items():
            (partial / name).write_text(text)
        names = [name for name in RUN_FILES if name != "manifest.json"] + list(texts or {})
        if units is not None:
            np.savez_compressed(partial / UNITS_FILE, **units)
            names.append(UNITS_FILE)
        manifest = {
            **manifest,
            "manifest_format": MANIFEST_FORMAT,
            "files": {name: sha256_of(partial / name) for name in names},
        }
        (partial / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return folder


def read_run(folder: str | Path) -> dict[str, Any]:
    """Read a run folder back: ``{"timeseries", "ledger", "manifest"}``; refuse a corrupt one."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ResultsFolderError(f"{folder}: no such results folder")
    missing = [name for name in RUN_FILES if not (folder / name).is_file()]
    if missing:
        raise ResultsFolderError(f"{folder}: not a complete run folder; missing {', '.join(missing)}")
    try:
        manifest = json.loads((folder / "manifest.json").read_text())
    except json.JSONDecodeError as error:
        raise ResultsFolderError(
            f"{folder / 'manifest.json'}: corrupt manifest ({error.msg} at line {error.lineno})"
        ) from None
    for name, digest in manifest.get("files", {}).items():
        if sha256_of(folder / name) != digest:
            raise ResultsFolderError(
                f"{folder / name}: file does not match the checksum in manifest.json (changed or corrupt)"
            )
    return {
        "timeseries": pd.read_parquet(folder / "timeseries.parquet"),
        "ledger": pd.read_parquet(folder / "ledger.parquet"),
        "manifest": manifest,
        "units": _read_units(folder / UNITS_FILE) if (folder / UNITS_FILE).is_file() else None,
    }


def _read_units(path: Path) -> dict[str, np.ndarray]:
    with np.load(path) as data:
        return {name: data[name] for name in data.files}


def environment() -> dict[str, str]:
    """Versions of the interpreter and the libraries that shape results, and the git commit when known."""
    import mesa
    import numpy
    import scipy

    from sim import __version__
    from sim.version import git_commit

    return {
        "shocksim": __version__,
        "commit": git_commit() or "unknown",
        "python": platform.python_version(),
        "mesa": mesa.__version__,
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "pandas": pd.__version__,
        "platform": platform.platform(),
    }


def utc_now() -> datetime:
    return datetime.now(UTC)


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of a file's bytes, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_atomic(path: Path, write: Callable[[Path], Any]) -> None:
    """Write through a temporary name in the same folder, then rename over ``path``."""
    partial = path.parent / f".{path.name}.partial-{os.getpid()}"
    try:
        write(partial)
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Write ``data`` as indented, key-sorted JSON, atomically."""
    write_atomic(path, lambda partial: partial.write_text(json.dumps(data, indent=2) + "\n"))


def model_code_hash() -> str:
    """SHA-256 of the model's source (inputs, model, records, region, policies)."""
    digest = hashlib.sha256()
    for name in _MODEL_CODE:
        path = _SIM_DIR / name
        files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        for file in files:
            digest.update(file.relative_to(_SIM_DIR).as_posix().encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()


def first_difference(saved: dict[str, Any], wanted: dict[str, Any]) -> str | None:
    """The first identity entry that differs, in words; None when they are the same."""
    for key, value in wanted.items():
        if saved.get(key) != value:
            return f"{key} {saved.get(key)}, not {value}"
    return None


class ExperimentStore:
    """The results folder of a design of many runs (a comparison, a screening), saved run by run.

    Created with its manifest in one rename, so it never exists without one; each run is
    saved whole or not at all; :meth:`finish` writes the summary files and completes the
    manifest. Only one process should write to a folder at a time.
    """

    def __init__(self, folder: Path, kind: str, arms: Sequence[str]) -> None:
        self._lock = None
        self.folder = folder
        self.kind = kind
        self.arms = list(arms)

    @classmethod
    def open(
        cls,
        folder: str | Path,
        *,
        kind: str,
        arms: Sequence[str],
        identity: dict[str, Any],
        contents: dict[str, Any],
        resume: bool,
        difference: Callable[[dict[str, Any], dict[str, Any]], str | None] = first_difference,
        advice: str | Callable[[str], str] = "choose another --out",
    ) -> ExperimentStore:
        """Create the folder of a new design, or check the folder of the same design to resume.

        ``identity`` is what makes two designs the same; ``contents`` is recorded in the
        manifest as well (the scenario and packages in full, seeds, ...). ``advice`` ends the
        message refusing a folder of another design (what the user can do instead; a function
        of the reason, or text).

        Raises:
            ResultsFolderError: the folder exists (without ``resume``), is not a folder of
                this kind, or holds another design (``difference`` says how it differs).
        """
        store = cls(Path(folder), kind, arms)
        folder = store.folder
        if not folder.exists():
            if resume:
                warnings.warn(f"{folder}: no such folder to resume; starting a new {kind} there", stacklevel=2)
            with new_folder(folder) as partial:
                (partial / RUNS_DIR).mkdir()
                manifest = {
                    "kind": kind,
                    "manifest_format": MANIFEST_FORMAT,
                    "status": "running",
                    "identity": identity,
                    "created_at": utc_now().isoformat(),
                    **contents,
                    "sessions": [],
                    "environment": environment(),
                }
                (partial / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
            store.lock()
            return store
        if not resume:
            raise ResultsFolderError(
                f"{folder}: results folder exists already; choose another --out, or --resume to finish the {kind} in it"
            )
        manifest_path = folder / MANIFEST
        if not folder.is_dir():
            raise ResultsFolderError(f"{folder}: not a {kind} folder (a file); choose another --out")
        if not manifest_path.is_file():
            if not (folder / RUNS_DIR).is_dir():
                raise ResultsFolderError(
                    f"{folder}: not a {kind} folder (no {MANIFEST}, no {RUNS_DIR}/); choose another --out"
                )
            store.lock()
            # The manifest was lost: rebuild it from this command's design; each saved run is still
            # checked against the design (seed, scenario and package hashes) before it is used.
            warnings.warn(
                f"{manifest_path}: missing; rebuilt from this command's {kind}; saved runs are checked one by one",
                stacklevel=2,
            )
            manifest = {
                "kind": kind,
                "manifest_format": MANIFEST_FORMAT,
                "status": "running",
                "identity": identity,
                "created_at": utc_now().isoformat(),
                "rebuilt_at": utc_now().isoformat(),
                **contents,
                "sessions": [],
                "environment": environment(),
            }
            write_json(manifest_path, manifest)
        manifest = store.manifest()
        if manifest.get("kind") != kind:
            raise ResultsFolderError(f"{folder}: holds a {manifest.get('kind', 'different')} result, not a {kind}")
        reason = difference(manifest.get("identity", {}), identity)
        if reason:
            advice = advice(reason) if callable(advice) else advice
            raise ResultsFolderError(f"{folder}: holds another {kind} ({reason}); refusing to mix results: {advice}")
        if getattr(store, "_lock", None) is None:
            store.lock()
        return store

    def lock(self) -> None:
        """Hold the folder's lock while this process works in it (released when the process ends).

        Raises:
            ResultsFolderError: another process holds it (two resumes of one folder at once).
        """
        import fcntl

        handle = (self.folder / LOCK).open("a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            raise ResultsFolderError(
                f"{self.folder}: in use by another shocksim process (it holds {LOCK}); "
                "wait for it to finish, then --resume again"
            ) from None
        self._lock = handle

    def unlock(self, remove: bool = False) -> None:
        """Release the lock; ``remove`` also deletes the lock file (the design is finished)."""
        handle = getattr(self, "_lock", None)
        if handle is not None:
            if remove:
                (self.folder / LOCK).unlink(missing_ok=True)
            handle.close()
            self._lock = None

    def manifest(self) -> dict[str, Any]:
        path = self.folder / MANIFEST
        try:
            return json.loads(path.read_text())
        except json.JSONDecodeError as error:
            raise ResultsFolderError(f"{path}: corrupt manifest ({error.msg} at line {error.lineno})") from None

    def arm_folder(self, arm: str) -> str:
        return f"{self.arms.index(arm):02d}-{re.sub(r'[^A-Za-z0-9_.-]+', '_', arm)[:40]}"

    def run_folder(self, arm: str, replicate: int) -> Path:
        return self.folder / RUNS_DIR / self.arm_folder(arm) / f"rep-{replicate:04d}"

    @staticmethod
    def _run_identity(experiment: Experiment) -> dict[str, Any]:
        return {
            "package": experiment.arm,
            "replicate": experiment.replicate,
            "seed": experiment.seed,
            "package_hash": experiment.package.content_hash() if experiment.package else None,
            "scenario_hash": experiment.scenario.content_hash(),
            "overrides": dict(experiment.overrides),
        }

    def save(self, experiment: Experiment, outcome: Outcome) -> Path:
        """Save one finished run (atomically: it appears whole or not at all)."""
        manifest = {
            "kind": f"{self.kind}_run",
            **self._run_identity(experiment),
            "run_seconds": round(outcome.seconds, 3),
            "finished_at": utc_now().isoformat(),
        }
        return write_run(
            self.run_folder(experiment.arm, experiment.replicate),
            outcome.timeseries,
            outcome.ledger,
            manifest,
            units=outcome.units,
        )

    def load(self, experiments: Sequence[Experiment]) -> dict[tuple[str, int], Outcome]:
        """The runs of ``experiments`` saved in the folder, checked against them; stale partial writes removed."""
        for folder in (self.folder, self.folder / "figures"):  # summary files and figures of a killed finish
            remove_stale_partials(folder)
        for arm in self.arms:
            arm_dir = self.folder / RUNS_DIR / self.arm_folder(arm)
            for partial in arm_dir.glob(".rep-*.partial-*"):  # a run interrupted while being written
                shutil.rmtree(partial, ignore_errors=True)
        saved: dict[tuple[str, int], Outcome] = {}
        for experiment in experiments:
            path = self.run_folder(experiment.arm, experiment.replicate)
            if not path.is_dir():
                continue
            try:
                run = read_run(path)
            except ResultsFolderError as error:
                # A corrupt or incomplete run (a changed file, a failed disk) is run again.
                warnings.warn(f"{error}; running it again", stacklevel=2)
                shutil.rmtree(path, ignore_errors=True)
                continue
            info = {"overrides": {}, **run["manifest"]}
            wrong = [key for key, value in self._run_identity(experiment).items() if info.get(key) != value]
            if wrong:
                raise ResultsFolderError(
                    f"{path}: run does not belong to this {self.kind} ({', '.join(wrong)} differ); "
                    "refusing to mix results"
                )
            saved[(experiment.arm, experiment.replicate)] = Outcome(
                experiment.arm,
                experiment.replicate,
                experiment.seed,
                run["timeseries"],
                run["ledger"],
                float(info["run_seconds"]),
                units=run["units"],
            )
        return saved

    def finish(
        self,
        outputs: dict[str, Callable[[Path], Any]],
        *,
        session: dict[str, Any],
        status: str,
        figures: Callable[[Path], list[Path]] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> list[Path]:
        """Write every output file (``{name: write(path)}``) and the figures atomically; complete the manifest.

        The manifest gets the status, this session, ``extra`` and checksums of the files.
        Returns the paths written.
        """
        files: list[Path] = []
        for name, write in outputs.items():
            write_atomic(self.folder / name, write)
            files.append(self.folder / name)
        if figures is not None:
            files.extend(figures(self.folder / "figures"))
        manifest = self.manifest()
        manifest["status"] = status
        manifest["sessions"] = [*manifest.get("sessions", []), session]
        manifest.update(extra or {})
        manifest["files"] = {path.relative_to(self.folder).as_posix(): sha256_of(path) for path in files}
        write_json(self.folder / MANIFEST, manifest)
        self.unlock(remove=True)
        return files
