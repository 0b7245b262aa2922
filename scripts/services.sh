#!/usr/bin/env bash
# Makes PostgreSQL, Redis and the MQTT broker reachable for Threadline, and exports DATABASE_URL,
# REDIS_URL and MQTT_URL.
# Source it (`. scripts/services.sh`). Uses DATABASE_URL / REDIS_URL / MQTT_URL when set; otherwise starts the
# local servers when installed but down, installs them from Debian packages when missing and
# running as root, and otherwise stops saying exactly what to install. Nothing else in the project
# starts services.

tl_log() { printf '\033[36m[services]\033[0m %s\n' "$*" >&2; }
tl_fail() { printf '\033[31m[services]\033[0m %s\n' "$*" >&2; return 1; }

tl_wait() { # tl_wait <description> <command...>: up to 30 s for the command to succeed
  local what=$1; shift
  for _ in $(seq 1 60); do "$@" >/dev/null 2>&1 && return 0; sleep 0.5; done
  tl_fail "$what did not become ready within 30 s"
}

tl_apt_install() {
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then return 1; fi
  tl_log "installing $* from Debian packages"
  if [ -z "${TL_APT_UPDATED:-}" ]; then apt-get update -qq >/dev/null && TL_APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

tl_pg_ready() { pg_isready -q -d "$1"; }

tl_postgres() {
  if [ -n "${DATABASE_URL:-}" ]; then
    command -v pg_isready >/dev/null || tl_apt_install postgresql-client || true
    if command -v pg_isready >/dev/null && ! tl_pg_ready "$DATABASE_URL"; then
      tl_fail "DATABASE_URL is set but PostgreSQL does not answer there; start that server or unset DATABASE_URL to use a local one"
      return 1
    fi
    return 0
  fi
  export DATABASE_URL="postgres://postgres@127.0.0.1:5432/threadline"
  local local_url="postgres://postgres@127.0.0.1:5432/postgres"
  if command -v pg_isready >/dev/null && tl_pg_ready "$local_url"; then return 0; fi
  if ! command -v pg_ctlcluster >/dev/null || [ -z "$(ls /etc/postgresql 2>/dev/null)" ]; then
    tl_apt_install postgresql || {
      tl_fail "PostgreSQL is not installed. Install PostgreSQL 15 or newer (Debian/Ubuntu: sudo apt-get install postgresql), or set DATABASE_URL to a server you have."
      return 1
    }
    local version; version=$(ls /etc/postgresql | sort -V | tail -n 1)
    # A fresh local install: let the postgres user connect over loopback without a password.
    sed -i '1i host all postgres 127.0.0.1/32 trust\nhost all postgres ::1/128 trust' "/etc/postgresql/$version/main/pg_hba.conf"
  fi
  local version; version=$(ls /etc/postgresql | sort -V | tail -n 1)
  tl_log "starting PostgreSQL $version"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || pg_ctlcluster "$version" main start
  tl_wait "PostgreSQL" pg_isready -q -d "$local_url"
}

tl_redis() {
  if [ -n "${REDIS_URL:-}" ]; then
    if command -v redis-cli >/dev/null && ! redis-cli -u "$REDIS_URL" ping >/dev/null 2>&1; then
      tl_fail "REDIS_URL is set but Redis does not answer there; start that server or unset REDIS_URL to use a local one"
      return 1
    fi
    return 0
  fi
  export REDIS_URL="redis://127.0.0.1:6379"
  if command -v redis-cli >/dev/null && redis-cli -u "$REDIS_URL" ping >/dev/null 2>&1; then return 0; fi
  if ! command -v redis-server >/dev/null; then
    tl_apt_install redis-server || {
      tl_fail "Redis is not installed. Install Redis 7 (Debian/Ubuntu: sudo apt-get install redis-server), or set REDIS_URL to a server you have."
      return 1
    }
  fi
  tl_log "starting Redis"
  mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --maxmemory-policy noeviction --dir "$( [ -w /var/lib/redis ] && echo /var/lib/redis || echo /tmp )" \
    --logfile "$( [ -w /var/log/redis ] && echo /var/log/redis/threadline.log || echo /tmp/threadline-redis.log )"
  tl_wait "Redis" redis-cli -u "$REDIS_URL" ping
}

tl_tcp_open() { # tl_tcp_open <host> <port>
  (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

tl_mqtt() {
  local url="${MQTT_URL:-mqtt://127.0.0.1:1883}" hostport host port
  hostport=${url#*://}; hostport=${hostport%%/*}; host=${hostport%%:*}; port=${hostport##*:}
  [ "$port" = "$hostport" ] && port=1883
  if [ -n "${MQTT_URL:-}" ]; then
    tl_tcp_open "$host" "$port" || { tl_fail "MQTT_URL is set but no broker answers at $host:$port; start it or unset MQTT_URL"; return 1; }
    return 0
  fi
  export MQTT_URL="$url"
  if tl_tcp_open "$host" "$port"; then return 0; fi
  if ! command -v mosquitto >/dev/null; then
    tl_apt_install mosquitto || {
      tl_fail "No MQTT broker. Install Mosquitto (Debian/Ubuntu: sudo apt-get install mosquitto), or set MQTT_URL to a broker you have."
      return 1
    }
  fi
  tl_log "starting Mosquitto"
  if [ -f /etc/mosquitto/mosquitto.conf ]; then mosquitto -d -c /etc/mosquitto/mosquitto.conf; else mosquitto -d -p 1883; fi
  tl_wait "Mosquitto" tl_tcp_open "$host" "$port"
}

tl_postgres && tl_redis && tl_mqtt && tl_log "PostgreSQL, Redis and the MQTT broker are reachable"
