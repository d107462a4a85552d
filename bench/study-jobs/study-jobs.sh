#!/usr/bin/env bash
# Study throughput with --jobs 1 and --jobs 2, measured in one go (docs/measurements.md, "Study throughput").
# Usage: bench/study-jobs/study-jobs.sh [normlab command...]   (default: dotnet run -c Release --project src/NormLab.Cli --)
# The same study (2 networks x 3 seeds x 1 epoch on 3,000 sample images) is trained from scratch with each setting,
# alternately, twice; the load average is printed before and after each, because the machine may be shared.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if [ "$#" -gt 0 ]; then normlab=("$@"); else normlab=(dotnet run -c Release --project "$here/../../src/NormLab.Cli" --); fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$here/bench.normlab" "$work/"
runs=6
for round in 1 2; do
  for jobs in 1 2; do
    out="$work/jobs$jobs-$round"
    load_before="$(cut -d' ' -f1 /proc/loadavg)"
    start=$(date +%s.%N)
    (cd "$work" && "${normlab[@]}" study bench.normlab --seeds 3 --epochs 1 --limit-train 3000 --limit-test 500 \
      --threads 2 --jobs "$jobs" --out "$out" > "$out.log" 2>&1)
    end=$(date +%s.%N)
    load_after="$(cut -d' ' -f1 /proc/loadavg)"
    awk -v j="$jobs" -v r="$round" -v s="$start" -v e="$end" -v n="$runs" -v lb="$load_before" -v la="$load_after" \
      'BEGIN { t = e - s; printf "round %d  --jobs %d: %d runs in %.1f s = %.0f runs/hour (load average %s -> %s)\n", r, j, n, t, n * 3600 / t, lb, la }'
  done
done
