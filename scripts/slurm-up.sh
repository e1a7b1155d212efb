#!/usr/bin/env bash
# Brings up a single-node Slurm (Debian's slurm-wlm and munge) on this machine
# for the cluster tests: munged, slurmctld and slurmd as root, state and logs
# under one directory, the node named after this host with its cores.
#
#   scripts/slurm-up.sh DIR     start; DIR receives slurm.conf, logs and pids
#   scripts/slurm-down.sh DIR   stop them by the pids recorded in DIR
#
# It needs root (CI runs as root) and a machine without a running Slurm; it
# installs nothing (.ci/run does).
set -euo pipefail
dir=$(mkdir -p "${1:?usage: slurm-up.sh DIR}" && cd "$1" && pwd)
host=$(hostname -s)
cpus=$(nproc)
mem=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 / 2 ))
mkdir -p "$dir/state" "$dir/spool" /run/munge
chown munge:munge /run/munge
[ -f /etc/munge/munge.key ] || { echo "slurm-up: /etc/munge/munge.key is missing (apt-get install munge creates it)" >&2; exit 1; }
# slurmctld and slurmd read /etc/slurm/slurm.conf; keep any existing one.
if [ -f /etc/slurm/slurm.conf ] && ! grep -q '^# landscape single-node test cluster' /etc/slurm/slurm.conf; then
  echo "slurm-up: /etc/slurm/slurm.conf exists and is not ours; refusing to replace it" >&2
  exit 1
fi
mkdir -p /etc/slurm
cat >/etc/slurm/slurm.conf <<CONF
# landscape single-node test cluster (scripts/slurm-up.sh)
ClusterName=landscape-ci
SlurmctldHost=$host
SlurmUser=root
AuthType=auth/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=ci Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
cp /etc/slurm/slurm.conf "$dir/slurm.conf"
munged --force --pid-file="$dir/munged.pid" 2>>"$dir/munged.log" || munged --force 2>>"$dir/munged.log"
[ -f "$dir/munged.pid" ] || pgrep -n -x munged >"$dir/munged.pid"
slurmctld
slurmd
for i in $(seq 1 60); do
  if sinfo -h -o '%T' 2>/dev/null | grep -qE '^(idle|mixed|allocated)'; then
    echo "slurm-up: node $host is up ($cpus CPUs) after $i tries; state in $dir"
    exit 0
  fi
  sleep 0.5
done
echo "slurm-up: the node did not come up; see $dir/slurmctld.log and $dir/slurmd.log" >&2
sinfo >&2 || true
exit 1
