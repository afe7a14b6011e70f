#!/usr/bin/env bash
# Reads rollplan's env target back with every reader docs/emit.md claims (bash, dash,
# python-dotenv, Node's dotenv) on hostile values: tests/env_readers/check.py.
# python-dotenv comes from tests/clients/requirements.txt into the clients' virtual environment
# (.ci/clients.sh makes it); Node's dotenv from tests/env_readers/package-lock.json into
# target/env-readers.
#
#   .ci/env_readers.sh            # after .ci/clients.sh has made the venv
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
venv="${VENV:-$root/target/clients-venv}"
node_dir="$root/target/env-readers"

if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c "import dotenv" 2>/dev/null; then
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
        "$(grep '^python-dotenv==' tests/clients/requirements.txt)"
fi
for tool in node npm dash; do
    command -v "$tool" >/dev/null || { echo "env_readers.sh: needs $tool" >&2; exit 2; }
done
mkdir -p "$node_dir"
if ! cmp -s tests/env_readers/package-lock.json "$node_dir/package-lock.json"; then
    cp tests/env_readers/package.json tests/env_readers/package-lock.json "$node_dir/"
    (cd "$node_dir" && npm ci --silent --no-audit --no-fund)
fi

cargo build --quiet --bin rollplan
export ROLLPLAN="$root/target/debug/rollplan" ENV_READERS_NODE="$node_dir"
exec "$venv/bin/python" tests/env_readers/check.py \
    tests/env_readers/hostile.roll plans/entity.roll plans/examples/*.roll \
    tests/clients/plans/*.roll
