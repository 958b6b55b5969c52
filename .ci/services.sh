#!/usr/bin/env bash
# Starts (installing first, where missing) every service the integration tests need:
# PostgreSQL on 127.0.0.1:5432 (database "test", user postgres, trust auth), Redis on
# 127.0.0.1:6379 and a Chroma server on 127.0.0.1:8000. Idempotent. Exits non-zero, naming the
# service, when one cannot be had: tests must fail, never skip.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
say() { echo "services.sh: $*"; }
die() { echo "services.sh: ERROR: $*" >&2; exit 1; }

apt_updated=0
apt_install() {
  command -v apt-get >/dev/null 2>&1 || die "cannot install $*: no apt-get on this machine"
  if [[ $apt_updated == 0 ]]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq || die "apt-get update failed"
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null || die "apt-get install $* failed"
}

wait_for() { # name, seconds, command...
  local name=$1 secs=$2; shift 2
  local deadline=$((SECONDS + secs))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || die "$name did not come up within ${secs}s"
    sleep 0.5
  done
}

# ---- PostgreSQL ----
if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  say "installing PostgreSQL"
  apt_install postgresql postgresql-client
fi
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  say "starting PostgreSQL"
  version="$(ls /etc/postgresql | sort -V | tail -1)"
  [[ -n "$version" ]] || die "PostgreSQL is installed but has no cluster in /etc/postgresql"
  hba="/etc/postgresql/$version/main/pg_hba.conf"
  if ! grep -q '^host all all 127.0.0.1/32 trust' "$hba"; then
    # the tests connect as postgres without a password, as on the development machines
    sed -i '1i host all all 127.0.0.1/32 trust' "$hba"
  fi
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || die "PostgreSQL failed to start"
  wait_for PostgreSQL 60 pg_isready -q -h 127.0.0.1 -p 5432
fi
psql -h 127.0.0.1 -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='test'" | grep -q 1 \
  || psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE test" \
  || die "cannot create database test as user postgres on 127.0.0.1:5432"
psql -h 127.0.0.1 -U postgres -d test -qtAc "SELECT 1" >/dev/null \
  || die "cannot connect to PostgreSQL database test as postgres on 127.0.0.1:5432"
say "PostgreSQL ready"

# ---- Redis ----
if ! command -v redis-server >/dev/null 2>&1; then
  say "installing Redis"
  apt_install redis-server
fi
if ! redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; then
  say "starting Redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log || die "Redis failed to start"
  wait_for Redis 30 sh -c 'redis-cli -h 127.0.0.1 -p 6379 ping | grep -q PONG'
fi
say "Redis ready"

# ---- Chroma ----
if ! command -v npm >/dev/null 2>&1; then
  say "installing Node.js and npm for Chroma"
  apt_install nodejs npm
fi
bash "$ROOT/.ci/chroma.sh" || die "Chroma could not be started"
say "Chroma ready"
