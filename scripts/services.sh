# Throwaway PostgreSQL and S3 (s3rver) servers on 127.0.0.1 for the tests. Sourced by ./test.sh:
#   keel_services_start   installs what is missing, starts both, waits until they answer, exports
#                         KEEL_TEST_POSTGRES, KEEL_TEST_S3_ENDPOINT, KEEL_TEST_S3_BUCKET, AWS_ACCESS_KEY_ID and
#                         AWS_SECRET_ACCESS_KEY; returns non-zero with the reason on stderr when one cannot start.
#   keel_services_stop    stops what keel_services_start started and removes its temp folder; safe to call twice.
# A service whose variable is already set (KEEL_TEST_POSTGRES, KEEL_TEST_S3_ENDPOINT) is used as given, not started,
# so a developer can point the tests at servers of their own.
# Works as root (PostgreSQL then runs as the postgres user, since it refuses root) and as an ordinary user.

KEEL_S3RVER_VERSION=4.0.4
KEEL_S3RVER_CACHE="${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/keel-test/s3rver-$KEEL_S3RVER_VERSION"
KEEL_SERVICES_SCRIPTS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
keel_services_dir=""
keel_pg_data=""
keel_pg_bin=""
keel_s3_pid=""

keel_sudo() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# apt-get install, running apt-get update once when the package lists are stale or missing (fresh machines).
keel_apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  echo "installing Debian packages: $*"
  keel_sudo apt-get install -y "$@" >/dev/null 2>&1 && return 0
  echo "install failed; running apt-get update and retrying"
  keel_sudo apt-get update >/dev/null && keel_sudo apt-get install -y "$@" >/dev/null
}

keel_free_port() {
  node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

# Runs a PostgreSQL binary as the postgres user when we are root: the server refuses to run as root.
keel_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

keel_install_postgres() {
  keel_pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$keel_pg_bin" ] || [ ! -x "$keel_pg_bin/initdb" ]; then
    keel_apt_install postgresql || { echo "error: could not install PostgreSQL (apt-get install -y postgresql)" >&2; return 1; }
    keel_pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  fi
  [ -x "$keel_pg_bin/initdb" ] || { echo "error: PostgreSQL installed but no initdb under /usr/lib/postgresql/*/bin" >&2; return 1; }
}

# node runs s3rver and picks free ports.
keel_ensure_node() {
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    keel_apt_install nodejs npm || { echo "error: could not install node and npm (apt-get install -y nodejs npm)" >&2; return 1; }
  fi
}

keel_install_s3rver() {
  # Loading it, not just finding its folder, also catches an install that was interrupted halfway.
  NODE_PATH="$KEEL_S3RVER_CACHE/node_modules" node -e 'require("@20minutes/s3rver")' >/dev/null 2>&1 && return 0
  echo "installing @20minutes/s3rver@$KEEL_S3RVER_VERSION into $KEEL_S3RVER_CACHE"
  mkdir -p "$KEEL_S3RVER_CACHE"
  # A throwaway package.json keeps npm from walking up into an unrelated project.
  [ -f "$KEEL_S3RVER_CACHE/package.json" ] || echo '{"private":true}' >"$KEEL_S3RVER_CACHE/package.json"
  if ! (cd "$KEEL_S3RVER_CACHE" && npm install --no-audit --no-fund --loglevel=error "@20minutes/s3rver@$KEEL_S3RVER_VERSION" >/dev/null); then
    echo "error: npm install @20minutes/s3rver@$KEEL_S3RVER_VERSION failed" >&2
    return 1
  fi
}

keel_start_postgres() {
  keel_install_postgres || return 1
  local pg_root="$keel_services_dir/postgres" port
  mkdir -p "$pg_root"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$pg_root"
  keel_pg_data="$pg_root/data"
  if ! keel_pg "$keel_pg_bin/initdb" -D "$keel_pg_data" --auth=trust --username=postgres --encoding=UTF8 --no-sync \
      >"$pg_root/initdb.log" 2>&1; then
    echo "error: initdb failed:" >&2; cat "$pg_root/initdb.log" >&2
    keel_pg_data=""
    return 1
  fi
  # A free port can be taken between choosing and binding it; try a few.
  for _ in 1 2 3; do
    port=$(keel_free_port) || return 1
    if keel_pg "$keel_pg_bin/pg_ctl" start -w -t 60 -D "$keel_pg_data" -l "$pg_root/server.log" \
        -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$pg_root -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        >/dev/null 2>&1; then
      break
    fi
    port=""
  done
  if [ -z "$port" ] || ! "$keel_pg_bin/pg_isready" -q -h 127.0.0.1 -p "$port" -t 30; then
    echo "error: PostgreSQL did not start; its log:" >&2; cat "$pg_root/server.log" >&2 2>/dev/null
    return 1
  fi
  export KEEL_TEST_POSTGRES="postgresql://postgres@127.0.0.1:$port/postgres"
  echo "PostgreSQL $("$keel_pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
}

keel_start_s3() {
  keel_install_s3rver || return 1
  local s3_root="$keel_services_dir/s3" port
  mkdir -p "$s3_root/data"
  for _ in 1 2 3; do
    port=$(keel_free_port) || return 1
    NODE_PATH="$KEEL_S3RVER_CACHE/node_modules" node "$KEEL_SERVICES_SCRIPTS/s3rver/server.js" "$port" "$s3_root/data" keel-test \
      >"$s3_root/server.log" 2>&1 &
    keel_s3_pid=$!
    for _ in $(seq 1 100); do
      grep -q '^ready$' "$s3_root/server.log" 2>/dev/null && break 2
      kill -0 "$keel_s3_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill "$keel_s3_pid" 2>/dev/null; wait "$keel_s3_pid" 2>/dev/null
    keel_s3_pid=""
  done
  if [ -z "$keel_s3_pid" ]; then
    echo "error: s3rver did not start; its log:" >&2; cat "$s3_root/server.log" >&2
    return 1
  fi
  export KEEL_TEST_S3_ENDPOINT="http://127.0.0.1:$port" KEEL_TEST_S3_BUCKET=keel-test
  export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER
  echo "s3rver $KEEL_S3RVER_VERSION on 127.0.0.1:$port, bucket keel-test"
}

keel_services_start() {
  keel_services_dir=$(mktemp -d "${TMPDIR:-/tmp}/keel-services.XXXXXX") || return 1
  # The postgres user must reach its data folder inside our temp folder.
  chmod 755 "$keel_services_dir"
  keel_ensure_node || return 1
  if [ -z "${KEEL_TEST_POSTGRES:-}" ]; then
    keel_start_postgres || return 1
  fi
  if [ -z "${KEEL_TEST_S3_ENDPOINT:-}" ]; then
    keel_start_s3 || return 1
  fi
}

keel_services_stop() {
  if [ -n "$keel_s3_pid" ]; then
    kill "$keel_s3_pid" 2>/dev/null && wait "$keel_s3_pid" 2>/dev/null
    keel_s3_pid=""
  fi
  if [ -n "$keel_pg_data" ] && [ -f "$keel_pg_data/postmaster.pid" ]; then
    # Immediate: a throwaway cluster needs no checkpoint on the way out.
    keel_pg "$keel_pg_bin/pg_ctl" stop -m immediate -w -D "$keel_pg_data" >/dev/null 2>&1 ||
      kill -9 "$(head -n 1 "$keel_pg_data/postmaster.pid")" 2>/dev/null
  fi
  keel_pg_data=""
  if [ -n "$keel_services_dir" ]; then
    rm -rf "$keel_services_dir"
    keel_services_dir=""
  fi
}
