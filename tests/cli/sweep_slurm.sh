#!/bin/bash
# Runs a sweep plan as a real Slurm array job (packaging/cluster/sweep.sbatch)
# on a single-node Slurm started here and stopped again, always: munged (as
# the munge user, on its own socket), slurmctld -D and slurmd -D with a minimal
# slurm.conf (one node "localhost" of 2 CPUs, proctrack/linuxproc, task/none,
# no accounting), state in a temporary folder; then sbatch --array --wait.
#
#   sweep_slurm.sh PIPECUT_CLI SBATCH_SCRIPT PLAN SHARDS OUTDIR
# (SWEEP_SLURM_TIMEOUT: seconds the array job may take, default 240)
#
# Exit 77 with "skip: REASON" when not root or Slurm or MUNGE is not
# installed; 1 on failure (with the daemons' logs); 0 when every shard ran.
set -u
cli=$1 script=$2 plan=$3 shards=$4 out=$5
PATH=$PATH:/usr/sbin:/sbin
skip() {
    echo "skip: $*"
    exit 77
}
[ "$(id -u)" -eq 0 ] || skip "not root (munged, slurmctld and slurmd are started as root)"
for b in munged slurmctld slurmd sbatch sinfo setpriv; do
    command -v "$b" >/dev/null || skip "$b not found (Debian packages slurm-wlm and munge; packaging/deps.sh)"
done
[ -r /etc/munge/munge.key ] || skip "/etc/munge/munge.key is missing (the munge package creates it)"

tmp=$(mktemp -d)
chmod 0755 "$tmp"
pids=()
cleanup() {
    local status=$?
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
    for _ in $(seq 50); do
        local alive=0
        for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
        [ "$alive" -eq 0 ] && break
        sleep 0.1
    done
    for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
    if [ "$status" -ne 0 ] && [ "$status" -ne 77 ]; then
        for log in "$tmp"/*.log "$tmp"/munge/*.log "$tmp"/job-*.out; do
            [ -f "$log" ] && { echo "--- $log"; tail -n 30 "$log"; }
        done
    fi
    rm -rf "$tmp"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

install -d -o munge -g munge -m 0755 /run/munge
install -d -o munge -g munge -m 0700 "$tmp/munge"
socket=/run/munge/pipecut-test-$$.socket
setpriv --reuid=munge --regid=munge --init-groups munged -F --socket="$socket" \
    --pid-file="$tmp/munge/munged.pid" --log-file="$tmp/munge/munged.log" --seed-file="$tmp/munge/munged.seed" \
    >"$tmp/munged.stdout.log" 2>&1 &
pids+=($!)

port=$((20000 + ($$ % 5000) * 2))
mkdir -p "$tmp/state" "$tmp/spool"
cat >"$tmp/slurm.conf" <<CONF
ClusterName=pipecut-test
SlurmctldHost=localhost
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$socket
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
MailProg=/bin/true
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MpiDefault=none
NodeName=localhost NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN
PartitionName=test Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$tmp/slurm.conf
for _ in $(seq 50); do [ -S "$socket" ] && break; sleep 0.1; done
[ -S "$socket" ] || { echo "munged did not start"; exit 1; }
slurmctld -D -i -f "$SLURM_CONF" >"$tmp/slurmctld.stdout.log" 2>&1 &
pids+=($!)
slurmd -D -N localhost -f "$SLURM_CONF" >"$tmp/slurmd.stdout.log" 2>&1 &
pids+=($!)
state=
for _ in $(seq 90); do
    state=$(timeout 5 sinfo -h -n localhost -o %T 2>/dev/null)
    [ "$state" = idle ] && break
    sleep 0.5
done
[ "$state" = idle ] || { echo "the Slurm node did not become idle (state '$state')"; exit 1; }

mkdir -p "$out"
PIPECUT_CLI=$cli timeout "${SWEEP_SLURM_TIMEOUT:-240}" sbatch --wait --quiet --array=0-$((shards - 1)) --output="$tmp/job-%a.out" \
    --chdir="$PWD" "$script" "$plan" "$out" "$shards"
status=$?
[ "$status" -eq 0 ] || { echo "sbatch --wait exited $status"; exit 1; }
echo "slurm: $shards array tasks done"
