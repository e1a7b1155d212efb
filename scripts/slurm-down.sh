#!/usr/bin/env bash
# Stops what scripts/slurm-up.sh DIR started, by the pids it recorded (never by
# name), and removes its /etc/slurm/slurm.conf.
set -uo pipefail
dir=${1:?usage: slurm-down.sh DIR}
for d in slurmd slurmctld munged; do
  f="$dir/$d.pid"
  [ -f "$f" ] || continue
  pid=$(cat "$f")
  [ -n "$pid" ] && kill "$pid" 2>/dev/null
done
sleep 1
for d in slurmd slurmctld munged; do
  f="$dir/$d.pid"
  [ -f "$f" ] && pid=$(cat "$f") && [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
done
if grep -q '^# landscape single-node test cluster' /etc/slurm/slurm.conf 2>/dev/null; then
  rm -f /etc/slurm/slurm.conf
fi
exit 0
