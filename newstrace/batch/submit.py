"""The spark-submit entry point: `spark-submit …/submit.py INPUT… --out DIR`.

The arguments are those of `newstrace batch`; the engine is Spark and the master is the one
spark-submit was given (`--master`), so the same file runs on YARN, Kubernetes or standalone.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from newstrace.cli import main


def submit(argv: Sequence[str]) -> int:
    """`newstrace batch ARGV --engine spark`, with spark-submit's master."""
    return main(["batch", *argv, "--engine", "spark"])


if __name__ == "__main__":
    sys.exit(submit(sys.argv[1:]))
