"""The package passes the type checker, strict on the whole of ``workbook/``, as CI runs it
(``python3 -m mypy``, configured in pyproject.toml's ``[tool.mypy]``).

CI runs the checker before the tests; this test makes a plain ``python3 -m pytest`` check
the types too (quickly: mypy keeps its cache in ``.mypy_cache/``).
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tomllib

import pytest

from helpers import REPO, running_in_ci


def test_the_checker_covers_the_whole_package_strictly():
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
    assert config["strict"] is True
    assert config["files"] == ["workbook"]


def test_the_package_passes_the_type_checker():
    if importlib.util.find_spec("mypy") is None:
        # Outside CI a developer may not have the test extras; CI must not pass by skipping.
        if running_in_ci():
            pytest.fail("CI needs mypy: install the package with its test extras", pytrace=False)
        pytest.skip("mypy is not installed (python3 -m pip install -e '.[test]')")
    result = subprocess.run([sys.executable, "-m", "mypy"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, f"the type checker found problems:\n{result.stdout}{result.stderr}"
