"""Shared set-up of the client suite: where the repository, the rollplan binary, the plans and
the official flagd schemas are, and the emitted files of every plan (emitted once per run)."""

import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def rollplan_binary() -> Path:
    """`$ROLLPLAN`, else the debug build (`.ci/clients.sh` builds it)."""
    named = os.environ.get("ROLLPLAN")
    return Path(named) if named else ROOT / "target" / "debug" / "rollplan"


def schema_dir() -> Path:
    """`$FLAGD_SCHEMAS`, else `../shared/schemas/flagd` beside the repository (as in CI)."""
    named = os.environ.get("FLAGD_SCHEMAS")
    return Path(named) if named else ROOT.parent / "shared" / "schemas" / "flagd"


def plans() -> list[Path]:
    """Every plan in `plans/` (recursively) and the suite's own fixtures."""
    found = sorted(ROOT.glob("plans/**/*.roll")) + sorted(
        (ROOT / "tests" / "clients" / "plans").glob("*.roll")
    )
    return [p.relative_to(ROOT) for p in found]


def run_rollplan(*args: str) -> str:
    done = subprocess.run(
        [str(rollplan_binary()), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise AssertionError(f"rollplan {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


class Emitted:
    """One plan: its JSON contract (the reference) and the folder of client files."""

    def __init__(self, plan: Path, out: Path):
        self.plan = plan
        self.out = out
        self.contract = json.loads(run_rollplan("emit", "--target", "json", str(plan)))
        for target in ("json", "flagd", "launchdarkly", "unleash"):
            run_rollplan("emit", "--target", target, "--out", str(out), str(plan))

    def configurations(self):
        """(file stem, expected flags) for every phase and every rollback file."""
        phases = self.contract["phases"]
        width = max(2, len(str(len(phases))))
        for n, phase in enumerate(phases, start=1):
            stem = f"{n:0{width}d}-{phase['id']}"
            yield stem, phase["flags"]
            if phase["rollback"] is not None:
                yield f"{stem}.rollback", phase["rollback"]["flags"]


@pytest.fixture(scope="session")
def emitted(tmp_path_factory) -> dict[str, Emitted]:
    out = {}
    for plan in plans():
        folder = tmp_path_factory.mktemp(plan.stem)
        out[str(plan)] = Emitted(plan, folder)
    return out
