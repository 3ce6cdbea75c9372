#!/usr/bin/env bash
# CI only (.github/workflows/kind-e2e.yml): a logging wrapper for the real kind and kubectl.
# Linked as `kind` and `kubectl` into a folder first on PATH, it runs the real tool of its name
# (the next one on PATH) and appends one record per call to $PADDOCK_TOOL_LOG: the time, the
# arguments, what it was given on stdin, its stdout, its stderr and its exit code. The log is
# uploaded as an artifact, so the real texts can be compared with the stand-in's (test/sim/).
set -uo pipefail
tool=$(basename "$0")
here=$(cd "$(dirname "$0")" && pwd)
PATH=$(printf '%s' "$PATH" | tr ':' '\n' | grep -vxF "$here" | paste -sd: -)
real=$(command -v "$tool") || { echo "log-tool: no $tool on PATH after $here" >&2; exit 127; }
log=${PADDOCK_TOOL_LOG:?set PADDOCK_TOOL_LOG to the log file}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
start=$(date -u +%FT%T.%3NZ)
t0=$(date +%s%N)
if [ -t 0 ]; then
  : >"$tmp/in"
  "$real" "$@" >"$tmp/out" 2>"$tmp/err"
  code=$?
else
  tee "$tmp/in" | "$real" "$@" >"$tmp/out" 2>"$tmp/err"
  code=${PIPESTATUS[1]}
fi
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
# The caller sees exactly what the tool printed (after it exits: the output is not streamed).
cat "$tmp/out"
cat "$tmp/err" >&2

section() { # name file
  [ -s "$2" ] || return 0
  printf -- '--- %s (%s lines)\n' "$1" "$(wc -l <"$2")"
  head -n 400 "$2"
  [ -z "$(tail -c 1 "$2")" ] || echo
  [ "$(wc -l <"$2")" -le 400 ] || printf -- '... (cut after 400 lines)\n'
}
{
  printf '=== %s %s exit=%s %sms\n' "$start" "$tool" "$code" "$ms"
  printf 'argv:'
  printf ' %q' "$@"
  printf '\n'
  section stdin "$tmp/in"
  section stdout "$tmp/out"
  section stderr "$tmp/err"
} >"$tmp/record"
# Calls run in parallel: one record at a time.
flock "$log.lock" sh -c 'cat "$1" >>"$2"' _ "$tmp/record" "$log"
exit "$code"
