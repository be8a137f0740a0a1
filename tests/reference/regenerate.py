"""Write tests/reference/default/ anew from a fresh default build: run after a deliberate change of output.

    python3 tests/reference/regenerate.py

Review the change with ``git diff tests/reference/`` and commit it with the change that caused it,
saying why the output changed. tests/test_reference.py compares every build with this reference.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reference_build import regenerate  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(regenerate())
