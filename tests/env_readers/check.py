"""Reads every env file rollplan emits for the plans given with every reader docs/emit.md
claims (bash and dash sourcing it with `set -a`, python-dotenv, Node's dotenv) and checks that
each reads back exactly the values of the JSON target: strings byte for byte, booleans and
integers as their text, scoped values as the same JSON object. Also checks that sourcing ran
nothing (no `pwned` file appears).

    python check.py PLAN...    # with ROLLPLAN (the binary) and ENV_READERS_NODE (the folder
                               # holding node_modules/dotenv) set; run by .ci/env_readers.sh
"""

import json
import os
import re
import subprocess
import sys
import tempfile

from dotenv import dotenv_values

ROLLPLAN = os.environ["ROLLPLAN"]
NODE_DIR = os.environ["ENV_READERS_NODE"]
HERE = os.path.dirname(os.path.abspath(__file__))

DUMP = "import json, os, sys; print(json.dumps({k: os.environ.get(k) for k in sys.argv[1:]}))"


def variable(name):
    return re.sub(r"[^A-Za-z0-9]", "_", name).upper()


def expected(doc):
    """{file name suffix: {VARIABLE: value}} from the JSON target's phases."""
    out = {}
    for n, phase in enumerate(doc["phases"], 1):
        prefix = f"{n:02d}-{phase['id']}"
        out[f"{prefix}.env"] = phase["flags"]
        if phase.get("rollback"):
            out[f"{prefix}.rollback.env"] = phase["rollback"]["flags"]
    return out


def same(flag_value, read):
    if isinstance(flag_value, bool):
        return read == ("true" if flag_value else "false")
    if isinstance(flag_value, int):
        return read == str(flag_value)
    if isinstance(flag_value, str):
        return read == flag_value
    try:
        return json.loads(read) == flag_value
    except (TypeError, ValueError):
        return False


def readers(path, names, cwd):
    shell = 'set -a; . "$1"; shift; exec "$0" -c "$DUMP" "$@"'
    env = dict(os.environ, DUMP=DUMP, HOME="/nonexistent-home")
    for sh in ("bash", "dash"):
        run = subprocess.run(
            [sh, "-c", shell, sys.executable, path, *names],
            capture_output=True, text=True, cwd=cwd, env=env, check=False,
        )
        yield sh, (json.loads(run.stdout) if run.returncode == 0 else run.stderr)
    yield "python-dotenv", dict(dotenv_values(path))
    node = subprocess.run(
        ["node", os.path.join(HERE, "read.js"), path],
        capture_output=True, text=True, cwd=cwd, check=False,
        env=dict(os.environ, NODE_PATH=os.path.join(NODE_DIR, "node_modules")),
    )
    yield "node dotenv", (json.loads(node.stdout) if node.returncode == 0 else node.stderr)


def main(plans):
    failures = 0
    checked = 0
    for plan in plans:
        doc = json.loads(subprocess.run(
            [ROLLPLAN, "emit", "--target", "json", plan],
            capture_output=True, text=True, check=True,
        ).stdout)
        with tempfile.TemporaryDirectory() as out, tempfile.TemporaryDirectory() as cwd:
            subprocess.run([ROLLPLAN, "emit", "--target", "env", "--out", out, plan],
                           check=True, capture_output=True)
            want = expected(doc)
            files = sorted(f for f in os.listdir(out) if f.endswith(".env"))
            if sorted(want) != files:
                print(f"{plan}: files {files}, expected {sorted(want)}")
                failures += 1
            for name in files:
                flags = want.get(name, {})
                names = [variable(f) for f in flags]
                for reader, got in readers(os.path.join(out, name), names, cwd):
                    if not isinstance(got, dict):
                        print(f"{plan} {name}: {reader} failed: {got}")
                        failures += 1
                        continue
                    for flag, value in flags.items():
                        checked += 1
                        if not same(value, got.get(variable(flag))):
                            failures += 1
                            print(f"{plan} {name}: {reader} read {variable(flag)} as "
                                  f"{got.get(variable(flag))!r}, expected {value!r}")
            if os.listdir(cwd):
                print(f"{plan}: sourcing created {os.listdir(cwd)}")
                failures += 1
    print(f"env readers: {checked} values checked, {failures} failures")
    return 1 if failures or not checked else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
