"""Run many `mentorhub` command lines in one process (no start-up per command).

    python -m harness.mh_admin < commands

Each line of stdin is a JSON array of arguments for `mentorhub`; for each, one JSON line
{"code": exit code, "out": what it printed on stdout, "err": on stderr} is printed. The
commands go through the command line's own entry point, exactly as typed in a shell.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys

from server.cli import main as mentorhub


def run_one(args: list[str]) -> dict[str, object]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = mentorhub(args)
        except SystemExit as exit_:  # argparse: unknown command, --help
            code = exit_.code if isinstance(exit_.code, int) else 1
    return {"code": code, "out": out.getvalue(), "err": err.getvalue()}


if __name__ == "__main__":
    for line in sys.stdin:
        if line.strip():
            print(json.dumps(run_one(json.loads(line))), flush=True)
