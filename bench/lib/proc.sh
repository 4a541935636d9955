# Shared by bench/ingest.sh and bench/baselines/*/bench.sh: reading a process's memory from /proc.

# proc_kb PID FILE FIELD: a kB field of /proc/PID/FILE (status: VmRSS, VmHWM; smaps_rollup: Pss), or 0.
proc_kb() {
    local k v rest
    while read -r k v rest; do
        if [[ $k == "$3:" ]]; then
            echo "$v"
            return 0
        fi
    done 2>/dev/null <"/proc/$1/$2" || true
    echo 0
}
