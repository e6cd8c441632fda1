#!/usr/bin/env bash
# A throw-away one-node Slurm cluster for CI: a private munged, slurmctld and
# slurmd on 127.0.0.1, everything (config, state, logs, munge key and socket)
# under one directory. Debian/Ubuntu (apt) and root only: CI runs as root.
#
#   source scripts/ci/slurm-local.sh
#   slurm_up                 # apt-get install if needed (the packages' own services
#                            # kept off), start, wait for an idle node;
#                            # exports SLURM_CONF (every client command needs it)
#   sbatch --wait --array=0-3 job.sh
#   slurm_down               # cancel jobs, stop the daemons by PID, remove the directory
#
# Settings: SLURM_CI_DIR (default /tmp/swarm-sweep-slurm; the munge socket path
# must stay under 100 characters), SLURM_CI_CPUS (job slots, default 4: may
# exceed the real cores, so a 4-task array starts at once and `sbatch --wait`
# returns at its first poll), SLURM_CI_PORT (slurmctld; slurmd uses PORT+1).
#
# Written for swarm-sweep after the tested recipe in shared/recipes; what it
# learned: munged refuses a socket directory that is group/world-writable or
# not world-searchable; slurmd must be named with -N so the host name does not
# matter; proctrack/linuxproc + task/none need no cgroups; without an init
# system, exited daemons linger as zombies, so liveness reads /proc/PID/stat.

_slurm_log() { printf '[slurm-ci] %s\n' "$*" >&2; }

_slurm_settings() {
    SL_DIR=${SLURM_CI_DIR:-/tmp/swarm-sweep-slurm}
    SL_CPUS=${SLURM_CI_CPUS:-4}
    SL_PORT=${SLURM_CI_PORT:-6817}
    SL_CONF=$SL_DIR/etc/slurm.conf
    SL_SOCK=$SL_DIR/munge/munge.socket.2
    SL_MEM=$(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo)
}

# True if PID $1 runs (not a zombie) and is named $2.
_slurm_alive() {
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    case "${stat%% *}" in Z | X | x) return 1 ;; esac
    [ "$(cat "/proc/$1/comm" 2>/dev/null)" = "$2" ]
}

# The live PID in pidfile $2 of a daemon named $1.
_slurm_pid() {
    local pid
    pid=$(cat "$2" 2>/dev/null) || return 1
    [[ "$pid" =~ ^[0-9]+$ ]] && _slurm_alive "$pid" "$1" && echo "$pid"
}

# Wait up to $1 seconds for the command "${@:2}" to succeed.
_slurm_wait() {
    local tries=$(($1 * 5))
    shift
    while ! "$@" >/dev/null 2>&1; do
        tries=$((tries - 1))
        [ "$tries" -gt 0 ] || return 1
        sleep 0.2
    done
}

slurm_install() {
    local c missing=()
    for c in munged munge unmunge slurmctld slurmd sbatch sinfo scontrol scancel squeue; do
        command -v "$c" >/dev/null 2>&1 || missing+=("$c")
    done
    [ "${#missing[@]}" -eq 0 ] && return 0
    command -v apt-get >/dev/null 2>&1 || {
        _slurm_log "missing ${missing[*]} and no apt-get: install slurm-wlm and munge"
        return 1
    }
    _slurm_log "installing slurm-wlm and munge with apt-get (missing: ${missing[*]});" \
        "their system services are neither started nor enabled"
    # Debian's packages start and enable their daemons on install; this test
    # runs private ones instead and stops them at the end, so keep the
    # packages' own from starting (policy-rc.d) and from starting at boot.
    local policy=/usr/sbin/policy-rc.d added=0 rc=0
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 0755 "$policy" && added=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            slurm-wlm munge >&2 || rc=$?
    [ "$added" -eq 1 ] && rm -f "$policy"
    if [ "$rc" -eq 0 ] && [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
        systemctl disable munge slurmctld slurmd >/dev/null 2>&1 || true
    fi
    return "$rc"
}

_slurm_config() {
    cat <<CONF
ClusterName=swarmci
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$SL_PORT
SlurmdPort=$((SL_PORT + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$SL_SOCK
CommunicationParameters=NoCtldInAddrAny,NoInAddrAny
StateSaveLocation=$SL_DIR/state
SlurmdSpoolDir=$SL_DIR/spool
SlurmctldPidFile=$SL_DIR/run/slurmctld.pid
SlurmdPidFile=$SL_DIR/run/slurmd.pid
SlurmctldLogFile=$SL_DIR/log/slurmctld.log
SlurmdLogFile=$SL_DIR/log/slurmd.log
MailProg=/bin/true
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SlurmdParameters=config_overrides
ReturnToService=2
MinJobAge=300
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$SL_CPUS RealMemory=$SL_MEM State=UNKNOWN
PartitionName=ci Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
}

_slurm_node_ready() {
    case "$(sinfo -h -N -n localhost -o %T 2>/dev/null)" in
        idle | mixed | allocated) return 0 ;;
        *) return 1 ;;
    esac
}

_slurm_munge_ok() { munge -n -S "$SL_SOCK" | unmunge -S "$SL_SOCK"; }

_slurm_logs() {
    local f
    for f in "$SL_DIR/munge/munged.log" "$SL_DIR/log/slurmctld.log" "$SL_DIR/log/slurmd.log"; do
        [ -r "$f" ] && { _slurm_log "--- $f"; tail -n 20 "$f" >&2; }
    done
    return 1
}

slurm_up() {
    _slurm_settings
    [ "$(id -u)" -eq 0 ] || { _slurm_log "needs root (daemons run as root)"; return 1; }
    slurm_install || return 1
    mkdir -p "$SL_DIR"/{etc,munge,run,log,state,spool} || return 1
    chmod 0755 "$SL_DIR" "$SL_DIR"/{etc,munge,run,log} && chmod 0700 "$SL_DIR/state" || return 1
    touch "$SL_DIR/.swarm-sweep-slurm"
    if [ ! -s "$SL_DIR/munge/munge.key" ]; then
        dd if=/dev/urandom of="$SL_DIR/munge/munge.key" bs=1024 count=1 status=none || return 1
    fi
    chmod 0600 "$SL_DIR/munge/munge.key"
    _slurm_config >"$SL_CONF"
    export SLURM_CONF=$SL_CONF

    if ! _slurm_pid munged "$SL_DIR/munge/munged.pid" >/dev/null; then
        munged --socket="$SL_SOCK" --key-file="$SL_DIR/munge/munge.key" \
            --log-file="$SL_DIR/munge/munged.log" --pid-file="$SL_DIR/munge/munged.pid" \
            --seed-file="$SL_DIR/munge/munged.seed" || { _slurm_log "munged failed"; _slurm_logs; return 1; }
    fi
    _slurm_wait 30 _slurm_munge_ok || { _slurm_log "munged does not answer"; _slurm_logs; return 1; }
    if ! _slurm_pid slurmctld "$SL_DIR/run/slurmctld.pid" >/dev/null; then
        slurmctld -f "$SL_CONF" || { _slurm_log "slurmctld failed"; _slurm_logs; return 1; }
    fi
    _slurm_wait 60 scontrol ping || { _slurm_log "slurmctld does not answer"; _slurm_logs; return 1; }
    if ! _slurm_pid slurmd "$SL_DIR/run/slurmd.pid" >/dev/null; then
        slurmd -f "$SL_CONF" -N localhost || { _slurm_log "slurmd failed"; _slurm_logs; return 1; }
    fi
    _slurm_wait 60 _slurm_node_ready || { _slurm_log "node not ready"; _slurm_logs; return 1; }
    _slurm_log "cluster up: SLURM_CONF=$SL_CONF, $SL_CPUS slots on localhost"
}

# Stop daemons named $1 with pidfile $2: TERM, wait, KILL.
_slurm_stop() {
    local pid i
    pid=$(_slurm_pid "$1" "$2") || return 0
    kill -TERM "$pid" 2>/dev/null
    for ((i = 0; i < 100; i++)); do
        _slurm_alive "$pid" "$1" || return 0
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null
    return 0
}

slurm_down() {
    _slurm_settings
    if [ -f "$SL_CONF" ] && _slurm_pid slurmctld "$SL_DIR/run/slurmctld.pid" >/dev/null; then
        SLURM_CONF=$SL_CONF scancel --partition=ci 2>/dev/null || true
    fi
    _slurm_stop slurmd "$SL_DIR/run/slurmd.pid"
    _slurm_stop slurmctld "$SL_DIR/run/slurmctld.pid"
    _slurm_stop munged "$SL_DIR/munge/munged.pid"
    [ -f "$SL_DIR/.swarm-sweep-slurm" ] && rm -rf "$SL_DIR"
    [ "${SLURM_CONF:-}" = "$SL_CONF" ] && unset SLURM_CONF
    return 0
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    case "${1:-}" in
        up) slurm_up && echo "export SLURM_CONF=$SLURM_CONF" ;;
        down) slurm_down ;;
        *) echo "usage: $0 up|down   (or source it: slurm_up; ...; slurm_down)" >&2; exit 2 ;;
    esac
fi
