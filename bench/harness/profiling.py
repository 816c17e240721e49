"""py-spy on the mentorHub process while a scenario runs again; a summary of where the
time goes, written next to the results (profile-<name>.md and the raw stacks)."""

from __future__ import annotations

import asyncio
import contextlib
import re
import signal
import sys
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

from .context import MENTORHUB, Context
from .servers import Server

PY_SPY = str(Path(sys.executable).parent / "py-spy")
PROJECT = str(Path(__file__).resolve().parent.parent.parent)  # the repository
FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")
AREAS = [  # first match wins; matched against the frame's file path
    ("mentorHub: collab/", "/collab/"),
    ("mentorHub: storage/", "/storage/"),
    ("mentorHub: server/", "/server/"),
    ("pycrdt (Yjs in Rust)", "pycrdt"),
    ("SQLAlchemy", "sqlalchemy"),
    ("SQLModel", "sqlmodel"),
    ("sqlite3 driver", "sqlite3"),
    ("psycopg", "psycopg"),
    ("redis client", "redis"),
    ("uvicorn", "uvicorn"),
    ("websockets", "websockets"),
    ("starlette", "starlette"),
    ("jinja2 / markupsafe", "jinja2"),
    ("jinja2 / markupsafe", "markupsafe"),
    ("logging", "logging"),
    ("asyncio event loop", "asyncio"),
    ("threads (to_thread workers)", "threading.py"),
    ("threads (to_thread workers)", "concurrent/futures"),
]


# Leaf frames that are waiting, not working: the event loop's epoll wait, idle pool threads.
IDLE_LEAVES = {"EpollSelector.select", "select", "_worker", "wait", "Condition.wait"}


# Frames every stack of a thread passes through: they say nothing about where time goes.
ROOT_FRAMES = {
    "<module>",
    "run",
    "main",
    "_serve",
    "Runner.run",
    "BaseEventLoop.run_forever",
    "BaseEventLoop.run_until_complete",
    "BaseEventLoop._run_once",
    "Handle._run",
    "Context.run",
    "Thread._bootstrap",
    "Thread._bootstrap_inner",
    "Thread.run",
    "_worker",
    "_WorkItem.run",
}


def parse(raw: Path) -> list[tuple[list[tuple[str, str]], int]]:
    """py-spy --format raw: one `frame;frame;... count` a line, outermost first."""
    stacks = []
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = []
        for part in stack.split(";"):
            match = FRAME.match(part.strip())
            if match:
                frames.append((match["func"], match["file"]))
            else:
                frames.append((part.strip(), ""))
        stacks.append((frames, int(count)))
    return stacks


def area(file: str) -> str:
    for name, needle in AREAS:
        if needle in file:
            return name
    return "other"


def short(func: str, file: str) -> str:
    """`func (file)` with the file relative to site-packages, the project or the stdlib."""
    for marker in ("site-packages/", f"{PROJECT}/", "/lib/python3"):
        if marker in file:
            file = file.split(marker, 1)[1]
            break
    if file.startswith(".") and "/" in file:  # "/lib/python3.11/asyncio/..." -> "asyncio/..."
        file = file.split("/", 1)[1]
    return f"{func} ({file})" if file else func


def summarise(raw: Path, title: str) -> str:
    stacks = []
    idle = 0
    for frames, count in parse(raw):
        real = [f for f in frames if f[1]]
        if not real or real[-1][0] in IDLE_LEAVES:
            idle += count
        else:
            stacks.append((real, count))
    total = sum(count for _, count in stacks)
    if not total:
        return f"# {title}\n\nNo busy samples.\n"
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    areas: Counter[str] = Counter()
    threads: Counter[str] = Counter()
    for real, count in stacks:
        leaf = real[-1]
        pooled = any(f[0] == "_worker" for f in real)
        threads["worker threads (asyncio.to_thread: database)" if pooled else "event loop"] += count
        own[short(*leaf)] += count
        # The innermost frame that is not the event loop or a thread pool says who works.
        worker = next(
            (
                f
                for f in reversed(real)
                if area(f[1]) not in ("asyncio event loop", "threads (to_thread workers)", "other")
            ),
            leaf,
        )
        areas[area(worker[1])] += count
        for name in {short(*f) for f in real if f[0] not in ROOT_FRAMES}:
            inclusive[name] += count
    lines = [
        f"# {title}",
        "",
        f"{total} busy samples (py-spy, 250 Hz, all threads); {idle} more were waiting (the "
        "event loop in epoll, idle pool threads) and are left out. Shares are of busy samples.",
        "",
    ]
    lines += ["## By thread", "", "| thread | share |", "|---|--:|"]
    lines += [f"| {name} | {100 * n / total:.1f}% |" for name, n in threads.most_common()]
    lines += [
        "",
        "## By area (innermost library or mentorHub frame)",
        "",
        "| area | share |",
        "|---|--:|",
    ]
    lines += [f"| {name} | {100 * n / total:.1f}% |" for name, n in areas.most_common(12)]
    lines += ["", "## Own time (leaf frames)", "", "| function | share |", "|---|--:|"]
    lines += [f"| `{name}` | {100 * n / total:.1f}% |" for name, n in own.most_common(20)]
    lines += ["", "## Inclusive time", "", "| function | share |", "|---|--:|"]
    lines += [f"| `{name}` | {100 * n / total:.1f}% |" for name, n in inclusive.most_common(30)]
    return "\n".join(lines) + "\n"


@contextlib.asynccontextmanager
async def pyspy(ctx: Context, server: Server, name: str) -> AsyncIterator[None]:
    raw = ctx.results_dir / f"profile-{name}.txt"
    log = ctx.log_dir / f"py-spy-{name}.log"
    with open(log, "ab") as err:  # noqa: ASYNC230 - a log file, opened once
        process = await asyncio.create_subprocess_exec(
            PY_SPY,
            "record",
            "--pid",
            str(server.pid),
            "--rate",
            "250",
            "--format",
            "raw",
            "--output",
            str(raw),
            "--nonblocking",
            "--threads",
            stdout=err,
            stderr=err,
        )
    await asyncio.sleep(1.0)  # attached
    try:
        yield
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGINT)
        try:
            async with asyncio.timeout(60):
                await process.wait()
        except TimeoutError:
            process.kill()
            await process.wait()
    if raw.exists():
        (ctx.results_dir / f"profile-{name}.md").write_text(
            summarise(raw, f"mentorHub under py-spy: {name}")
        )
        print(f"  profile written: {raw.with_suffix('.md')}", flush=True)
    else:
        ctx.note(f"py-spy wrote no profile for {name}; see {log}")


async def run(ctx: Context, chosen: list[str]) -> None:
    from .scenarios import fanout, opening, pages, scale, throughput

    mentorhub = ctx.servers.get(MENTORHUB)
    print(f"== profiling mentorHub (py-spy): {', '.join(sorted(ctx.profile))}", flush=True)
    for name in sorted(ctx.profile):
        try:
            if name == "fanout" and mentorhub:
                readers = ctx.plan.fanout_readers[-1]
                procs = ctx.split.get((f"fanout-{readers}", MENTORHUB), 1)
                async with pyspy(ctx, mentorhub, f"fanout-{readers}"):
                    await fanout.measure(
                        ctx, mentorhub, mentorhub, readers, ctx.plan.fanout_seconds, procs=procs
                    )
            elif name == "throughput" and mentorhub:
                async with pyspy(ctx, mentorhub, "throughput"):
                    await throughput.measure(ctx, mentorhub)
            elif name == "opening" and mentorhub and "opening" in ctx.state:
                room, expected = ctx.state["opening"][MENTORHUB]
                async with pyspy(ctx, mentorhub, "opening-in-memory"):
                    await opening.open_in_memory(ctx, mentorhub, room, expected, times=50)
            elif name == "opening-cold" and mentorhub and "opening" in ctx.state:
                room, expected = ctx.state["opening"][MENTORHUB]
                await mentorhub.restart()
                async with pyspy(ctx, mentorhub, "opening-from-storage"):
                    await opening.open_room(ctx, mentorhub, room, 10, expected)
            elif name == "scale" and mentorhub and "scale" in ctx.state:
                rooms, warmup = ctx.state["scale"][MENTORHUB]
                await mentorhub.restart()  # cold rooms again, and py-spy on the new process
                async with pyspy(ctx, mentorhub, "scale"):
                    await scale.measure(ctx, mentorhub, rooms, warmup, restart=False)
            elif name == "cluster" and "cluster" in ctx.state:
                a, b = ctx.state["cluster"]
                async with pyspy(ctx, a, "cluster-A"), pyspy(ctx, b, "cluster-B"):
                    await fanout.measure(
                        ctx, a, b, ctx.plan.cluster_readers, ctx.plan.cluster_seconds
                    )
            elif name == "pages" and "pages" in ctx.state:
                server, headers, paths = ctx.state["pages"]
                for page, path in paths.items():
                    async with pyspy(ctx, server, f"pages-{page}"):
                        await pages.load(ctx, server, path, headers)
            else:
                ctx.note(f"nothing to profile for {name} (its scenario did not run)")
        except Exception as error:
            ctx.note(f"profiling {name} failed: {error}")
