"""A program the tool runs beside itself (IronCalc's child, the schema validator): waited for
within a time, and stopped and reaped when it runs past it or is no longer wanted.

LibreOffice is run in a process group of its own, which its runner stops whole
(:mod:`workbook.engines.libreoffice`).
"""

from __future__ import annotations

import subprocess


def output_within(process: subprocess.Popen[str], seconds: float) -> tuple[str, str] | None:
    """What ``process`` printed (standard output, standard error) once it ends; None where it
    runs past ``seconds``: it is then stopped and reaped."""
    try:
        return process.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        stop(process)
        return None


def stop(process: subprocess.Popen[str]) -> None:
    """Stop ``process`` if it still runs, and reap it."""
    if process.returncode is None:
        process.kill()
        process.communicate()
