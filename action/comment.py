#!/usr/bin/env python3
"""Builds the one pull-request comment of the rollplan Action (action.yml).

For each `.roll` file that the pull request adds, modifies or renames (between the base commit
named in the event payload and HEAD), it runs `rollplan check` and
`rollplan diff git:BASE:PATH PATH --format markdown [--fail-on risk]`, and writes one Markdown
body, starting with a hidden marker by which the Action finds the comment to update on the
next push. Outputs (to $GITHUB_OUTPUT when set, else stdout): `body` (the file written),
`plans` (how many changed), `failed` (a plan does not check or compile), `risky` (a change is
classified as risky).

Environment: GITHUB_EVENT_PATH (the pull_request event payload), ROLLPLAN (the binary; default
`rollplan`), FAIL_ON (`risk` or `none`), PATHS (a git pathspec; default `*.roll`).
Usage: comment.py BODY_FILE
"""

import json
import os
import subprocess
import sys

MARKER = "<!-- rollplan-action -->"


def git(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], capture_output=True, text=True)


def rollplan(*args: str) -> subprocess.CompletedProcess:
    binary = os.environ.get("ROLLPLAN", "rollplan")
    env = dict(os.environ, NO_COLOR="1")
    env.pop("CLICOLOR_FORCE", None)
    return subprocess.run([binary, *args], capture_output=True, text=True, env=env)


def fenced(text: str) -> str:
    fence = "```"
    while fence in text:
        fence += "`"
    return f"{fence}text\n{text.rstrip()}\n{fence}"


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    body_path = sys.argv[1]
    with open(os.environ["GITHUB_EVENT_PATH"], encoding="utf-8") as f:
        event = json.load(f)
    pull = event.get("pull_request")
    if not pull:
        print("error: the event is not a pull request", file=sys.stderr)
        return 2
    base = pull["base"]["sha"]
    fail_on_risk = os.environ.get("FAIL_ON", "none") == "risk"
    pathspec = os.environ.get("PATHS", "*.roll")

    changed = git("diff", "--name-only", "--diff-filter=AMR", f"{base}...HEAD", "--", pathspec)
    if changed.returncode != 0:
        print(f"error: git diff failed: {changed.stderr.strip()}", file=sys.stderr)
        return 2
    plans = [p for p in changed.stdout.splitlines() if p]

    sections = [MARKER]
    failed = risky = False
    if not plans:
        sections.append("## rollplan\n\nNo plan changed in this pull request.")
    for plan in plans:
        check = rollplan("check", plan)
        if check.returncode != 0:
            failed = True
            sections.append(
                f"## rollplan check: `{plan}` fails\n\n{fenced(check.stderr or check.stdout)}"
            )
        if git("cat-file", "-e", f"{base}:{plan}").returncode != 0:
            sections.append(
                f"## rollplan diff: `{plan}`\n\nA new plan: there is nothing in the base to compare it with."
            )
            continue
        args = ["diff", f"git:{base}:{plan}", plan, "--format", "markdown"]
        if fail_on_risk:
            args += ["--fail-on", "risk"]
        diff = rollplan(*args)
        if diff.returncode in (0, 1, 3):
            sections.append(diff.stdout.rstrip())
            risky = risky or diff.returncode == 3
        else:
            failed = True
            sections.append(
                f"## rollplan diff: `{plan}` could not be compared\n\n{fenced(diff.stderr or diff.stdout)}"
            )

    body = "\n\n".join(sections) + "\n"
    with open(body_path, "w", encoding="utf-8") as f:
        f.write(body)
    outputs = f"body={body_path}\nplans={len(plans)}\nfailed={int(failed)}\nrisky={int(risky)}\n"
    out_file = os.environ.get("GITHUB_OUTPUT")
    if out_file:
        with open(out_file, "a", encoding="utf-8") as f:
            f.write(outputs)
    else:
        sys.stdout.write(outputs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
