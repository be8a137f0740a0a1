"""A program run beside the tool is waited for within its time, and stopped and reaped past it."""

from __future__ import annotations

import subprocess
import sys

from workbook.engines.child import output_within, stop


def start(code: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_a_program_that_ends_in_time_gives_what_it_printed():
    process = start("import sys; print('values'); print('a warning', file=sys.stderr)")
    assert output_within(process, 60) == ("values\n", "a warning\n")
    assert process.returncode == 0


def test_a_program_past_its_time_is_stopped_and_reaped():
    process = start("import time; time.sleep(60)")
    assert output_within(process, 0.5) is None
    assert process.returncode is not None and process.returncode != 0


def test_stopping_a_program_that_still_runs_reaps_it_and_an_ended_one_is_left_alone():
    running = start("import time; time.sleep(60)")
    stop(running)
    assert running.returncode is not None and running.returncode != 0
    ended = start("pass")
    ended.communicate()
    stop(ended)
    assert ended.returncode == 0
