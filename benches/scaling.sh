#!/bin/sh
# Whole-process figures for docs/performance.md: `check` of plans/entity.roll against the
# read-only floor, and `check` of 1, 10 and 50 MB synthetic plans (time, MB/s, peak memory).
# Needs hyperfine (`apt-get install -y hyperfine`) and GNU time (/usr/bin/time). Run from the
# repository root:  benches/scaling.sh [RUNS]   (default 5 runs per plan size)
set -eu
runs=${1:-5}
cargo build --quiet --release --bin rollplan --example synth --example read_only
dir=target/synth
mkdir -p "$dir"
for phases in 1000 10000 50000; do
    [ -s "$dir/p$phases.roll" ] ||
        target/release/examples/synth --phases "$phases" --flags 100 --seed 1 > "$dir/p$phases.roll"
done

echo "== check plans/entity.roll against the read-only floor (medians of 200 runs)"
hyperfine -N --warmup 20 --runs 200 --export-json "$dir/entity.json" \
    'target/release/examples/read_only plans/entity.roll' \
    'target/release/rollplan check plans/entity.roll' > /dev/null
python3 - "$dir/entity.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
floor, check = r[0]["median"] * 1e3, r[1]["median"] * 1e3
print(f"read_only {floor:.3f} ms   check {check:.3f} ms   ratio {check / floor:.2f} (target <= 1.5)")
PY

echo "== check of synthetic plans (100 flags; medians of $runs runs)"
for phases in 1000 10000 50000; do
    f="$dir/p$phases.roll"
    hyperfine -N --warmup 1 --runs "$runs" --export-json "$dir/p$phases.json" \
        "target/release/rollplan check $f" > /dev/null
    rss=$( { /usr/bin/time -f '%M' target/release/rollplan check "$f" > /dev/null; } 2>&1 | tail -1)
    python3 - "$dir/p$phases.json" "$f" "$rss" <<'PY'
import json, os, sys
median = json.load(open(sys.argv[1]))["results"][0]["median"]
size = os.path.getsize(sys.argv[2])
rss = int(sys.argv[3]) * 1024
print(f"{size / 1e6:6.2f} MB  {median:7.3f} s  {size / 1e6 / median:6.2f} MB/s  "
      f"peak {rss / 1e6:7.1f} MB = {rss / size:5.1f}x input")
PY
done
