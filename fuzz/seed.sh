#!/bin/sh
# Seeds the fuzz corpus of every target from the plans in the repository: plans/, every `.roll`
# under tests/, and a few small synthetic plans. Run from the repository root:
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
    find plans tests -name '*.roll' -type f | while read -r f; do
        cp "$f" "$dir/$(echo "$f" | tr '/' '_')"
    done
    for seed in 1 2 3; do
        target/release/examples/synth --phases $((seed * 2)) --flags $((seed * 5)) --seed "$seed" \
            > "$dir/synth_$seed.roll"
    done
done
