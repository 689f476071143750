#!/usr/bin/env bash
# Runs a command until it succeeds, with exponential back-off, bounded in attempts and in time.
#
#   retry.sh [--attempts N] [--max-seconds S] [--first-delay S] [--max-delay S] [--reason TEXT] -- COMMAND...
#
# Made for steps that fail only until Azure catches up, above all a package upload right after this deployment
# created the identity's role assignments: RBAC can take several minutes to apply (Flex answers 401/403 until then).
# Exits with the command's status once it succeeds or the bounds are reached.
set -uo pipefail

attempts=20
max_seconds=600
delay=15
max_delay=120
reason="role assignments made by this deployment can take several minutes to apply (RBAC propagation)"

while [[ $# -gt 0 ]]; do
  case $1 in
    --attempts) attempts=$2; shift 2 ;;
    --max-seconds) max_seconds=$2; shift 2 ;;
    --first-delay) delay=$2; shift 2 ;;
    --max-delay) max_delay=$2; shift 2 ;;
    --reason) reason=$2; shift 2 ;;
    --) shift; break ;;
    *) echo "usage: $0 [--attempts N] [--max-seconds S] [--first-delay S] [--max-delay S] [--reason TEXT] -- COMMAND..." >&2; exit 2 ;;
  esac
done

if [[ $# -eq 0 ]]; then
  echo "usage: $0 [options] -- COMMAND..." >&2
  exit 2
fi

start=$SECONDS
attempt=1
while true; do
  "$@"
  status=$?
  if [[ $status -eq 0 ]]; then
    exit 0
  fi

  elapsed=$((SECONDS - start))
  if [[ $attempt -ge $attempts || $((elapsed + delay)) -gt $max_seconds ]]; then
    echo "::error::'$*' still failed (exit $status) after $attempt attempt(s) over ${elapsed}s; giving up. Likely cause: $reason. If it persists, check the role assignments of the app's identity on the storage account." >&2
    exit $status
  fi

  echo "::warning::'$*' failed (exit $status), attempt $attempt of at most $attempts; $reason. Retrying in ${delay}s." >&2
  sleep "$delay"
  attempt=$((attempt + 1))
  delay=$((delay * 2 > max_delay ? max_delay : delay * 2))
done
