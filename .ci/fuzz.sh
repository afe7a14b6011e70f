#!/usr/bin/env bash
# Runs every cargo-fuzz target for a short fixed time (FUZZ_SECONDS, default 20 s each), the way
# fuzz/README.md runs them: cargo-fuzz on the stable toolchain with RUSTC_BOOTSTRAP=1. A crash
# fails the run and leaves its input in fuzz/artifacts/TARGET/. Longer runs: fuzz/README.md.
#
#   .ci/fuzz.sh                  # every target in fuzz/fuzz_targets/, 20 s each
#   FUZZ_SECONDS=600 .ci/fuzz.sh emit
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
seconds="${FUZZ_SECONDS:-20}"
targets="$*"
if [ -z "$targets" ]; then
    targets=$(ls fuzz/fuzz_targets | sed 's/\.rs$//')
fi
export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install --quiet --locked cargo-fuzz --version 0.13.2
fi
# The seed corpus, copied (fuzz/seed.sh also adds synthetic plans, which needs a release build).
for target in $targets; do
    mkdir -p "fuzz/corpus/$target"
    if [ "$target" = scenario ]; then
        cp examples/scenarios/*.yaml "fuzz/corpus/$target/"
    else
        find plans tests -name '*.roll' -type f | while read -r f; do
            cp "$f" "fuzz/corpus/$target/$(echo "$f" | tr '/' '_')"
        done
    fi
done

cd fuzz
cargo fuzz build -O
for target in $targets; do
    dict=rollplan.dict
    [ "$target" = scenario ] && dict=scenario.dict
    echo "fuzz: $target for ${seconds} s"
    cargo fuzz run -O "$target" "corpus/$target" -- \
        -dict="$dict" -max_len=4096 -timeout=10 -max_total_time="$seconds" \
        -print_final_stats=1 2>&1 | grep -E '^(stat::number_of_executed_units|==|SUMMARY|Done)' || true
    if ls "artifacts/$target"/crash-* "artifacts/$target"/timeout-* "artifacts/$target"/oom-* >/dev/null 2>&1; then
        echo "fuzz: $target found a failing input in fuzz/artifacts/$target/" >&2
        exit 1
    fi
done
