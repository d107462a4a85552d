#!/usr/bin/env bash
# A one-machine Slurm cluster for testing NormLab's sharded studies: Debian's slurm-wlm and munge, one
# controller (slurmctld) and one compute node (slurmd) on this host, no systemd needed.
#
#   scripts/slurm/cluster.sh up      install (apt-get, as root), configure and start; waits until the node is idle
#   scripts/slurm/cluster.sh down    stop the daemons this script started
#   scripts/slurm/cluster.sh status  sinfo and squeue
#
# Tested on Debian 12 (slurm-wlm 22.05.8, munge 0.5.15). Configuration: /etc/slurm/slurm.conf (written here,
# one partition "normlab" with this host's CPUs and memory; each job gets the CPUs it asks for, one by default, so
# a job array runs as many shards at once as the host has cores). Logs and state: /var/log/slurm, /var/lib/slurm.
set -euo pipefail

CONF=/etc/slurm/slurm.conf
HOST=$(hostname -s)
LOGS=/var/log/slurm
STATE=/var/lib/slurm

log() { printf '[cluster] %s\n' "$*"; }

need_root() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "cluster.sh: run as root (it installs packages and starts daemons)" >&2
    exit 2
  fi
}

install_packages() {
  if command -v slurmctld >/dev/null && command -v slurmd >/dev/null && command -v munged >/dev/null && command -v sbatch >/dev/null; then
    log "already installed: $(dpkg-query -W -f '${Package} ${Version}, ' slurm-wlm munge)"
    return
  fi
  log "installing slurm-wlm and munge with apt-get"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null
  log "installed: $(dpkg-query -W -f '${Package} ${Version}, ' slurm-wlm munge)"
}

write_config() {
  local cpus memory
  cpus=$(nproc)
  # leave a quarter of the memory to the rest of the machine
  memory=$(awk '/MemTotal/ { printf "%d", $2 / 1024 * 3 / 4 }' /proc/meminfo)
  mkdir -p /etc/slurm "$LOGS" "$STATE/slurmctld" "$STATE/slurmd"
  chown -R slurm:slurm "$LOGS" "$STATE"
  cat > "$CONF" <<EOF
# written by scripts/slurm/cluster.sh: one controller and one node on $HOST
ClusterName=normlab
SlurmctldHost=$HOST
SlurmUser=slurm
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
ReturnToService=2
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU_Memory
DefMemPerCPU=2048
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
StateSaveLocation=$STATE/slurmctld
SlurmdSpoolDir=$STATE/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=$LOGS/slurmctld.log
SlurmdLogFile=$LOGS/slurmd.log
SlurmctldTimeout=60
SlurmdTimeout=60
InactiveLimit=0
MinJobAge=600
KillWait=30
Waittime=0
NodeName=$HOST CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=normlab Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
EOF
  # slurmd 22.05 reads cgroup.conf when present; with proctrack/linuxproc and task/none nothing uses cgroups
  log "wrote $CONF: node $HOST, $cpus CPUs, $memory MB"
}

start_munge() {
  if running /run/munge/munged.pid; then
    log "munged already running"
  else
    if [ ! -s /etc/munge/munge.key ]; then
      log "creating /etc/munge/munge.key"
      mungekey --create --keyfile=/etc/munge/munge.key
    fi
    chown munge:munge /etc/munge/munge.key
    chmod 400 /etc/munge/munge.key
    install -d -o munge -g munge -m 0755 /run/munge
    install -d -o munge -g munge -m 0700 /var/lib/munge /var/log/munge
    runuser -u munge -- /usr/sbin/munged
    log "started munged"
  fi
  munge -n | unmunge >/dev/null
  log "munge credential round trip: ok"
}

start_slurm() {
  if running /run/slurmctld.pid; then
    scontrol reconfigure
    log "slurmctld already running: reconfigured"
  else
    /usr/sbin/slurmctld
    log "started slurmctld"
  fi
  if running /run/slurmd.pid; then
    log "slurmd already running"
  else
    /usr/sbin/slurmd
    log "started slurmd"
  fi
  local i
  for i in $(seq 1 60); do
    if sinfo -h -N -o '%T' 2>/dev/null | grep -qx idle; then
      log "node $HOST is idle"
      sinfo
      return
    fi
    sleep 1
  done
  echo "cluster.sh: node $HOST did not become idle within 60 s; see $LOGS/slurmctld.log and $LOGS/slurmd.log" >&2
  sinfo -N -l >&2 || true
  exit 1
}

# the daemons' own pid files: only what this script started is stopped
running() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

stop_all() {
  local file pid
  for file in /run/slurmd.pid /run/slurmctld.pid /run/munge/munged.pid; do
    if running "$file"; then
      pid=$(cat "$file")
      kill "$pid"
      log "stopped $(basename "$file" .pid) ($pid)"
    fi
  done
}

case "${1:-}" in
  up)
    need_root
    install_packages
    write_config
    start_munge
    start_slurm
    ;;
  down)
    need_root
    stop_all
    ;;
  status)
    sinfo
    squeue
    ;;
  *)
    echo "usage: scripts/slurm/cluster.sh up|down|status" >&2
    exit 2
    ;;
esac
