#!/usr/bin/env bash
# CTest slurm_sweep: a real single-node Slurm cluster (Debian's slurm-wlm + munge, installed by
# scripts/setup) on this machine, started by hand (no systemd): munged, slurmctld and slurmd
# with a generated slurm.conf in a temporary directory, on free loopback ports. A 6-run sweep
# (tests/data/sweep12.json with one replication) is submitted as a job array through
# deploy/slurm/sweep.sbatch, the task directories are merged, and the merge must equal the serial
# result byte for byte (every file but provenance.json). Everything is torn down on exit.
#   tests/slurm/slurm_sweep_test.sh ZONAL_SIM_EXE SOURCE_DIR
set -euo pipefail
sim=$(realpath "$1")
src=$(realpath "$2")
scenario="$src/tests/data/sweep12.json"
options=(--set replications=1)   # 6 runs
deadline_s=240

if [ "$(id -u)" -ne 0 ]; then
  echo "slurm_sweep: SKIPPED: slurmd must run as root (CI runs the suite as root)" >&2
  exit 77
fi
for tool in munged slurmctld slurmd sbatch sinfo squeue scontrol; do
  if ! command -v "$tool" >/dev/null; then
    echo "slurm_sweep: $tool not found; run scripts/setup (installs slurm-wlm and munge)" >&2
    exit 1
  fi
done

tmp=$(mktemp -d /tmp/zonal-slurm.XXXXXX)
chmod 700 "$tmp"
pids=()
# Watchdog: give up (and still tear everything down) well before CTest's timeout would kill us
# without running the trap.
( sleep 360; echo "slurm_sweep: watchdog: giving up after 360 s" >&2; kill -TERM $$ ) &
watchdog=$!
cleanup() {
  local status=$?
  pkill -P "$watchdog" 2>/dev/null || true  # its sleep
  kill "$watchdog" 2>/dev/null || true
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  if [ $status -ne 0 ]; then
    for log in "$tmp"/*.log; do [ -f "$log" ] && { echo "---- $log"; tail -n 30 "$log"; }; done >&2
  fi
  rm -rf "$tmp"
  exit $status
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# Wait until "$@" succeeds, for at most $1 seconds.
wait_for() {
  local limit=$1; shift
  local end=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    if [ $SECONDS -ge $end ]; then echo "slurm_sweep: timed out waiting for: $*" >&2; return 1; fi
    sleep 0.2
  done
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# munge: a private key, socket and state in $tmp (munged refuses group/world-writable paths).
mkdir -m 711 "$tmp/munge"
dd if=/dev/urandom of="$tmp/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$tmp/munge/munge.key"
munged --foreground --force --key-file="$tmp/munge/munge.key" --socket="$tmp/munge/munge.socket" \
  --pid-file="$tmp/munge/munged.pid" --seed-file="$tmp/munge/munged.seed" --log-file="$tmp/munged.log" \
  > "$tmp/munged.out.log" 2>&1 &
pids+=($!)
wait_for 20 test -S "$tmp/munge/munge.socket"

host=$(hostname -s)
ctld_port=$(free_port)
slurmd_port=$(free_port)
while [ "$slurmd_port" = "$ctld_port" ]; do slurmd_port=$(free_port); done
mkdir -p "$tmp/state" "$tmp/spool" "$tmp/out"
cpus=$(nproc)
memory_mb=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 / 2 ))
cat > "$tmp/slurm.conf" <<CONF
ClusterName=zonaltest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$tmp/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
SlurmdTimeout=30
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$memory_mb State=UNKNOWN
PartitionName=zonal Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$tmp/slurm.conf"
slurmctld -D -i -f "$SLURM_CONF" > "$tmp/slurmctld.out.log" 2>&1 &
pids+=($!)
wait_for 30 scontrol ping
slurmd -D -f "$SLURM_CONF" -N "$host" > "$tmp/slurmd.out.log" 2>&1 &
pids+=($!)
wait_for 60 bash -c "sinfo -h -n '$host' -o '%t' | grep -Eq '^(idle|mix|alloc)'"
echo "slurm_sweep: cluster up ($host, slurmctld port $ctld_port) after ${SECONDS}s"

runs=$("$sim" "$scenario" --list "${options[@]}" | tail -n +2 | wc -l)
[ "$runs" -eq 6 ] || { echo "slurm_sweep: expected 6 runs, the table has $runs" >&2; exit 1; }
"$sim" "$scenario" "${options[@]}" --out "$tmp/out/serial" --quiet > /dev/null 2>&1

job=$(sbatch --parsable --array="0-$((runs - 1))" --chdir="$tmp/out" --output="$tmp/out/task-%a.log" \
  --export=ALL,ZONAL_SIM="$sim" "$src/deploy/slurm/sweep.sbatch" "$scenario" "$tmp/out/array" "${options[@]}")
job=${job%%;*}
echo "slurm_sweep: submitted array job $job ($runs tasks)"
wait_for "$deadline_s" bash -c "[ -z \"\$(squeue -h -j '$job' 2>/dev/null)\" ]"
for i in $(seq 0 $((runs - 1))); do
  if [ ! -f "$tmp/out/array/task-$i/runs/$(printf %04d "$i")/run.json" ]; then
    echo "slurm_sweep: task $i left no run (log below)" >&2
    cat "$tmp/out/task-$i.log" >&2 || true
    exit 1
  fi
done
"$sim" merge "$tmp"/out/array/task-* --out "$tmp/out/merged" --quiet
if ! diff -r --exclude=provenance.json "$tmp/out/serial" "$tmp/out/merged"; then
  echo "slurm_sweep: the merged job array differs from the serial run" >&2
  exit 1
fi
count=$(find "$tmp/out/merged/runs" -name run.json | wc -l)
[ "$count" -eq 6 ] || { echo "slurm_sweep: merged result has $count runs, expected 6" >&2; exit 1; }
echo "slurm_sweep: 6-task job array merged byte-identical to the serial run (${SECONDS}s)"

# The shipped submitter: the same array plus a merge job that waits for it (afterok).
(cd "$tmp/out" && ZONAL_SIM="$sim" "$src/deploy/slurm/submit" "$scenario" "$tmp/out/submitted" "${options[@]}")
wait_for "$deadline_s" bash -c "[ -z \"\$(squeue -h 2>/dev/null)\" ]"
if ! diff -r --exclude=provenance.json "$tmp/out/serial" "$tmp/out/submitted/merged"; then
  echo "slurm_sweep: deploy/slurm/submit's merged result differs from the serial run" >&2
  cat "$tmp/out/submitted/logs/merge.log" >&2 || true
  exit 1
fi
echo "slurm_sweep: deploy/slurm/submit (array + dependent merge job) byte-identical too (${SECONDS}s)"
