#!/usr/bin/env bash
# Hands the emitted flagd, LaunchDarkly and Unleash files to the real Python clients
# (tests/clients/). Needs only python3 (with venv and pip) and cargo; the clients come from PyPI
# at the versions pinned in tests/clients/requirements.txt, into a virtual environment.
#
#   .ci/clients.sh            # build rollplan, create/refresh the venv, run the suite
#   VENV=/tmp/v .ci/clients.sh -k flagd   # extra arguments go to pytest
#
# FLAGD_SCHEMAS points at the official flagd schemas (default: ../shared/schemas/flagd).
# tests/clients/test_shares.py evaluates 100,000 units per phase of every plan with shares
# through each client (about 3 CPU-minutes, split over up to four worker processes);
# ROLLPLAN_SHARE_UNITS=10000 makes a quick local run.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
venv="${VENV:-$root/target/clients-venv}"
requirements="tests/clients/requirements.txt"

if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
# Reinstall only when the pins change.
stamp="$venv/.requirements"
if ! cmp -s "$requirements" "$stamp"; then
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
    cp "$requirements" "$stamp"
fi

cargo build --quiet --bin rollplan
export ROLLPLAN="${ROLLPLAN:-$root/target/debug/rollplan}"
export FLAGD_SCHEMAS="${FLAGD_SCHEMAS:-$root/../shared/schemas/flagd}"
if [ ! -f "$FLAGD_SCHEMAS/flags.json" ]; then
    echo "clients.sh: no flagd schemas in $FLAGD_SCHEMAS (set FLAGD_SCHEMAS)" >&2
    exit 2
fi
export PYTHONDONTWRITEBYTECODE=1
exec "$venv/bin/python" -m pytest -q -p no:cacheprovider tests/clients "$@"
