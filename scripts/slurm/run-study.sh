#!/usr/bin/env bash
# Runs the README's Slurm commands for real, on the one-machine cluster of cluster.sh: a job array of study shards,
# then the dependent merge job, and checks that the merged summary.json is the one an unsharded run of the same
# study writes (every field but imagesPerSecond, which is measured). Writes its transcript to
# scripts/slurm/transcript.txt (the committed one is the last run's).
#
#   sudo scripts/slurm/run-study.sh            # packs and installs the normlab tool (linux-x64) unless it is on PATH
#   NORMLAB_FEED=DIR scripts/slurm/run-study.sh   # install the tool from a folder feed that already holds the packages
#
# The study is small on purpose (2 networks of the ordering example × 3 seeds × 1 epoch on the embedded sample, in
# 4 shards, so shards get 2, 2, 1 and 1 runs): a few minutes on 2 cores. SEEDS, EPOCHS, SHARDS, NETWORKS change it.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${WORK:-/tmp/normlab-slurm}
TRANSCRIPT=${TRANSCRIPT:-$REPO/scripts/slurm/transcript.txt}
SEEDS=${SEEDS:-3}
EPOCHS=${EPOCHS:-1}
SHARDS=${SHARDS:-4}
NETWORKS=${NETWORKS:-ConvBnRelu2Relu,ConvReluBn2Relu}

exec > >(tee "$TRANSCRIPT") 2>&1

say() { printf '\n## %s\n' "$*"; }
# prints the command as a shell would read it (an argument with spaces or $ in single quotes), then runs it
run() {
  local shown=() argument
  for argument in "$@"; do
    case "$argument" in
      *[[:space:]\$\*]*) shown+=("'$argument'") ;;
      *) shown+=("$argument") ;;
    esac
  done
  printf '$ %s\n' "${shown[*]}"
  "$@"
}

say "$(date -u '+%Y-%m-%d %H:%M:%S UTC'): NormLab on Slurm, $(uname -sr), $(nproc) CPUs, commit $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?')"

say "the cluster: one controller and one node on this machine"
run "$REPO/scripts/slurm/cluster.sh" up

say "the normlab tool"
if ! command -v normlab >/dev/null; then
  TOOLS=$WORK/tool
  FEED=${NORMLAB_FEED:-$WORK/feed}
  if [ -z "${NORMLAB_FEED:-}" ]; then
    run dotnet pack "$REPO/src/NormLab.Cli" -c Release -p:ToolPackageRuntimeIdentifiers=linux-x64 -o "$FEED" -tl:off -v:q -nologo
  fi
  rm -rf "$TOOLS"
  run dotnet tool install NormLab.Cli --tool-path "$TOOLS" --add-source "$FEED"
  export PATH="$TOOLS:$PATH"
fi
run command -v normlab
run normlab --version

say "the study: $NETWORKS × $SEEDS seeds × $EPOCHS epoch(s), $SHARDS shards"
rm -rf "$WORK/study"
mkdir -p "$WORK/study"
cp "$REPO/examples/OrderingStudy/ordering.normlab" "$WORK/study/ordering.normlab"
cd "$WORK/study"
run pwd
LAST=$((SHARDS - 1))
# the README's two commands, with this study's numbers (sbatch passes PATH on: the job finds normlab as we do)
ARRAY=$(run sbatch --parsable --job-name=ordering --array=0-$LAST --wrap "normlab study ordering.normlab --networks $NETWORKS --seeds $SEEDS --epochs $EPOCHS --threads 1 --out shards/\$SLURM_ARRAY_TASK_ID --shard \$SLURM_ARRAY_TASK_ID/$SHARDS")
echo "$ARRAY"
ARRAY=${ARRAY##*$'\n'}
MERGE=$(run sbatch --parsable --job-name=ordering --dependency=singleton --wrap 'normlab study merge shards/* --out ordering')
echo "$MERGE"
MERGE=${MERGE##*$'\n'}
run squeue

say "waiting for the array ($ARRAY) and the merge ($MERGE)"
START=$(date +%s)
while squeue -h -j "$ARRAY,$MERGE" 2>/dev/null | grep -q .; do
  sleep 5
  printf '%4d s: %s\n' $(($(date +%s) - START)) "$(squeue -h -o '%i %T' -j "$ARRAY,$MERGE" | tr '\n' ' ')"
done
echo "done after $(($(date +%s) - START)) s"

FAILED=0
for job in $(seq 0 $LAST | sed "s/^/${ARRAY}_/") "$MERGE"; do
  STATE=$(scontrol show job "$job" | grep -o 'JobState=[A-Z_]*' | cut -d= -f2)
  CODE=$(scontrol show job "$job" | grep -o ' ExitCode=[0-9:]*' | cut -d= -f2)
  echo "job $job: $STATE, exit code $CODE"
  [ "$STATE" = COMPLETED ] || FAILED=1
done

say "the jobs' output"
for file in slurm-*.out; do
  echo "--- $file"
  cat "$file"
done
[ "$FAILED" = 0 ] || { echo "FAILED: a job did not complete"; exit 1; }

say "the same study, unsharded, on this machine"
run normlab study ordering.normlab --networks "$NETWORKS" --seeds "$SEEDS" --epochs "$EPOCHS" --threads 1 --out unsharded

say "merged (Slurm) vs unsharded summary.json"
run ls ordering unsharded
echo "\$ diff unsharded/summary.json ordering/summary.json   (imagesPerSecond is measured: it differs)"
diff unsharded/summary.json ordering/summary.json || true
STRIP='del(.networks[].imagesPerSecond)'
if diff <(jq -S "$STRIP" unsharded/summary.json) <(jq -S "$STRIP" ordering/summary.json); then
  echo "SAME: the merged summary.json equals the unsharded one in every field but imagesPerSecond"
else
  echo "DIFFERENT: the merged summary.json differs from the unsharded one (above)"
  exit 1
fi
run cat ordering/summary.json

say "$(date -u '+%Y-%m-%d %H:%M:%S UTC'): done (the cluster stays up: scripts/slurm/cluster.sh down stops it)"
