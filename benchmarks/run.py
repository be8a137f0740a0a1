"""Benchmarks of ``tech-trade build`` and of opening its workbooks (issue 6).

Run from the repository root with ``python3 benchmarks/run.py`` (``--help`` lists the
options). It prints a table and writes every measurement to ``benchmarks/results.json``:

1. The default snapshot's build: wall time, CPU time and peak memory, next to a
   baseline that writes the same data tables with plain ``DataFrame.to_excel``
   (``benchmarks/baseline.py``), with the ratios.
2. Scaling: the same at synthetic data of 1x, 10x and 60x the Census rows
   (``benchmarks/synthetic.py``), and one size past what a sheet holds, which must
   end with exit status 2 and one line on standard error, and write nothing.
3. Recalculation for the people who open the file: LibreOffice headless opening a
   workbook and recalculating it fully, next to a copy with every formula replaced by
   its value, at the default size and the scaled ones.
4. The size of each file.

Every build and every LibreOffice run is a fresh child process, measured through
``os.wait4``: wall time around it, its user + system CPU time, and its peak resident
memory. Each figure is the median of ``--repeats`` runs (``--large-repeats`` above 10x); builds and baselines
alternate, so that other load on the machine falls on both alike.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))

import synthetic  # noqa: E402  (benchmarks/ is not a package)

#: What the issue asks for.
TARGETS = {
    "default_build_time_ratio": 1.5,
    "time_per_row_60x_over_10x": 1.2,
    "peak_memory_ratio": 2.0,
    "recalc_ratio_default": 2.0,
    "recalc_ratio_10x": 3.0,
    # Issue 12: `tech-trade check` against a plain headless LibreOffice open-and-save of the same file.
    "check_ratio_default": 3.0,
    "check_ratio_10x": 3.0,
    # Issue 11: the default workbook stays small enough to email, its partner tables included.
    "default_workbook_bytes": 1_000_000,
}
DEFAULT = "default"


@dataclass
class Run:
    """One child process: wall seconds, CPU seconds (user + system), peak RSS in MiB, exit status."""

    wall: float
    cpu: float
    peak_mib: float
    status: int | None
    stderr: str = ""
    timed_out: bool = False
    stdout: str = ""


def run_child(command: list[str], timeout: float | None = None, cwd: Path | None = None) -> Run:
    """Run ``command`` as its own process group and measure it through wait4.

    On a timeout the whole group is killed (soffice starts soffice.bin), and the run
    is marked as timed out.
    """
    with tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                   cwd=cwd, start_new_session=True)
        timed_out = False
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if timeout is not None and time.perf_counter() - started > timeout:
                timed_out = True
                os.killpg(process.pid, signal.SIGKILL)
                pid, status, usage = os.wait4(process.pid, 0)
                break
            time.sleep(0.01)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode("utf-8", errors="replace")
        out.seek(0)
        stdout = out.read().decode("utf-8", errors="replace")
    return Run(wall=wall, cpu=usage.ru_utime + usage.ru_stime, peak_mib=usage.ru_maxrss / 1024,
               status=None if timed_out else process.returncode, stderr=stderr, timed_out=timed_out, stdout=stdout)


def median_of(runs: list[Run]) -> dict:
    return {"wall_s": round(statistics.median(r.wall for r in runs), 3),
            "cpu_s": round(statistics.median(r.cpu for r in runs), 3),
            "peak_mib": round(statistics.median(r.peak_mib for r in runs), 1),
            "runs": [{"wall_s": round(r.wall, 3), "cpu_s": round(r.cpu, 3), "peak_mib": round(r.peak_mib, 1)}
                     for r in runs]}


# ---------------------------------------------------------------- builds

def build_command(data: Path | None, out: Path) -> list[str]:
    command = [sys.executable, "-m", "workbook", "build", "--out", str(out)]
    return command + (["--data", str(data)] if data is not None else [])


def baseline_command(data: Path, out: Path) -> list[str]:
    return [sys.executable, str(HERE / "baseline.py"), str(data), str(out)]


def write_synthetic(factor: float, folder: Path) -> dict:
    """Synthetic data of ``factor`` times the real rows, written by a child process.

    Not in this process: a child's peak memory, as wait4 reports it, starts from this
    process's size when it was started, so this process must stay small.
    """
    done = subprocess.run([sys.executable, str(HERE / "synthetic.py"), str(factor), str(folder)],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"writing {factor}x synthetic data failed: {done.stderr.strip()}")
    return json.loads(done.stdout)


def measure_builds(label: str, data: Path | None, work: Path, repeats: int) -> dict:
    """Build and baseline ``repeats`` times each, alternating; keep the last workbook."""
    folder = work / label
    folder.mkdir(parents=True, exist_ok=True)
    out, base_out = folder / f"snapshot-{label}.xlsx", folder / f"baseline-{label}.xlsx"
    builds, baselines = [], []
    for attempt in range(repeats):
        for path in (out, base_out):
            path.unlink(missing_ok=True)
        build = run_child(build_command(data, out), cwd=folder)
        if build.status != 0:
            raise SystemExit(f"build of {label} failed ({build.status}): {build.stderr.strip()}")
        builds.append(build)
        baseline = run_child(baseline_command(data if data is not None else REPO / "data", base_out))
        if baseline.status != 0:
            raise SystemExit(f"baseline of {label} failed ({baseline.status}): {baseline.stderr.strip()}")
        baselines.append(baseline)
        print(f"  {label} run {attempt + 1}/{repeats}: build {build.wall:.2f} s {build.peak_mib:.0f} MiB, "
              f"baseline {baseline.wall:.2f} s {baseline.peak_mib:.0f} MiB", flush=True)
    result = {"build": median_of(builds), "baseline": median_of(baselines),
              "file_bytes": out.stat().st_size, "baseline_file_bytes": base_out.stat().st_size,
              "workbook": str(out)}
    for key in ("wall_s", "cpu_s", "peak_mib"):
        result[f"ratio_{key}"] = round(result["build"][key] / result["baseline"][key], 3)
    return result


def measure_rebuild(label: str, data: Path | None, work: Path, repeats: int) -> dict:
    """Builds onto the workbook of an earlier build, as an analyst rebuilds after editing data.

    Not a target of the issue. The build first makes sure the workbook already there
    holds no edits: at once where its seal matches (``untouched``), by reading its
    inputs back where it does not (``unsealed``: the same workbook with one byte of
    docProps/app.xml changed, as any re-save by Excel or LibreOffice changes parts).
    """
    folder = work / label
    out = folder / f"snapshot-{label}.xlsx"
    if not out.exists():
        run_child(build_command(data, out), cwd=folder)
    results = {}
    for kind in ("untouched", "unsealed"):
        runs = []
        for attempt in range(repeats):
            if kind == "unsealed":
                _break_seal(out)
            run = run_child(build_command(data, out), cwd=folder)
            if run.status != 0:
                raise SystemExit(f"rebuild of {label} failed ({run.status}): {run.stderr.strip()}")
            runs.append(run)
            print(f"  {label} rebuild onto an {kind} workbook {attempt + 1}/{repeats}: {run.wall:.2f} s "
                  f"{run.peak_mib:.0f} MiB", flush=True)
        results[kind] = median_of(runs)
    return results


def _break_seal(path: Path) -> None:
    """One more byte at the end of docProps/app.xml: the same workbook, no longer the file the tool wrote."""
    copy = path.with_name(path.name + ".unsealed")
    with zipfile.ZipFile(path) as old, zipfile.ZipFile(copy, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            content = old.read(item.filename)
            new.writestr(item, content + b"\n" if item.filename == "docProps/app.xml" else content)
    os.replace(copy, path)


def measure_past_limit(label: str, data: Path, work: Path) -> dict:
    """A build of data past what a sheet holds: it must fail cleanly and write nothing."""
    folder = work / label
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / f"snapshot-{label}.xlsx"
    out.unlink(missing_ok=True)
    run = run_child(build_command(data, out), cwd=folder)
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    leftovers = [path.name for path in folder.iterdir()]
    return {"status": run.status, "stderr": run.stderr.strip(), "stderr_lines": len(lines),
            "wall_s": round(run.wall, 3), "cpu_s": round(run.cpu, 3), "peak_mib": round(run.peak_mib, 1),
            "files_left": leftovers,
            "clean": run.status == 2 and len(lines) == 1 and "Traceback" not in run.stderr and not leftovers}


# ---------------------------------------------------------------- LibreOffice

def values_only(workbook: Path, out: Path) -> Path:
    """``workbook`` with every formula replaced by its cached value, by editing the XML.

    Each cell's ``<f>`` goes and its ``<v>`` stays; a text result (``t="str"``, which
    means a formula's string) becomes an inline string. Table column formulas go too.
    Everything else (styles, tables, charts, conditional formats, sparklines) is kept
    byte for byte, which a round trip through openpyxl would not do.
    """
    formula = re.compile(r"<f\b[^>]*/>|<f\b[^>]*>.*?</f>", re.S)
    text_result = re.compile(r'(<c\b[^>]*?) t="str"([^>]*)>(?:<v>(.*?)</v>|<v/>)?</c>', re.S)

    def inline(found: re.Match) -> str:
        return f'{found.group(1)} t="inlineStr"{found.group(2)}><is><t xml:space="preserve">{found.group(3) or ""}</t></is></c>'

    with zipfile.ZipFile(workbook) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                data = text_result.sub(inline, formula.sub("", data.decode("utf-8"))).encode("utf-8")
            elif info.filename.startswith("xl/tables/"):
                data = re.sub(rb"<calculatedColumnFormula>.*?</calculatedColumnFormula>", b"", data, flags=re.S)
            target.writestr(info, data)
    with zipfile.ZipFile(out) as check:
        left = sum(len(formula.findall(check.read(name).decode("utf-8")))
                   for name in check.namelist() if name.startswith("xl/worksheets/sheet"))
    if left:
        raise SystemExit(f"{out}: {left} formulas left in the values-only copy")
    return out


def libreoffice_open(workbook: Path, out_dir: Path, timeout: float, convert_to: str) -> Run:
    """LibreOffice opens ``workbook`` headless, recalculates every formula, and saves it as ``convert_to``.

    The throwaway profile of ``workbook.engines.libreoffice`` makes it always recalculate on
    load (by default LibreOffice keeps the cached results of an .xlsx).
    """
    from workbook.engines.libreoffice import find_soffice, private_profile

    out_dir.mkdir(parents=True, exist_ok=True)
    with private_profile() as profile:
        return run_child([str(find_soffice()), profile, "--headless", "--norestore", "--nologo", "--nodefault",
                          "--nolockcheck", "--convert-to", convert_to, "--outdir", str(out_dir),
                          str(workbook.resolve())], timeout=timeout)


def measure_recalc(label: str, workbook: Path, work: Path, repeats: int, timeout: float, convert_to: str) -> dict:
    folder = work / label / "recalc"
    folder.mkdir(parents=True, exist_ok=True)
    values = values_only(workbook, folder / f"{workbook.stem}-values.xlsx")
    result = {"values_file_bytes": values.stat().st_size, "convert_to": convert_to}
    outputs = {}
    for attempt in range(repeats):
        for kind, path in (("formulas", workbook), ("values", values)):
            out_dir = folder / kind
            shutil.rmtree(out_dir, ignore_errors=True)
            run = libreoffice_open(path, out_dir, timeout, convert_to)
            result.setdefault(kind, []).append(run)
            if run.timed_out:
                print(f"  {label} LibreOffice {kind}: timed out after {timeout:.0f} s", flush=True)
            else:
                produced = list(out_dir.iterdir())
                if run.status != 0 or not produced:
                    raise SystemExit(f"LibreOffice failed on {path} ({run.status}): {run.stderr.strip()[-300:]}")
                outputs[kind] = produced[0].read_bytes()
                print(f"  {label} LibreOffice {kind} run {attempt + 1}/{repeats}: {run.wall:.2f} s "
                      f"(CPU {run.cpu:.2f} s)", flush=True)
        if any(run.timed_out for run in result["formulas"]):
            break
    for kind in ("formulas", "values"):
        runs = result[kind]
        timed_out = any(run.timed_out for run in runs)
        result[kind] = median_of([run for run in runs if not run.timed_out]) if not timed_out else {
            "timed_out": True, "timeout_s": timeout}
    if "wall_s" in result["formulas"]:
        for key in ("wall_s", "cpu_s"):
            result[f"ratio_{key}"] = round(result["formulas"][key] / result["values"][key], 3)
        # The first sheet, as LibreOffice computed it from the formulas and as the values copy holds it.
        result["first_sheet_agrees"] = outputs.get("formulas") == outputs.get("values")
    return result


# ---------------------------------------------------------------- check

def plain_open_and_save(workbook: Path, out_dir: Path, timeout: float) -> Run:
    """A plain headless LibreOffice opening ``workbook`` and saving it again as .xlsx, with a fresh
    profile of its own (as any scripted run should have) and LibreOffice's own settings."""
    from workbook.engines.libreoffice import find_soffice

    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="tech-trade-bench-profile-") as profile:
        return run_child([str(find_soffice()), f"-env:UserInstallation={Path(profile).resolve().as_uri()}",
                          "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
                          "--convert-to", "xlsx", "--outdir", str(out_dir), str(workbook.resolve())], timeout=timeout)


def check_command(workbook: Path) -> list[str]:
    return [sys.executable, "-m", "workbook", "check", "--quiet", str(workbook)]


def only_published_differences(checked: Run) -> bool:
    """Whether check found nothing but published figures the synthetic data does not reproduce.

    Synthetic data is not the release's: the Checks sheet rightly says its figures differ without
    a known reason, which costs check nothing more to find.
    """
    lines = [line for line in checked.stdout.splitlines() if line.strip()]
    return checked.status == 1 and bool(lines) and all(
        line.startswith("Checks!") and "without a known reason" in line for line in lines)


def measure_check(label: str, workbook: Path, work: Path, repeats: int, timeout: float) -> dict:
    """``tech-trade check`` and a plain LibreOffice open-and-save, ``repeats`` times each, alternating."""
    folder = work / label / "check"
    result: dict = {"check": [], "open_and_save": []}
    for attempt in range(repeats):
        out_dir = folder / f"saved-{attempt}"
        saved = plain_open_and_save(workbook, out_dir, timeout)
        if saved.status != 0 or not list(out_dir.iterdir()):
            raise SystemExit(f"LibreOffice failed on {workbook} ({saved.status}): {saved.stderr.strip()[-300:]}")
        checked = run_child(check_command(workbook), timeout=timeout, cwd=REPO)
        if checked.status != 0 and not only_published_differences(checked):
            raise SystemExit(f"tech-trade check {workbook} exited {checked.status}: {checked.stderr.strip()[-300:]}")
        result["open_and_save"].append(saved)
        result["check"].append(checked)
        print(f"  {label} run {attempt + 1}/{repeats}: check {checked.wall:.2f} s (CPU {checked.cpu:.2f} s), "
              f"LibreOffice open and save {saved.wall:.2f} s (CPU {saved.cpu:.2f} s)", flush=True)
    for kind in ("check", "open_and_save"):
        result[kind] = median_of(result[kind])
    for key in ("wall_s", "cpu_s"):
        result[f"ratio_{key}"] = round(result["check"][key] / result["open_and_save"][key], 3)
    return result


# ---------------------------------------------------------------- report

def machine() -> dict:
    def first(pattern: str, path: str) -> str:
        try:
            found = re.search(pattern, Path(path).read_text(), re.M)
        except OSError:
            return "unknown"
        return found.group(1).strip() if found else "unknown"

    import numpy
    import pandas
    import xlsxwriter

    try:
        from workbook.engines.libreoffice import find_soffice
        office = subprocess.run([str(find_soffice()), "--version"], capture_output=True, text=True,
                                timeout=120).stdout.strip()
    except Exception as error:  # noqa: BLE001 - reported, not fatal
        office = f"unavailable ({error})"
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=REPO)
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True,
                           cwd=REPO)
    memory_kib = first(r"^MemTotal:\s+(\d+)", "/proc/meminfo")
    return {
        "nproc": os.cpu_count(),
        "cpu": first(r"^model name\s*:\s*(.*)$", "/proc/cpuinfo"),
        "memory_gib": round(int(memory_kib) / 2**20, 1) if memory_kib.isdigit() else memory_kib,
        "os": first(r'^PRETTY_NAME="?([^"\n]*)', "/etc/os-release"),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "pandas": pandas.__version__,
        "numpy": numpy.__version__,
        "xlsxwriter": xlsxwriter.__version__,
        "libreoffice": office,
        "commit": (commit.stdout.strip() or "unknown") + (" with local changes" if dirty.stdout.strip() else ""),
    }


def verdicts(results: dict) -> list[dict]:
    """Each target of the issue with its measured value and pass/fail."""
    rows = []
    builds = results["builds"]

    def add(target: str, what: str, value: float | None, limit: float, note: str = "") -> None:
        rows.append({"target": target, "what": what, "value": value, "limit": limit,
                     "pass": value is not None and value <= limit, "note": note})

    if DEFAULT in builds:
        default = builds[DEFAULT]
        add("default_build_time_ratio", "default build wall time / pandas baseline", default["ratio_wall_s"],
            TARGETS["default_build_time_ratio"], f"CPU time ratio {default['ratio_cpu_s']}")
        add("default_workbook_bytes", "default workbook size in bytes", default["file_bytes"],
            TARGETS["default_workbook_bytes"], f"{default['file_bytes'] / 1e6:.2f} MB")
    if "10x" in builds and "60x" in builds:
        per_row = {label: builds[label]["build"]["wall_s"] / builds[label]["data"]["census_exports_rows"]
                   for label in ("10x", "60x")}
        per_row_cpu = {label: builds[label]["build"]["cpu_s"] / builds[label]["data"]["census_exports_rows"]
                       for label in ("10x", "60x")}
        add("time_per_row_60x_over_10x", "build wall time per Census row, 60x / 10x",
            round(per_row["60x"] / per_row["10x"], 3), TARGETS["time_per_row_60x_over_10x"],
            f"{per_row['10x'] * 1e6:.1f} vs {per_row['60x'] * 1e6:.1f} µs a row; "
            f"CPU {per_row_cpu['60x'] / per_row_cpu['10x']:.3f}")
    for label, entry in builds.items():
        add("peak_memory_ratio", f"{label}: build peak memory / pandas baseline", entry["ratio_peak_mib"],
            TARGETS["peak_memory_ratio"], f"{entry['build']['peak_mib']:.0f} vs {entry['baseline']['peak_mib']:.0f} MiB")
    for label, target in ((DEFAULT, "recalc_ratio_default"), ("10x", "recalc_ratio_10x")):
        recalc = results["recalc"].get(label)
        if recalc is None:
            continue
        if "ratio_wall_s" in recalc:
            add(target, f"{label}: LibreOffice open + recalculation / values-only copy", recalc["ratio_wall_s"],
                TARGETS[target], f"CPU time ratio {recalc['ratio_cpu_s']}")
        else:
            add(target, f"{label}: LibreOffice open + recalculation / values-only copy", None, TARGETS[target],
                "timed out")
    for label, target in ((DEFAULT, "check_ratio_default"), ("10x", "check_ratio_10x")):
        check = results.get("check", {}).get(label)
        if check is not None:
            add(target, f"{label}: tech-trade check / plain LibreOffice open-and-save", check["ratio_wall_s"],
                TARGETS[target], f"{check['check']['wall_s']:.2f} s vs {check['open_and_save']['wall_s']:.2f} s; "
                                 f"CPU time ratio {check['ratio_cpu_s']}")
    return rows


def print_report(results: dict) -> None:
    print("\nBuilds (medians)")
    print(f"{'size':>8} {'rows':>9} {'build s':>8} {'cpu s':>7} {'MiB':>6} {'base s':>7} {'MiB':>6} "
          f"{'t ratio':>7} {'mem ratio':>9} {'file':>9} {'base file':>9}")
    for label, entry in results["builds"].items():
        build, base = entry["build"], entry["baseline"]
        print(f"{label:>8} {entry['data']['census_exports_rows']:>9,} {build['wall_s']:>8.2f} {build['cpu_s']:>7.2f} "
              f"{build['peak_mib']:>6.0f} {base['wall_s']:>7.2f} {base['peak_mib']:>6.0f} {entry['ratio_wall_s']:>7.2f} "
              f"{entry['ratio_peak_mib']:>9.2f} {entry['file_bytes'] / 1e6:>8.2f}M {entry['baseline_file_bytes'] / 1e6:>8.2f}M")
    for label, entry in results.get("rebuilds", {}).items():
        fresh = results["builds"][label]["build"]
        for kind, run in entry.items():
            print(f"{label:>8} built again onto its earlier workbook, {kind}: {run['wall_s']:.2f} s, "
                  f"{run['peak_mib']:.0f} MiB (a fresh build: {fresh['wall_s']:.2f} s, {fresh['peak_mib']:.0f} MiB)")
    past = results.get("past_limit")
    if past:
        print(f"\nPast the limit ({past['data']['census_exports_rows']:,} rows): exit {past['status']}, "
              f"{past['stderr_lines']} line(s), files left {past['files_left']}, {past['wall_s']:.2f} s, "
              f"{past['peak_mib']:.0f} MiB -> {'clean' if past['clean'] else 'NOT CLEAN'}")
        print(f"  {past['stderr']}")
    if results["recalc"]:
        print(f"\nLibreOffice open + full recalculation (medians; converted to {results['settings']['convert_to']})")
        print(f"{'size':>8} {'formulas s':>10} {'cpu s':>7} {'values s':>9} {'cpu s':>7} {'ratio':>6} {'cpu ratio':>9}")
        for label, entry in results["recalc"].items():
            formulas, values = entry["formulas"], entry["values"]
            if "wall_s" not in formulas:
                print(f"{label:>8} {'timeout':>10} {'':>7} {values.get('wall_s', 0):>9.2f} "
                      f"{values.get('cpu_s', 0):>7.2f}   (timed out after {formulas['timeout_s']:.0f} s)")
                continue
            print(f"{label:>8} {formulas['wall_s']:>10.2f} {formulas['cpu_s']:>7.2f} {values['wall_s']:>9.2f} "
                  f"{values['cpu_s']:>7.2f} {entry['ratio_wall_s']:>6.2f} {entry['ratio_cpu_s']:>9.2f}")
    if results.get("check"):
        print("\ntech-trade check against a plain LibreOffice open-and-save as .xlsx (medians)")
        print(f"{'size':>8} {'check s':>8} {'cpu s':>7} {'open+save s':>11} {'cpu s':>7} {'ratio':>6} {'cpu ratio':>9}")
        for label, entry in results["check"].items():
            check, saved = entry["check"], entry["open_and_save"]
            print(f"{label:>8} {check['wall_s']:>8.2f} {check['cpu_s']:>7.2f} {saved['wall_s']:>11.2f} "
                  f"{saved['cpu_s']:>7.2f} {entry['ratio_wall_s']:>6.2f} {entry['ratio_cpu_s']:>9.2f}")
    print("\nTargets")
    for row in results["targets"]:
        value = "n/a" if row["value"] is None else f"{row['value']:.2f}"
        print(f"  {'PASS' if row['pass'] else 'FAIL'}  {row['what']}: {value} (at most {row['limit']}) {row['note']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark tech-trade build and opening its workbooks.")
    parser.add_argument("--sizes", default="1,10,60",
                        help="multiples of the real Census rows to build from synthetic data (default %(default)s)")
    parser.add_argument("--past", type=float, default=66,
                        help="a multiple past what a sheet holds, which must fail cleanly; 0 skips it (default %(default)s)")
    parser.add_argument("--repeats", type=int, default=5,
                        help="runs of each build and baseline up to 10x (default %(default)s)")
    parser.add_argument("--large-repeats", type=int, default=3,
                        help="runs of each build and baseline above 10x (default %(default)s)")
    parser.add_argument("--rebuild", default="default,10",
                        help="sizes to build again onto the earlier workbook, which the build reads first "
                             "(informative, not a target; empty skips; default %(default)s)")
    parser.add_argument("--recalc", default="default,10,60",
                        help="sizes to open in LibreOffice ('default' and multiples; empty skips; default %(default)s)")
    parser.add_argument("--recalc-repeats", type=int, default=3,
                        help="LibreOffice runs of each workbook up to 10x (default %(default)s)")
    parser.add_argument("--large-recalc-repeats", type=int, default=1,
                        help="LibreOffice runs of each workbook above 10x (default %(default)s)")
    parser.add_argument("--check", default="default,10",
                        help="sizes to run tech-trade check on, against LibreOffice opening and saving them "
                             "(empty skips; default %(default)s)")
    parser.add_argument("--check-repeats", type=int, default=3,
                        help="runs of check and of the open-and-save for each size (default %(default)s)")
    parser.add_argument("--timeout", type=float, default=600,
                        help="seconds one LibreOffice run may take before it is stopped (default %(default)s)")
    parser.add_argument("--convert-to", default="csv",
                        help="what LibreOffice saves after recalculating: csv writes only the first sheet, so the "
                             "time is opening and recalculating (default %(default)s; 'xlsx' adds a full save)")
    parser.add_argument("--work", type=Path, help="folder for data and workbooks (default: a temporary one)")
    parser.add_argument("--out", type=Path, default=HERE / "results.json", help="results file (default %(default)s)")
    args = parser.parse_args(argv)

    sizes = [float(size) for size in args.sizes.split(",") if size.strip()]
    recalc = [item.strip() for item in args.recalc.split(",") if item.strip()]
    rebuild = [item.strip() for item in args.rebuild.split(",") if item.strip()]
    check = [item.strip() for item in args.check.split(",") if item.strip()]
    work = args.work or Path(tempfile.mkdtemp(prefix="tech-trade-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    # The package's modules compiled to bytecode first, as pip compiles an installed package's:
    # where PYTHONDONTWRITEBYTECODE is set (or the checkout is fresh), every build would otherwise
    # compile them again: about 0.1 s of CPU a default build (measured), which a user's tool does not spend.
    compileall.compile_dir(str(REPO / "workbook"), quiet=1)
    started = time.perf_counter()
    results = {
        "machine": machine(),
        "settings": {"sizes": sizes, "past": args.past, "repeats": args.repeats,
                     "large_repeats": args.large_repeats, "recalc": recalc,
                     "recalc_repeats": args.recalc_repeats, "large_recalc_repeats": args.large_recalc_repeats,
                     "timeout_s": args.timeout, "convert_to": args.convert_to,
                     "check": check, "check_repeats": args.check_repeats,
                     "command": " ".join([Path(sys.executable).name, "benchmarks/run.py", *(argv or sys.argv[1:])])},
        "load_average_start": os.getloadavg(),
        "builds": {},
        "rebuilds": {},
        "recalc": {},
        "check": {},
    }
    print(f"machine: {results['machine']}")
    print(f"working in {work}")

    real = synthetic.describe(synthetic.DATA)
    print("default snapshot (bundled data)")
    results["builds"][DEFAULT] = {"data": real, **measure_builds(DEFAULT, None, work, args.repeats)}
    for factor in sizes:
        shape = synthetic.shape_for(factor)
        folder = work / f"data-{shape.label}"
        print(f"{shape.label}: writing synthetic data ({shape.years} years, {shape.categories} categories)")
        described = write_synthetic(shape.factor, folder)
        repeats = args.repeats if factor <= 10 else args.large_repeats
        results["builds"][shape.label] = {"data": described,
                                          **measure_builds(shape.label, folder, work, repeats)}
    if args.past:
        shape = synthetic.shape_for(args.past)
        folder = work / f"data-{shape.label}"
        print(f"{shape.label}: writing synthetic data past the limit ({shape.years} years, {shape.categories} categories)")
        described = write_synthetic(shape.factor, folder)
        results["past_limit"] = {"data": described, **measure_past_limit(shape.label, folder, work)}
        shutil.rmtree(folder, ignore_errors=True)

    for item in rebuild:
        label = DEFAULT if item == DEFAULT else synthetic.shape_for(float(item)).label
        if label not in results["builds"]:
            continue
        print(f"{label}: building again onto the earlier workbook")
        data = None if label == DEFAULT else work / f"data-{label}"
        results["rebuilds"][label] = measure_rebuild(label, data, work, args.large_repeats)

    for item in recalc:
        label = DEFAULT if item == DEFAULT else synthetic.shape_for(float(item)).label
        if label not in results["builds"]:
            print(f"{label}: not built, so not opened in LibreOffice")
            continue
        factor = results["builds"][label]["data"]["factor"]
        repeats = args.recalc_repeats if factor == "real" or factor <= 10 else args.large_recalc_repeats
        print(f"{label}: LibreOffice open + recalculation, {repeats} run(s) each")
        results["recalc"][label] = measure_recalc(label, Path(results["builds"][label]["workbook"]), work, repeats,
                                                  args.timeout, args.convert_to)

    for item in check:
        label = DEFAULT if item == DEFAULT else synthetic.shape_for(float(item)).label
        if label not in results["builds"]:
            print(f"{label}: not built, so not checked")
            continue
        print(f"{label}: tech-trade check against LibreOffice's open-and-save, {args.check_repeats} run(s) each")
        results["check"][label] = measure_check(label, Path(results["builds"][label]["workbook"]), work,
                                                args.check_repeats, args.timeout)

    results["targets"] = verdicts(results)
    results["load_average_end"] = os.getloadavg()
    results["total_s"] = round(time.perf_counter() - started, 1)
    for entry in results["builds"].values():
        entry.pop("workbook", None)
    print_report(results)
    print(f"\ntotal {results['total_s']:.0f} s; load average {results['load_average_start']} -> "
          f"{results['load_average_end']}")
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
