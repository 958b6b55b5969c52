#!/usr/bin/env bash
# Installs the Chroma server (npm package chromadb, pinned in .ci/chroma/package.json and
# package-lock.json) into .ci/work/chroma and starts it on 127.0.0.1:$CHROMA_PORT (default 8000),
# unless a healthy Chroma already answers there. Idempotent: run it as often as you like.
#
#   .ci/chroma.sh          install if needed, start if needed, wait for /api/v2/heartbeat
#   .ci/chroma.sh stop     stop the server this script started on $CHROMA_PORT (if any)
#
# Environment:
#   CHROMA_PORT            port to serve on (default 8000); tests read CHROMA_URL, or else
#                          CHROMA_PORT, to find the server
#   CHROMA_START_TIMEOUT   seconds to wait for the heartbeat (default 90)
#
# Exits non-zero with a message when Chroma cannot be installed or does not answer in time.
# Files: .ci/work/chroma (node_modules), .ci/work/chroma-data-PORT (data),
#        .ci/work/chroma-PORT.log (server output), .ci/work/chroma-PORT.pid.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT="${CHROMA_PORT:-8000}"
HOST=127.0.0.1
URL="http://${HOST}:${PORT}"
TIMEOUT="${CHROMA_START_TIMEOUT:-90}"
PIN_DIR="$ROOT/.ci/chroma"
WORK="$ROOT/.ci/work"
INSTALL_DIR="$WORK/chroma"
DATA_DIR="$WORK/chroma-data-$PORT"
LOG="$WORK/chroma-$PORT.log"
PID_FILE="$WORK/chroma-$PORT.pid"

say() { echo "chroma.sh: $*"; }
die() { echo "chroma.sh: ERROR: $*" >&2; exit 1; }

if ! [[ "$PORT" =~ ^[0-9]+$ ]] || ((PORT < 1 || PORT > 65535)); then
  die "CHROMA_PORT must be a port number, got '$PORT'"
fi
if ! [[ "$TIMEOUT" =~ ^[0-9]+$ ]]; then
  die "CHROMA_START_TIMEOUT must be whole seconds, got '$TIMEOUT'"
fi

# Prints the heartbeat body and returns 0 when a Chroma server answers on $URL.
heartbeat() {
  if command -v curl >/dev/null 2>&1; then
    curl -fsS --max-time 2 "$URL/api/v2/heartbeat" 2>/dev/null
  else
    node -e '
      fetch(process.argv[1], { signal: AbortSignal.timeout(2000) })
        .then(async (r) => { if (!r.ok) process.exit(1); process.stdout.write(await r.text()); })
        .catch(() => process.exit(1));' "$URL/api/v2/heartbeat" 2>/dev/null
  fi
}

healthy() {
  local body
  body="$(heartbeat)" && [[ "$body" == *heartbeat* ]]
}

running_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$PID_FILE")"
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

stop() {
  local pid
  if pid="$(running_pid)"; then
    say "stopping Chroma (pid $pid) on $URL"
    kill -- "-$pid" 2>/dev/null || kill "$pid"
    local deadline=$((SECONDS + 20))
    while kill -0 "$pid" 2>/dev/null; do
      ((SECONDS < deadline)) || { kill -9 -- "-$pid" 2>/dev/null || kill -9 "$pid" 2>/dev/null || true; break; }
      sleep 0.2
    done
  else
    say "no Chroma started by this script on port $PORT"
  fi
  rm -f "$PID_FILE"
}

check_node() {
  command -v node >/dev/null 2>&1 || die "node is not installed (need Node.js >= 20 with npm)"
  command -v npm >/dev/null 2>&1 || die "npm is not installed (need Node.js >= 20 with npm)"
  local major
  major="$(node -p 'process.versions.node.split(".")[0]')"
  # chromadb declares node >= 20; Debian 12's own nodejs is 18. Try anyway: the heartbeat decides.
  ((major >= 20)) || say "WARNING: chromadb wants Node.js >= 20, found $(node --version); trying"
}

# Installs the pinned packages unless the install dir already holds exactly this pin.
install() {
  local stamp="$INSTALL_DIR/.installed" want
  want="$(cat "$PIN_DIR/package.json" "$PIN_DIR/package-lock.json" | sha256sum | cut -d' ' -f1)"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -x "$INSTALL_DIR/node_modules/.bin/chroma" ]]; then
    return 0
  fi
  say "installing chromadb from the npm registry into ${INSTALL_DIR#"$ROOT"/}"
  mkdir -p "$INSTALL_DIR"
  rm -f "$stamp"
  cp "$PIN_DIR/package.json" "$PIN_DIR/package-lock.json" "$INSTALL_DIR/"
  (cd "$INSTALL_DIR" && npm ci --no-audit --no-fund --loglevel=error) \
    || die "npm ci failed in $INSTALL_DIR"
  [[ -x "$INSTALL_DIR/node_modules/.bin/chroma" ]] \
    || die "npm installed no chroma executable in $INSTALL_DIR/node_modules/.bin"
  echo "$want" > "$stamp"
}

start() {
  # The tests also need the official JS client from this checkout's install, even when a
  # server (perhaps another checkout's) already answers on the port.
  check_node
  install
  if healthy; then
    say "Chroma already answers on $URL"
    return 0
  fi
  if pid="$(running_pid)"; then
    say "Chroma (pid $pid) is starting already; waiting for it"
  else
    mkdir -p "$DATA_DIR"
    say "starting Chroma on $URL (data ${DATA_DIR#"$ROOT"/}, log ${LOG#"$ROOT"/})"
    # setsid + nohup: the server outlives this script and the shell that called it.
    (cd "$INSTALL_DIR" && exec setsid nohup npx --no-install chroma run \
      --path "$DATA_DIR" --host "$HOST" --port "$PORT" >"$LOG" 2>&1 </dev/null) &
    echo $! > "$PID_FILE"
  fi
  local deadline=$((SECONDS + TIMEOUT))
  until healthy; do
    if ! running_pid >/dev/null; then
      tail -n 30 "$LOG" >&2 || true
      rm -f "$PID_FILE"
      die "Chroma exited before answering on $URL (log above, full log in $LOG)"
    fi
    if ((SECONDS >= deadline)); then
      tail -n 30 "$LOG" >&2 || true
      die "Chroma did not answer $URL/api/v2/heartbeat within ${TIMEOUT}s (log in $LOG)"
    fi
    sleep 0.5
  done
  say "Chroma is up on $URL"
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  *) die "usage: $0 [start|stop]" ;;
esac
