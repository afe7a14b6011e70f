"""The Action's comment builder (action/comment.py) run as the Action runs it, on a git
repository with two commits and a fake pull_request event payload: no GitHub runner is here.
Also the pre-commit hooks' entries (.pre-commit-hooks.yaml) run as pre-commit would run them.

Run from the repository root after `cargo build`: python3 -m pytest tests/action
"""

import json
import os
import pathlib
import shlex
import subprocess

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
ROLLPLAN = os.environ.get("ROLLPLAN", str(ROOT / "target" / "debug" / "rollplan"))
SCRIPT = ROOT / "action" / "comment.py"
PLAN = (ROOT / "tests" / "lsp" / "demo.roll").read_text(encoding="utf-8")


def git(repo, *args):
    return subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True
    ).stdout.strip()


@pytest.fixture
def repo(tmp_path):
    """A repository whose base commit has two plans; HEAD changes one, adds one, and touches
    a non-plan file."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "ci@example.invalid")
    git(repo, "config", "user.name", "CI")
    (repo / "plans").mkdir()
    (repo / "plans" / "demo.roll").write_text(PLAN, encoding="utf-8")
    (repo / "plans" / "same.roll").write_text(PLAN, encoding="utf-8")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "base")
    base = git(repo, "rev-parse", "HEAD")
    # Widening: the canary now reaches everyone, a risky change.
    changed = PLAN.replace(
        "set checkout.v2 = true when region == eu else false", "set checkout.v2 = true"
    )
    (repo / "plans" / "demo.roll").write_text(changed, encoding="utf-8")
    (repo / "plans" / "new.roll").write_text(PLAN, encoding="utf-8")
    (repo / "README.md").write_text("plans\n", encoding="utf-8")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "head")
    return repo, base


def build(repo, base, tmp_path, **env):
    event = tmp_path / "event.json"
    event.write_text(
        json.dumps(
            {
                "action": "synchronize",
                "number": 7,
                "pull_request": {
                    "number": 7,
                    "base": {"ref": "main", "sha": base},
                    "head": {"ref": "change", "sha": git(repo, "rev-parse", "HEAD")},
                },
            }
        ),
        encoding="utf-8",
    )
    outputs = tmp_path / "outputs"
    outputs.write_text("", encoding="utf-8")
    body = tmp_path / "comment.md"
    result = subprocess.run(
        ["python3", str(SCRIPT), str(body)],
        cwd=repo,
        capture_output=True,
        text=True,
        env=dict(
            os.environ,
            GITHUB_EVENT_PATH=str(event),
            GITHUB_OUTPUT=str(outputs),
            ROLLPLAN=ROLLPLAN,
            **env,
        ),
    )
    assert result.returncode == 0, result.stderr
    values = dict(line.split("=", 1) for line in outputs.read_text().splitlines())
    return body.read_text(encoding="utf-8"), values


def test_one_comment_for_every_changed_plan(repo, tmp_path):
    repo, base = repo
    body, out = build(repo, base, tmp_path, FAIL_ON="risk")
    assert body.startswith("<!-- rollplan-action -->\n")
    assert out["plans"] == "2", "demo.roll and new.roll changed; same.roll and README did not"
    assert "## rollplan diff" in body and "`plans/demo.roll`" in body
    assert "checkout.v2" in body, "the diff names the widened flag"
    assert "A new plan" in body and "plans/new.roll" in body
    assert "same.roll" not in body
    assert out["risky"] == "1" and out["failed"] == "0"


def test_without_fail_on_risk_nothing_is_risky(repo, tmp_path):
    repo, base = repo
    _, out = build(repo, base, tmp_path, FAIL_ON="none")
    assert out["risky"] == "0"


def test_a_plan_that_does_not_check_fails_and_is_shown(repo, tmp_path):
    repo, base = repo
    broken = PLAN.replace("set mode = modern", "set mdoe = modern")
    (repo / "plans" / "demo.roll").write_text(broken, encoding="utf-8")
    git(repo, "commit", "-q", "-am", "break it")
    body, out = build(repo, base, tmp_path)
    assert out["failed"] == "1"
    assert "## rollplan check: `plans/demo.roll` fails" in body
    assert "flag `mdoe` is not declared" in body
    assert "\x1b" not in body, "no colour codes in a comment"


def test_the_pre_commit_hooks_run_their_entries(tmp_path):
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert set(hooks) == {"rollplan-fmt", "rollplan-check"}
    good = tmp_path / "good.roll"
    good.write_text(PLAN, encoding="utf-8")
    subprocess.run([ROLLPLAN, "fmt", str(good)], check=True)
    bad = tmp_path / "bad.roll"
    bad.write_text(PLAN.replace("set mode = modern", "set mdoe = modern"), encoding="utf-8")
    subprocess.run([ROLLPLAN, "fmt", str(bad)], check=True)
    env = dict(os.environ, PATH=f"{pathlib.Path(ROLLPLAN).parent}:{os.environ['PATH']}")

    def run(hook, *files):
        # pre-commit splits the entry like a shell and appends the file names.
        entry = shlex.split(hooks[hook]["entry"])
        return subprocess.run([*entry, *map(str, files)], env=env, capture_output=True).returncode

    assert run("rollplan-check", good) == 0
    assert run("rollplan-check", good, bad) == 1
    assert run("rollplan-fmt", good, bad) == 0
    unformatted = tmp_path / "unformatted.roll"
    unformatted.write_text(PLAN, encoding="utf-8")
    assert run("rollplan-fmt", good, unformatted) == 1
