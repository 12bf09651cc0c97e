"""``shocksim dashboard``: serve the Solara dashboard, offline (its JavaScript comes from ``solara-assets``)."""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
from typing import Any

#: Environment of the Solara server: assets from the local cache that ``solara-assets`` fills (never a
#: CDN in the browser), no telemetry, and a CDN address that cannot be reached should an asset be missing.
OFFLINE_ENVIRONMENT = {
    "SOLARA_ASSETS_PROXY": "true",
    "SOLARA_ASSETS_CDN": "http://127.0.0.1:9/",
    "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "false",
}


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "dashboard",
        help="start the dashboard in the browser: choose packages, compare them with the baseline",
        description=(
            "Serve the Solara dashboard: choose a scenario, packages and a budget, run a small comparison and see "
            "jobs saved over time and the cost per job, with 90% intervals, in full-population units; download "
            "the tables as CSV. Works offline: every file the page needs is served from this machine (the "
            "solara-assets package of the viz extra). Stop it with Ctrl-C."
        ),
    )
    parser.add_argument("--port", type=int, default=8765, help="port to listen on (default: 8765; 0: any free port)")
    parser.add_argument("--host", default="localhost", help="address to listen on (default: localhost)")
    parser.add_argument("--scale", type=float, help="share of the population simulated, at first (default: 0.02)")
    parser.add_argument("--seeds", type=int, help="seeds per comparison, at first (default: 3)")
    parser.add_argument("--months", type=int, help="months simulated, at first (default: the scenario's horizon)")
    return parser


def server_command(args: argparse.Namespace) -> tuple[list[str], dict[str, str]]:
    """The command that runs the Solara server, and its environment."""
    environment = {**os.environ, **OFFLINE_ENVIRONMENT}
    for option, name in (("scale", "SCALE"), ("seeds", "SEEDS"), ("months", "MONTHS")):
        value = getattr(args, option)
        if value is not None:
            environment[f"SHOCKSIM_DASHBOARD_{name}"] = str(value)
    command = [
        sys.executable,
        "-m",
        "solara",
        "run",
        "sim.viz.solara_app",
        "--production",
        "--no-open",
        "--port",
        str(args.port),
        "--host",
        args.host,
    ]
    return command, environment


def run(args: argparse.Namespace) -> int:
    from sim.errors import InputError

    if importlib.util.find_spec("solara") is None:
        raise InputError('dashboard: Solara is not installed; install the viz extra: pip install -e ".[viz]"')
    if importlib.util.find_spec("solara_assets") is None:
        raise InputError(
            "dashboard: solara-assets is not installed, so the page would fetch its JavaScript from the internet; "
            'install the viz extra: pip install -e ".[viz]"'
        )
    if args.scale is not None and not 0 < args.scale <= 1:
        raise InputError(f"--scale: got {args.scale}; allowed: a share of the population in (0, 1]")
    if args.seeds is not None and not 2 <= args.seeds <= 10:
        raise InputError(f"--seeds: got {args.seeds}; allowed: 2 to 10")
    if args.months is not None and args.months < 1:
        raise InputError(f"--months: got {args.months}; allowed: a positive number of months")
    command, environment = server_command(args)
    print(f"dashboard: http://{args.host}:{args.port}/ (offline assets; Ctrl-C stops it)", flush=True)
    if os.name == "posix":
        # become the server, so that a signal to this process (Ctrl-C, a service manager's stop) reaches it
        os.execve(sys.executable, command, environment)
    try:  # elsewhere: run it as a child and wait
        return subprocess.call(command, env=environment)
    except KeyboardInterrupt:
        return 0
