#!/usr/bin/env bash
# Study throughput with --jobs 1 and --jobs 2, measured in one go (docs/measurements.md, "Study throughput").
#
# Usage: bench/study-jobs/study-jobs.sh [normlab command...]
#   default command: dotnet src/NormLab.Cli/bin/Release/net10.0/normlab.dll, built once before the first leg (a build
#   inside a leg would be timed with it)
#
# The same study (2 networks x SEEDS seeds x EPOCHS epoch on LIMIT_TRAIN sample images, --threads 2) is trained from
# scratch with --jobs 1 and with --jobs 2, alternately (j1, j2, j1, j2, ... ROUNDS times each), so that a load that
# drifts during the measurement falls on both settings alike. For every leg it records the wall time, the CPU time
# the leg got (user + system of the study and all its processes, from bash's `time`) and the 1-minute load average,
# sampled every 2 s while the leg runs. A leg whose mean load exceeds the cores the leg itself kept busy (CPU time /
# wall time) by more than LOAD_TOLERANCE was sharing the machine: it is flagged, and so is the ratio.
#
# Settings (environment): ROUNDS=2 SEEDS=3 EPOCHS=1 LIMIT_TRAIN=3000 LIMIT_TEST=500 LOAD_TOLERANCE=0.5 PAUSE=15
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

echo "study-jobs: $networks networks x $seeds seeds x $epochs epoch(s) = $runs runs per leg on $limit_train sample images ($limit_test test), --threads 2; $rounds round(s) of --jobs 1 then --jobs 2; $(nproc) processors"
echo "leg  round  jobs  runs   wall s   runs/hour   CPU s  cores used  load mean  load max  note"

# per setting: total runs, total wall seconds, legs flagged
declare -A total_runs=([1]=0 [2]=0) total_wall=([1]=0 [2]=0)
flagged=0
leg=0
for round in $(seq 1 "$rounds"); do
  for jobs in 1 2; do
    leg=$((leg + 1))
    out="$work/jobs$jobs-$round"
    if [ "$pause" -gt 0 ]; then sleep "$pause"; fi

    # the 1-minute load average every 2 s while the leg runs
    (while true; do cut -d' ' -f1 /proc/loadavg; sleep 2; done) > "$out.load" &
    sampler=$!

    # real, user and system seconds of the subshell and every process it waited for (the study and its jobs)
    TIMEFORMAT='%R %U %S'
    status=0
    { time (cd "$work" && "${normlab[@]}" study bench.normlab --seeds "$seeds" --epochs "$epochs" \
        --limit-train "$limit_train" --limit-test "$limit_test" --threads 2 --jobs "$jobs" --out "$out" > "$out.log" 2>&1) ; } 2> "$out.time" || status=$?

    kill "$sampler" 2> /dev/null || true
    wait "$sampler" 2> /dev/null || true
    sampler=""
    if [ "$status" -ne 0 ]; then
      echo "leg $leg (--jobs $jobs) failed with exit code $status; its output:" >&2
      tail -n 20 "$out.log" >&2
      exit 1
    fi

    read -r wall user system < "$out.time"
    line="$(awk -v leg="$leg" -v r="$round" -v j="$jobs" -v n="$runs" -v wall="$wall" -v user="$user" -v sys="$system" -v tol="$tolerance" '
      { sum += $1; if ($1 > max) max = $1; count++ }
      END {
        if (count == 0) { mean = 0; max = 0 } else mean = sum / count
        cpu = user + sys; cores = wall > 0 ? cpu / wall : 0
        loaded = mean > cores + tol
        printf "%3d  %5d  %4d  %4d  %7.1f  %10.0f  %6.1f  %10.2f  %9.2f  %8.2f  %s\n", leg, r, j, n, wall, n * 3600 / wall, cpu, cores, mean, max, \
          loaded ? "LOADED: the machine ran more than this leg (" sprintf("%.2f", mean - cores) " cores of other work on average)" : "quiet"
      }' "$out.load")"
    echo "$line"
    case "$line" in *LOADED*) flagged=$((flagged + 1)) ;; esac
    total_runs[$jobs]=$((total_runs[$jobs] + runs))
    total_wall[$jobs]="$(awk -v a="${total_wall[$jobs]}" -v b="$wall" 'BEGIN { print a + b }')"
  done
done

awk -v r1="${total_runs[1]}" -v w1="${total_wall[1]}" -v r2="${total_runs[2]}" -v w2="${total_wall[2]}" -v flagged="$flagged" -v legs="$leg" '
  BEGIN {
    h1 = r1 * 3600 / w1; h2 = r2 * 3600 / w2
    printf "\n--jobs 1: %d runs in %.1f s = %.0f runs/hour\n--jobs 2: %d runs in %.1f s = %.0f runs/hour\n", r1, w1, h1, r2, w2, h2
    printf "ratio --jobs 2 / --jobs 1: %.2fx (target: at least 1.7x on 2 cores)\n", h2 / h1
    if (flagged > 0)
      printf "WARNING: %d of %d legs ran while other work used the machine (load above what the leg used): this ratio does not measure --jobs; rerun on a quiet machine\n", flagged, legs
  }'
if [ "$flagged" -gt 0 ]; then exit 3; fi
