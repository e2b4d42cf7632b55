#!/usr/bin/env python3
"""Run and tabulate the lockit vs `uv pip compile` comparison.

Driven by benchmarks/compare.sh, which prepares the tools and passes their paths in
environment variables; see the --help text of compare.sh for the knobs. Standard
library only.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

TOOLS = ("lockit", "uv")
STATES = ("cold", "warm", "offline")

# Variables that would make the two tools run under different conditions than the
# command lines say (a stray offline switch, a shared cache, a user config file).
SCRUB_ENV = (
    "LOCKIT_OFFLINE",
    "LOCKIT_CACHE_DIR",
    "UV_OFFLINE",
    "UV_CACHE_DIR",
    "UV_NO_CACHE",
    "UV_PYTHON",
    "UV_CONFIG_FILE",
    "UV_EXCLUDE_NEWER",
    "UV_PYTHON_PLATFORM",
    "UV_PYTHON_VERSION",
)


def env_required(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        sys.exit(f"compare.py: {name} is not set (run benchmarks/compare.sh)")
    return value


@dataclass
class Config:
    lockit: str
    uv: str
    python: str
    python_version: str
    platform: str
    exclude_newer: str
    runs: int
    timeout: float
    bench_dir: Path
    work_dir: Path
    time_bin: str | None

    @classmethod
    def from_env(cls) -> "Config":
        time_bin = os.environ.get("BENCH_TIME_BIN") or None
        return cls(
            lockit=env_required("BENCH_LOCKIT"),
            uv=env_required("BENCH_UV"),
            python=env_required("BENCH_PYTHON"),
            python_version=env_required("BENCH_PYTHON_VERSION"),
            platform=env_required("BENCH_PLATFORM"),
            exclude_newer=env_required("BENCH_EXCLUDE_NEWER"),
            runs=int(env_required("RUNS")),
            timeout=float(env_required("BENCH_TIMEOUT")),
            bench_dir=Path(env_required("LOCKIT_BENCH_DIR")),
            work_dir=Path(env_required("BENCH_WORK_DIR")),
            time_bin=time_bin,
        )


@dataclass
class Run:
    corpus: str
    state: str
    tool: str
    run: int  # 0 = untimed priming run
    exit_code: int | None  # None = timed out
    wall_s: float
    time_e_s: float | None  # /usr/bin/time %e, when used
    max_rss_kb: int | None
    output: Path
    log: Path

    @property
    def ok(self) -> bool:
        return self.exit_code == 0

    @property
    def status(self) -> str:
        if self.exit_code is None:
            return "timeout"
        if self.exit_code < 0:
            return f"signal {-self.exit_code}"
        return "ok" if self.exit_code == 0 else f"exit {self.exit_code}"


@dataclass
class Cell:
    """Aggregated timed runs of one tool in one (corpus, state)."""

    runs: list[Run] = field(default_factory=list)

    @property
    def good(self) -> list[Run]:
        return [r for r in self.runs if r.ok]

    def median_wall(self) -> float | None:
        good = self.good
        return statistics.median(r.wall_s for r in good) if good else None

    def median_rss_mb(self) -> float | None:
        rss = [r.max_rss_kb for r in self.good if r.max_rss_kb is not None]
        return statistics.median(rss) / 1024 if rss else None

    def failed(self) -> list[Run]:
        return [r for r in self.runs if not r.ok]

    def time_text(self) -> str:
        med = self.median_wall()
        bad = self.failed()
        if med is None:
            if not self.runs:
                return "-"
            return "FAIL(" + ",".join(sorted({r.status for r in bad})) + ")"
        text = f"{med:.3f}"
        if bad:
            text += f" [{len(bad)}/{len(self.runs)} failed]"
        return text


# --------------------------------------------------------------------------- running


def command(cfg: Config, tool: str, infile: Path, out: Path, cache: Path, offline: bool) -> list[str]:
    common = [
        "--python-version", cfg.python_version,
        "--python-platform", cfg.platform,
        "--exclude-newer", cfg.exclude_newer,
    ]
    if tool == "lockit":
        cmd = [cfg.lockit, "resolve", str(infile), *common,
               "-o", str(out), "--cache-dir", str(cache), "-q"]
    else:
        cmd = [cfg.uv, "pip", "compile", str(infile), "--generate-hashes", *common,
               "--python", cfg.python, "--no-header",
               "-o", str(out), "--cache-dir", str(cache), "-q"]
    if offline:
        cmd.append("--offline")
    return cmd


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    for name in SCRUB_ENV:
        env.pop(name, None)
    env["UV_PYTHON_DOWNLOADS"] = "never"
    env["UV_NO_CONFIG"] = "1"  # ignore ~/.config/uv/uv.toml and project uv.toml
    return env


def parse_time_file(path: Path) -> tuple[float | None, int | None]:
    """Last line of `/usr/bin/time -f '%e %M' -o FILE` (earlier lines may say
    'Command exited with non-zero status N')."""
    try:
        lines = [l for l in path.read_text().splitlines() if l.strip()]
    except OSError:
        return None, None
    for line in reversed(lines):
        parts = line.split()
        if len(parts) == 2:
            try:
                return float(parts[0]), int(parts[1])
            except ValueError:
                continue
    return None, None


def execute(cfg: Config, cmd: list[str], log: Path) -> tuple[int | None, float, float | None, int | None]:
    """Run cmd; return (exit code or None on timeout, wall s, %e s, max RSS KiB)."""
    tfile = None
    argv = cmd
    if cfg.time_bin:
        fd, tname = tempfile.mkstemp(prefix="time.", dir=cfg.work_dir)
        os.close(fd)
        tfile = Path(tname)
        argv = [cfg.time_bin, "-f", "%e %M", "-o", str(tfile), *cmd]
    with open(log, "wb") as logf:
        logf.write(("$ " + " ".join(cmd) + "\n").encode())
        logf.flush()
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=logf, stderr=subprocess.STDOUT,
                                env=child_env(), start_new_session=True)
        # Block in wait4 (Popen.wait(timeout) polls with sleeps of up to 50 ms, which
        # would blur short runs); a timer kills the process group on timeout.
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(cfg.timeout, kill)
        timer.start()
        try:
            _, status, rusage = os.wait4(proc.pid, 0)
        except BaseException:
            kill()
            proc.wait()
            raise
        finally:
            timer.cancel()
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        if timed_out.is_set():
            code = None
        wall = time.perf_counter() - start
        if code is None:
            logf.write(f"\n[compare] killed after the {cfg.timeout:g} s timeout\n".encode())
    time_e = rss = None
    if tfile is not None:
        time_e, rss = parse_time_file(tfile)
        tfile.unlink(missing_ok=True)
        # /usr/bin/time reports "exited with non-zero status" but exits with the same code.
    else:
        # This child's own rusage (with its reaped descendants). RUSAGE_CHILDREN's
        # ru_maxrss would be the largest child so far and carry over between runs.
        rss = rusage.ru_maxrss  # KiB on Linux
    return code, wall, time_e, rss


def run_one(cfg: Config, corpus: str, infile: Path, state: str, tool: str, idx: int,
            cache: Path, out: Path, logs: Path) -> Run:
    tmp_out = cfg.work_dir / f"{corpus}.{state}.{tool}.{idx}.txt"
    tmp_out.unlink(missing_ok=True)
    log = logs / f"{corpus}.{state}.{tool}.{idx}.log"
    cmd = command(cfg, tool, infile, tmp_out, cache, offline=(state == "offline"))
    code, wall, time_e, rss = execute(cfg, cmd, log)
    if code == 0 and tmp_out.exists():
        shutil.copyfile(tmp_out, out)
    elif code == 0:
        code = 99  # claimed success but wrote nothing: count it as a failure
        with open(log, "a") as f:
            f.write("\n[compare] exit 0 but no output file; recorded as exit 99\n")
    tmp_out.unlink(missing_ok=True)
    r = Run(corpus, state, tool, idx, code, wall, time_e, rss, out, log)
    label = "prime" if idx == 0 else f"run {idx}/{cfg.runs}"
    rss_txt = f"{rss / 1024:.0f} MB" if rss else "? MB"
    print(f"  {corpus:<12} {state:<7} {tool:<6} {label:<9} {r.status:<8} {wall:8.3f} s  {rss_txt}",
          file=sys.stderr, flush=True)
    return r


def bench_corpus(cfg: Config, infile: Path, writer, csvf) -> dict:
    corpus = infile.stem
    outdir = cfg.bench_dir / "out" / corpus
    logs = cfg.bench_dir / "logs"
    outdir.mkdir(parents=True, exist_ok=True)
    logs.mkdir(parents=True, exist_ok=True)
    cells = {(s, t): Cell() for s in STATES for t in TOOLS}
    primes: dict[str, Run] = {}

    def record(r: Run) -> None:
        writer.writerow([r.corpus, r.state, r.tool, r.run, r.status, r.exit_code if r.exit_code is not None else "",
                         f"{r.wall_s:.4f}", "" if r.time_e_s is None else f"{r.time_e_s:.2f}",
                         "" if r.max_rss_kb is None else r.max_rss_kb, r.log])
        csvf.flush()

    # cold: a fresh, empty cache directory for every run
    for i in range(1, cfg.runs + 1):
        for tool in TOOLS:
            cache = Path(tempfile.mkdtemp(prefix=f"{corpus}.cold.{tool}.", dir=cfg.work_dir))
            r = run_one(cfg, corpus, infile, "cold", tool, i, cache, outdir / f"{tool}.cold.txt", logs)
            shutil.rmtree(cache, ignore_errors=True)
            cells["cold", tool].runs.append(r)
            record(r)

    # warm and offline share one cache per tool, primed by an untimed run
    caches = {t: Path(tempfile.mkdtemp(prefix=f"{corpus}.warm.{t}.", dir=cfg.work_dir)) for t in TOOLS}
    try:
        for tool in TOOLS:
            r = run_one(cfg, corpus, infile, "warm", tool, 0, caches[tool], outdir / f"{tool}.prime.txt", logs)
            primes[tool] = r
            record(r)
        for state in ("warm", "offline"):
            for i in range(1, cfg.runs + 1):
                for tool in TOOLS:
                    r = run_one(cfg, corpus, infile, state, tool, i, caches[tool],
                                outdir / f"{tool}.{state}.txt", logs)
                    cells[state, tool].runs.append(r)
                    record(r)
    finally:
        for c in caches.values():
            shutil.rmtree(c, ignore_errors=True)
    return {"corpus": corpus, "cells": cells, "primes": primes, "outdir": outdir}


# --------------------------------------------------------------------------- lockfiles

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*===?\s*([^\s;\\]+)")
HASH = re.compile(r"--hash=(\w+:[0-9a-fA-F]+)")


def canon(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def read_pins(path: Path) -> tuple[dict[str, str], dict[str, set[str]]]:
    """{name: version} and {name: hashes} of a requirements.txt."""
    pins: dict[str, str] = {}
    hashes: dict[str, set[str]] = {}
    current = None
    for raw in path.read_text().splitlines():
        line = re.sub(r"(^|\s)#.*$", "", raw).rstrip().rstrip("\\").rstrip()
        if not line.strip():
            continue
        if not raw[:1].isspace():  # a new requirement line (continuations are indented)
            m = PIN.match(line.strip())
            current = canon(m.group(1)) if m else None
            if m:
                pins[current] = m.group(3)
                hashes.setdefault(current, set())
        if current:
            hashes[current].update(h.lower() for h in HASH.findall(line))
    return pins, hashes


def lock_for(result: dict, tool: str) -> Path | None:
    """The warm runs' output of a tool (the priming run's if every timed warm run failed)."""
    cells = result["cells"]
    if cells["warm", tool].good:
        return result["outdir"] / f"{tool}.warm.txt"
    if result["primes"].get(tool) and result["primes"][tool].ok:
        return result["outdir"] / f"{tool}.prime.txt"
    return None


def compare_locks(result: dict) -> list[str]:
    corpus = result["corpus"]
    lines = []
    paths = {t: lock_for(result, t) for t in TOOLS}
    missing = [t for t in TOOLS if paths[t] is None]
    if missing:
        return [f"{corpus}: cannot compare, no successful warm output from {' and '.join(missing)}"]
    (lp, lh), (up, uh) = read_pins(paths["lockit"]), read_pins(paths["uv"])
    only_l = sorted(set(lp) - set(up))
    only_u = sorted(set(up) - set(lp))
    differ = sorted(n for n in set(lp) & set(up) if lp[n] != up[n])
    hash_differ = sorted(n for n in set(lp) & set(up) if lp[n] == up[n] and lh[n] != uh[n])
    if not (only_l or only_u or differ):
        lines.append(f"{corpus}: identical name==version sets ({len(lp)} packages)")
    else:
        lines.append(f"{corpus}: DIFFERENT name==version sets (lockit {len(lp)}, uv {len(up)} packages)")
        for n in only_l:
            lines.append(f"    only in lockit: {n}=={lp[n]}")
        for n in only_u:
            lines.append(f"    only in uv:     {n}=={up[n]}")
        for n in differ:
            lines.append(f"    version differs: {n}  lockit {lp[n]}  uv {up[n]}")
    if hash_differ:
        lines.append(f"    (info) same version but different --hash sets for {len(hash_differ)}: "
                     + ", ".join(f"{n} (lockit {len(lh[n])}, uv {len(uh[n])})" for n in hash_differ[:8])
                     + (" ..." if len(hash_differ) > 8 else ""))
    # each tool should produce the same lock warm and offline
    for tool in TOOLS:
        warm = paths[tool]
        off = result["outdir"] / f"{tool}.offline.txt"
        if result["cells"]["offline", tool].good and off.exists() and read_pins(off)[0] != read_pins(warm)[0]:
            lines.append(f"    note: {tool}'s offline lock differs from its warm lock ({off})")
    return lines


# --------------------------------------------------------------------------- report


def fmt(x: float | None, spec: str) -> str:
    return "-" if x is None else format(x, spec)


def build_rows(results: list[dict]) -> tuple[list[list[str]], list[list[str]]]:
    rows = []
    ratios: dict[str, list[float]] = {s: [] for s in STATES}
    for res in results:
        for state in STATES:
            lc, uc = res["cells"][state, "lockit"], res["cells"][state, "uv"]
            lm, um = lc.median_wall(), uc.median_wall()
            ratio = lm / um if lm is not None and um else None
            if ratio is not None:
                ratios[state].append(ratio)
            rows.append([res["corpus"], state, lc.time_text(), uc.time_text(), fmt(ratio, ".2f"),
                         fmt(lc.median_rss_mb(), ".0f"), fmt(uc.median_rss_mb(), ".0f")])
    summary = []
    for state in STATES:
        r = ratios[state]
        n_total = len(results)
        med = statistics.median(r) if r else None
        summary.append([f"ALL: median of {len(r)}/{n_total}", state, "", "", fmt(med, ".2f"), "", ""])
    return rows, summary


HEADER = ["corpus", "state", "lockit median s", "uv median s", "ratio lockit/uv",
          "lockit peak RSS MB", "uv peak RSS MB"]


def text_table(rows: list[list[str]], summary: list[list[str]]) -> str:
    allrows = [HEADER, *rows, *summary]
    widths = [max(len(r[i]) for r in allrows) for i in range(len(HEADER))]
    right = {2, 3, 4, 5, 6}

    def line(r):
        return "  ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths)))

    sep = "  ".join("-" * w for w in widths)
    return "\n".join([line(HEADER), sep, *map(line, rows), sep, *map(line, summary)])


def md_table(rows: list[list[str]], summary: list[list[str]]) -> str:
    out = ["| " + " | ".join(HEADER) + " |", "|" + "|".join(["---", "---"] + ["---:"] * 5) + "|"]
    for r in rows:
        out.append("| " + " | ".join(r) + " |")
    for r in summary:
        out.append("| **" + r[0] + "** | " + " | ".join(r[1:]) + " |")
    return "\n".join(out)


def main(argv: list[str]) -> int:
    cfg = Config.from_env()
    inputs = [Path(a) for a in argv]
    if not inputs:
        print("compare.py: no corpus files left to run", file=sys.stderr)
        return 2
    cfg.bench_dir.mkdir(parents=True, exist_ok=True)
    for stale in ("out", "logs"):  # this run's lockfiles and logs only
        shutil.rmtree(cfg.bench_dir / stale, ignore_errors=True)
    csv_path = cfg.bench_dir / "runs.csv"
    md_path = cfg.bench_dir / "results.md"
    results = []
    with open(csv_path, "w", newline="") as csvf:
        writer = csv.writer(csvf)
        writer.writerow(["corpus", "state", "tool", "run", "status", "exit_code", "wall_s",
                         "time_e_s", "max_rss_kb", "log"])
        for infile in inputs:
            print(f"== {infile.stem} ({infile})", file=sys.stderr, flush=True)
            results.append(bench_corpus(cfg, infile, writer, csvf))

    rows, summary = build_rows(results)
    diffs = [l for res in results for l in compare_locks(res)]
    failures = [r for res in results for cell in res["cells"].values() for r in cell.failed()]
    failures += [r for res in results for r in res["primes"].values() if not r.ok]

    settings = (f"python {cfg.python_version} ({cfg.python}), platform {cfg.platform}, "
                f"exclude-newer {cfg.exclude_newer}, {cfg.runs} run(s) per tool and state; "
                f"times are wall-clock medians of successful runs, RSS the median of their peaks")
    print()
    print(f"lockit vs uv pip compile: {settings}")
    print()
    print(text_table(rows, summary))
    print()
    print("Resolution check (warm outputs, name==version):")
    for l in diffs:
        print("  " + l)
    if failures:
        print()
        print("Failed runs (see logs):")
        for r in failures:
            label = "prime" if r.run == 0 else f"run {r.run}"
            print(f"  {r.corpus} {r.state} {r.tool} {label}: {r.status}  {r.log}")
            print("      " + last_error_line(r.log))

    md = [f"# lockit vs `uv pip compile`", "", settings + ".", "", md_table(rows, summary), "",
          "## Resolution check (warm outputs, name==version)", "", "```", *diffs, "```", ""]
    if failures:
        md += ["## Failed runs", ""]
        md += [f"- {r.corpus} {r.state} {r.tool} {'prime' if r.run == 0 else 'run ' + str(r.run)}: "
               f"{r.status} — `{last_error_line(r.log)}`" for r in failures]
        md.append("")
    md_path.write_text("\n".join(md))
    print()
    print(f"Markdown table: {md_path}")
    print(f"Raw runs (CSV): {csv_path}")
    print(f"Lockfiles: {cfg.bench_dir / 'out'}   Logs: {cfg.bench_dir / 'logs'}")
    return 0


def last_error_line(log: Path) -> str:
    try:
        lines = [l.strip() for l in log.read_text(errors="replace").splitlines()[1:] if l.strip()]
    except OSError:
        return "(no log)"
    text = lines[-1] if lines else "(no output)"
    return text if len(text) <= 200 else text[:197] + "..."


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        sys.exit(130)
