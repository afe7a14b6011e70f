#!/bin/sh
# Whole-process figures for docs/performance.md: `check` of plans/entity.roll against the
# read-only floor, and `check` of 1, 10 and 50 MB synthetic plans with 100 flags and of a 10 MB
# plan with 1,000 flags (time, MB/s, peak memory).
# Needs hyperfine (`apt-get install -y hyperfine`) and GNU time (/usr/bin/time). Run from the
# repository root:  benches/scaling.sh [RUNS]   (default 5 runs per plan size)
set -eu
runs=${1:-5}
cargo build --quiet --release --bin rollplan --example synth --example read_only
dir=target/synth
mkdir -p "$dir"
# Each shape is PHASES:FLAGS; the plan of 1,000 flags is the shape whose flag states dominate.
shapes="1000:100 10000:100 50000:100 10000:1000"
plan() { if [ "$2" = 100 ]; then echo "$dir/p$1.roll"; else echo "$dir/p$1-f$2.roll"; fi; }
for shape in $shapes; do
    phases=${shape%:*} flags=${shape#*:}
    f=$(plan "$phases" "$flags")
    [ -s "$f" ] || target/release/examples/synth --phases "$phases" --flags "$flags" --seed 1 > "$f"
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

echo "== check of synthetic plans (time: medians of $runs runs; peak RSS: median of 3)"
for shape in $shapes; do
    phases=${shape%:*} flags=${shape#*:}
    f=$(plan "$phases" "$flags")
    hyperfine -N --warmup 1 --runs "$runs" --export-json "$f.json" \
        "target/release/rollplan check $f" > /dev/null
    rss=$(for _ in 1 2 3; do
        { /usr/bin/time -f '%M' target/release/rollplan check "$f" > /dev/null; } 2>&1 | tail -1
    done | sort -n | sed -n 2p)
    python3 - "$f.json" "$f" "$rss" "$flags" <<'PY'
import json, os, sys
median = json.load(open(sys.argv[1]))["results"][0]["median"]
size = os.path.getsize(sys.argv[2])
rss = int(sys.argv[3]) * 1024
print(f"{size / 1e6:6.2f} MB, {sys.argv[4]:>4} flags  {median:7.3f} s  {size / 1e6 / median:6.2f} MB/s  "
      f"peak {rss / 1e6:7.1f} MB = {rss / size:5.1f}x input (target <= 16)")
PY
done
