#!/bin/sh
# How long `procui ctl stop` and `quit` take with many watchers, on a machine that runs many other
# processes: stopping a watcher must not cost what the machine runs (README, guarantees, "finding a
# process's children"). Run by hand from the repository after `npm run build`:
#
#   sh test/bench/stop-watchers.sh [WATCHERS] [OTHER_PROCESSES]
#
# starts a daemon of WATCHERS (default 100) watchers of one `sleep` each and, first, OTHER_PROCESSES
# (default 0) sleeps of its own that procui does not supervise, then times `ctl stop` (all
# watchers), `ctl start` and `ctl quit` (until the daemon has exited). Everything it starts is
# stopped at the end. PROCUI_CLI names another build's dist/cli.js to measure.
set -eu
watchers=${1:-100}
others=${2:-0}
repo=$(cd "$(dirname "$0")/../.." && pwd)
cli=${PROCUI_CLI:-"$repo/dist/cli.js"}
dir=$(mktemp -d "${TMPDIR:-/tmp}/procui-stop-watchers.XXXXXX")
sock="$dir/procui.sock"
daemon=
cleanup() {
	[ -n "$daemon" ] && kill "$daemon" 2>/dev/null || true
	[ -f "$dir/others" ] && xargs kill < "$dir/others" 2>/dev/null || true
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM
# Node reads NODE_EXTRA_CA_CERTS whole as it starts: not procui's cost.
unset NODE_EXTRA_CA_CERTS

i=0
while [ "$i" -lt "$watchers" ]; do
	printf '[watcher:w%04d]\ncmd = sleep 100000\n\n' "$i"
	i=$((i + 1))
done > "$dir/circus.ini"

i=0
while [ "$i" -lt "$others" ]; do
	sleep 100000 &
	echo $! >> "$dir/others"
	i=$((i + 1))
done

ms() {
	date +%s%N | cut -c1-13
}

ctl() {
	node "$cli" ctl --endpoint "ipc://$sock" "$@" > /dev/null
}

node "$cli" daemon "$dir/circus.ini" --endpoint "ipc://$sock" > "$dir/daemon.log" 2>&1 &
daemon=$!
tries=0
until [ -S "$sock" ] && ctl status 2> /dev/null; do
	tries=$((tries + 1))
	[ "$tries" -lt 300 ] || { echo "the daemon did not answer; its log:" >&2; cat "$dir/daemon.log" >&2; exit 1; }
	sleep 0.1
done

# Every watcher's process runs (a child of the daemon that has become `sleep`).
running() {
	count=0
	for pid in $(cat /proc/"$daemon"/task/*/children); do
		[ "$(cat /proc/"$pid"/comm 2> /dev/null)" = sleep ] && count=$((count + 1))
	done
	echo "$count"
}
tries=0
until [ "$(running)" -ge "$watchers" ]; do
	tries=$((tries + 1))
	[ "$tries" -lt 600 ] || { echo "not every watcher's process ran" >&2; exit 1; }
	sleep 0.1
done

echo "$watchers watchers running; $(ls /proc | grep -c '^[0-9]') processes on the machine"
for command in stop start; do
	started=$(ms)
	ctl "$command"
	echo "ctl $command: $(($(ms) - started)) ms"
done
started=$(ms)
ctl quit
wait "$daemon" || true
daemon=
echo "ctl quit, until the daemon exited: $(($(ms) - started)) ms"
