#!/bin/sh
# Seeds the fuzz corpus of every target. Plan targets (`check`, `fmt`) get the plans in the
# repository: plans/, every `.roll` under tests/, and a few small synthetic plans. The `scenario`
# target reads YAML instead: it gets examples/scenarios/*.yaml and the scenarios written in
# tests/simulate_scenario.rs. Run from the repository root:
#   fuzz/seed.sh [TARGET...]      (default: every target in fuzz/fuzz_targets/)
# The corpus lives in fuzz/corpus/TARGET/ (not committed; libFuzzer grows it as it runs).
set -eu
cd "$(dirname "$0")/.."
targets="$*"
if [ -z "$targets" ]; then
    targets=$(ls fuzz/fuzz_targets | sed 's/\.rs$//')
fi
cargo build --quiet --release --example synth
for target in $targets; do
    dir="fuzz/corpus/$target"
    mkdir -p "$dir"
    if [ "$target" = scenario ]; then
        for f in examples/scenarios/*.yaml; do
            cp "$f" "$dir/$(basename "$f")"
        done
        # The scenarios of tests/simulate_scenario.rs, one file each.
        n=0
        for s in \
            'full_prodution:\n  - error_rate: 0.3%\n' \
            'read_only:\n  - prod_errors: 0\n    error_rate: 0.3%\n' \
            'full_production:\n  - {error_rate: 0.05%}\n  - {consistency_preservd: passed}\n' \
            'full_production:\n  - error_rate: 0.3\n' \
            'read_only:\n  - prod_errors: 1.5\n' \
            'full_production:\n  - error_rate: 0.3 pct\n' \
            'full_production:\n  - latency_delta: 12ms\n' \
            'full_production:\n  - consistency_preserved: maybe\n' \
            'full_production:\n  - error_rate: [0.3%\n' \
            'full_production: {error_rate: 0.3%}\n' \
            'nope: []\nfull_production:\n  - error_rate: 3\n    bogus: passed\n' \
            "full_production:\n  - {error_rate: 0.1%, latency_delta: 10%}\n  - {error_rate: '0.09%'}\n" \
            'a:\n  - ready: inconclusive\n  - ready: inconclusive\n  - ready: inconclusive\n' \
            '{full_production: [{error_rate: 0.3%}]}\n' \
            'read_only:\n  - prod_errors: &a 1\n  - prod_errors: *a\n'; do
            n=$((n + 1))
            printf '%b' "$s" > "$dir/test_$n.yaml"
        done
        continue
    fi
    find plans tests -name '*.roll' -type f | while read -r f; do
        cp "$f" "$dir/$(echo "$f" | tr '/' '_')"
    done
    for seed in 1 2 3; do
        target/release/examples/synth --phases $((seed * 2)) --flags $((seed * 5)) --seed "$seed" \
            > "$dir/synth_$seed.roll"
    done
done
