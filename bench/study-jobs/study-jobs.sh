#!/usr/bin/env bash
# Study throughput with --jobs 1 and --jobs 2, measured in one go (docs/measurements.md, "Study throughput").
#
# Usage: bench/study-jobs/study-jobs.sh [normlab command...]
#   default command: dotnet src/NormLab.Cli/bin/Release/net10.0/normlab.dll, built once before the first leg (a build
#   inside a leg would be timed with it)
#
# The same study (2 networks x SEEDS seeds x EPOCHS epoch on LIMIT_TRAIN sample images) is trained from scratch in
# three settings, alternately (ROUNDS times each, in this order), so that a load that drifts during the measurement
# falls on all alike:
#   --jobs 1 --threads 1   one run at a time on one core (the first release's study)
#   --jobs 1 --threads 2   one run at a time, two libtorch threads
#   --jobs 2 --threads 2   two runs side by side, one thread each
# LEGS="1:2 2:2" (jobs:threads pairs) measures a subset. For every leg it records the wall time, the CPU time
# the leg got (user + system of the study and all its processes, from bash's `time`) and the 1-minute load average,
# sampled every 2 s while the leg runs. A leg whose mean load exceeds the cores the leg itself kept busy (CPU time /
# wall time) by more than LOAD_TOLERANCE was sharing the machine: it is flagged, and so is the ratio.
#
# Settings (environment): LEGS="1:1 1:2 2:2" ROUNDS=2 SEEDS=3 EPOCHS=1 LIMIT_TRAIN=3000 LIMIT_TEST=500 LOAD_TOLERANCE=0.5 PAUSE=15
# (PAUSE: seconds of rest before each leg, so that the previous leg's load decays from the load average).
# Smallest setting, to check that the script works: ROUNDS=1 SEEDS=1 LIMIT_TRAIN=200 LIMIT_TEST=100 PAUSE=0
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
rounds="${ROUNDS:-2}"
seeds="${SEEDS:-3}"
epochs="${EPOCHS:-1}"
limit_train="${LIMIT_TRAIN:-3000}"
limit_test="${LIMIT_TEST:-500}"
tolerance="${LOAD_TOLERANCE:-0.5}"
pause="${PAUSE:-15}"
legs="${LEGS:-1:1 1:2 2:2}"
networks=2
runs=$((networks * seeds))

if [ "$#" -gt 0 ]; then
  # the legs run in a temporary folder: a path given relative to here is made absolute
  normlab=()
  for part in "$@"; do
    if [ -e "$part" ]; then normlab+=("$(cd "$(dirname "$part")" && pwd)/$(basename "$part")"); else normlab+=("$part"); fi
  done
else
  echo "Building the CLI (Release) before the first leg ..."
  dotnet build -c Release "$repo/src/NormLab.Cli" -v quiet -nologo > /dev/null
  normlab=(dotnet "$repo/src/NormLab.Cli/bin/Release/net10.0/normlab.dll")
fi

work="$(mktemp -d)"
sampler=""
cleanup() {
  if [ -n "$sampler" ]; then kill "$sampler" 2> /dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
cp "$here/bench.normlab" "$work/"

echo "study-jobs: $networks networks x $seeds seeds x $epochs epoch(s) = $runs runs per leg on $limit_train sample images ($limit_test test); legs (jobs:threads) $legs, $rounds round(s); $(nproc) processors"
echo "leg  round  jobs  threads  runs   wall s   runs/hour   CPU s  cores used  load mean  load max  note"

# per setting (jobs:threads): total runs, total wall seconds; legs flagged
declare -A total_runs=() total_wall=()
for setting in $legs; do total_runs[$setting]=0; total_wall[$setting]=0; done
flagged=0
leg=0
for round in $(seq 1 "$rounds"); do
  for setting in $legs; do
    jobs="${setting%%:*}"
    threads="${setting##*:}"
    leg=$((leg + 1))
    out="$work/jobs$jobs-threads$threads-$round"
    if [ "$pause" -gt 0 ]; then sleep "$pause"; fi

    # the 1-minute load average every 2 s while the leg runs
    (while true; do cut -d' ' -f1 /proc/loadavg; sleep 2; done) > "$out.load" &
    sampler=$!

    # real, user and system seconds of the subshell and every process it waited for (the study and its jobs)
    TIMEFORMAT='%R %U %S'
    status=0
    { time (cd "$work" && "${normlab[@]}" study bench.normlab --seeds "$seeds" --epochs "$epochs" \
        --limit-train "$limit_train" --limit-test "$limit_test" --threads "$threads" --jobs "$jobs" --out "$out" > "$out.log" 2>&1) ; } 2> "$out.time" || status=$?

    kill "$sampler" 2> /dev/null || true
    wait "$sampler" 2> /dev/null || true
    sampler=""
    if [ "$status" -ne 0 ]; then
      echo "leg $leg (--jobs $jobs --threads $threads) failed with exit code $status; its output:" >&2
      kept="${TMPDIR:-/tmp}/study-jobs-failed-leg-$leg.log"
      cp "$out.log" "$kept"
      grep -m 5 -iE "error|exception" "$out.log" >&2 || true
      echo "... (the leg's whole output: $kept)" >&2
      tail -n 20 "$out.log" >&2
      exit 1
    fi

    read -r wall user system < "$out.time"
    line="$(awk -v leg="$leg" -v r="$round" -v j="$jobs" -v t="$threads" -v n="$runs" -v wall="$wall" -v user="$user" -v sys="$system" -v tol="$tolerance" '
      { sum += $1; if ($1 > max) max = $1; count++ }
      END {
        if (count == 0) { mean = 0; max = 0 } else mean = sum / count
        cpu = user + sys; cores = wall > 0 ? cpu / wall : 0
        loaded = mean > cores + tol
        printf "%3d  %5d  %4d  %7d  %4d  %7.1f  %10.0f  %6.1f  %10.2f  %9.2f  %8.2f  %s\n", leg, r, j, t, n, wall, n * 3600 / wall, cpu, cores, mean, max, \
          loaded ? "LOADED: the machine ran more than this leg (" sprintf("%.2f", mean - cores) " cores of other work on average)" : "quiet"
      }' "$out.load")"
    echo "$line"
    case "$line" in *LOADED*) flagged=$((flagged + 1)) ;; esac
    total_runs[$setting]=$((total_runs[$setting] + runs))
    total_wall[$setting]="$(awk -v a="${total_wall[$setting]}" -v b="$wall" 'BEGIN { print a + b }')"
  done
done

echo
declare -A hourly=()
for setting in $legs; do
  hourly[$setting]="$(awk -v r="${total_runs[$setting]}" -v w="${total_wall[$setting]}" 'BEGIN { printf "%.1f", r * 3600 / w }')"
  echo "--jobs ${setting%%:*} --threads ${setting##*:}: ${total_runs[$setting]} runs in ${total_wall[$setting]} s = ${hourly[$setting]} runs/hour"
done
ratio() { # ratio A B: runs/hour of setting A over setting B, when both were measured
  if [ -n "${hourly[$1]:-}" ] && [ -n "${hourly[$2]:-}" ]; then
    awk -v a="${hourly[$1]}" -v b="${hourly[$2]}" -v label="$3" 'BEGIN { printf "%s: %.2fx\n", label, a / b }'
  fi
}
ratio 2:2 1:1 "--jobs 2 / --jobs 1, one thread per run (target: at least 1.7x on 2 cores)"
ratio 2:2 1:2 "--jobs 2 / --jobs 1, two threads in all"
ratio 1:2 1:1 "--threads 2 / --threads 1 at --jobs 1 (what libtorch's second thread gives one run)"
if [ "$flagged" -gt 0 ]; then
  echo "WARNING: $flagged of $leg legs ran while other work used the machine (load above what the leg used): these ratios do not measure --jobs; rerun on a quiet machine"
fi
if [ "$flagged" -gt 0 ]; then exit 3; fi
