"""The benchmarks' own tools keep up with the code they measure: bench/stages.py wraps
functions by name, so a function renamed or moved would break `make bench` only after the
twenty minutes it takes to get there."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import ROOT


def test_the_stage_timer_runs_a_build_and_times_every_stage(site):
    site.write_settings(HOLDSPACE_WORKERS=1)  # as benchconf.py does with --workers 1: all in one process
    site.post("t")
    for i in range(6):
        site.comment("t", f"c{i}", f"Words {i} about tea and the garden.", date=f"2025-01-0{i + 2} 10:00")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "plugins")}
    result = subprocess.run([sys.executable, str(ROOT / "bench" / "stages.py"), str(site.root),
                             str(site.root / "pelicanconf.py"), "--workers", "1"],
                            cwd=site.root, env=env, capture_output=True, text=True, timeout=180)  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    data = json.loads(result.stdout.strip().splitlines()[-1])
    stages = data["stages"]
    assert set(stages) == {"read", "check", "markdown", "sanitize", "tree", "templates", "write", "index", "export",
                           "other"}  # fmt: skip
    assert all(stages[name] > 0 for name in ("read", "markdown", "templates", "write", "index", "export")), str(stages)
    assert (site.root / "output" / "search" / "data" / "manifest.json").is_file()
