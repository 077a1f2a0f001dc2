#!/usr/bin/env bash
# The fleet's servers for tests and the bench (docs/fleet.md): nats-server with JetStream and a
# PostgreSQL cluster, both in DIR, both listening on 127.0.0.1 only, on free ports.
#   scripts/test-servers.sh start DIR   -> prints SVA_TEST_NATS_URL=... and SVA_TEST_PG_URL=... (also in DIR/env)
#   scripts/test-servers.sh stop DIR    -> stops both and removes DIR
# As root, PostgreSQL runs as the `postgres` user (created when missing).
set -euo pipefail
cmd=${1:?start|stop}
dir=${2:?DIR}
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
NATS=${NATS_SERVER:-$(command -v nats-server || echo /usr/sbin/nats-server)}

free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close();})"
}

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

stop() {
  if [ -f "$dir/nats.pid" ]; then kill "$(cat "$dir/nats.pid")" 2>/dev/null || true; fi
  if [ -f "$dir/pg/postmaster.pid" ]; then as_pg "$PGBIN/pg_ctl" -D "$dir/pg" -m immediate -w stop >/dev/null 2>&1 || true; fi
  rm -rf "$dir"
}

case "$cmd" in
  start)
    if [ ! -x "$NATS" ]; then echo "test-servers: nats-server not found (apt-get install nats-server)" >&2; exit 1; fi
    if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then echo "test-servers: PostgreSQL's initdb not found (apt-get install postgresql)" >&2; exit 1; fi
    if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then useradd --system --no-create-home --shell /usr/sbin/nologin postgres; fi
    mkdir -p "$dir"
    chmod 755 "$dir" # the postgres user reaches its data directory inside
    nport=$(free_port)
    "$NATS" -js -a 127.0.0.1 -p "$nport" -sd "$dir/nats-store" >"$dir/nats.log" 2>&1 &
    echo $! >"$dir/nats.pid"
    mkdir -p "$dir/pg" "$dir/sock"
    [ "$(id -u)" = 0 ] && chown postgres "$dir/pg" "$dir/sock"
    as_pg "$PGBIN/initdb" -D "$dir/pg" -U postgres --auth=trust -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; stop; exit 1; }
    pport=$(free_port)
    as_pg "$PGBIN/pg_ctl" -D "$dir/pg" -w -t 30 -l "$dir/pg/server.log" \
      -o "-c listen_addresses=127.0.0.1 -p $pport -k $dir/sock -c fsync=off -c max_connections=200" start >/dev/null \
      || { cat "$dir/pg/server.log" >&2; stop; exit 1; }
    for _ in $(seq 1 50); do
      if (exec 3<>/dev/tcp/127.0.0.1/"$nport") 2>/dev/null; then break; fi
      sleep 0.1
    done
    if ! (exec 3<>/dev/tcp/127.0.0.1/"$nport") 2>/dev/null; then cat "$dir/nats.log" >&2; stop; exit 1; fi
    {
      echo "SVA_TEST_NATS_URL=nats://127.0.0.1:$nport"
      echo "SVA_TEST_PG_URL=postgres://postgres@127.0.0.1:$pport/postgres"
    } | tee "$dir/env"
    ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
