# Shared by tools/run and tools/test: installs what is missing and starts Azurite.
# shellcheck shell=bash

repo_root() { cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd; }

# npm ci only when package-lock.json changed since the last install (a clean install takes ~40 s).
ensure_node_modules() {
  local stamp=node_modules/.installed-lock.sha256
  local want
  want=$(sha256sum package-lock.json | cut -d' ' -f1)
  if [[ ! -x node_modules/.bin/azurite || ! -f $stamp || $(cat "$stamp") != "$want" ]]; then
    echo "==> npm ci (Azurite)"
    npm ci --no-audit --no-fund --loglevel=error
    echo "$want" > "$stamp"
  fi
}

# start_azurite DATA_DIR BLOB_PORT QUEUE_PORT TABLE_PORT: starts Azurite on 127.0.0.1 and waits until it listens.
start_azurite() {
  local data=$1 blob=$2 queue=$3 table=$4
  mkdir -p "$data"
  # Its own session: a Ctrl-C meant for the host must not stop storage under it; the caller stops Azurite last.
  setsid node_modules/.bin/azurite --silent --loose --skipApiVersionCheck --location "$data" \
    --blobHost 127.0.0.1 --blobPort "$blob" --queueHost 127.0.0.1 --queuePort "$queue" \
    --tableHost 127.0.0.1 --tablePort "$table" >"$data/azurite.log" 2>&1 &
  AZURITE_PID=$!
  local port
  for port in "$blob" "$queue" "$table"; do
    for _ in $(seq 1 100); do
      if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
      if ! kill -0 "$AZURITE_PID" 2>/dev/null; then
        echo "Azurite exited; its log:" >&2; cat "$data/azurite.log" >&2; return 1
      fi
      sleep 0.2
    done
  done
}

azurite_connection_string() {
  local blob=$1 queue=$2 table=$3
  printf 'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:%s/devstoreaccount1;QueueEndpoint=http://127.0.0.1:%s/devstoreaccount1;TableEndpoint=http://127.0.0.1:%s/devstoreaccount1;' "$blob" "$queue" "$table"
}

# Stops the Azurite that start_azurite started: Ctrl-C as a user would, then SIGKILL if it has not closed in 10 s (it takes about 5).
stop_azurite() {
  [[ -n ${AZURITE_PID:-} ]] || return 0
  kill -INT "$AZURITE_PID" 2>/dev/null || return 0
  for _ in $(seq 1 50); do
    kill -0 "$AZURITE_PID" 2>/dev/null || { wait "$AZURITE_PID" 2>/dev/null || true; return 0; }
    sleep 0.2
  done
  kill -KILL "$AZURITE_PID" 2>/dev/null || true
  wait "$AZURITE_PID" 2>/dev/null || true
  return 0
}
