#!/usr/bin/env bash
# FlowBalance benchmark: FlowBalance vs a bare YARP app vs HAProxy vs nginx vs the backend itself.
#
#   bench/run.sh                 throughput/latency/CPU/memory table (small and 16 KiB responses)
#   bench/run.sh --failover      kill one backend mid-run under each proxy and count client errors
#   bench/run.sh --scale         100 services x 10 backends: startup time, idle memory, health-check CPU
#   bench/run.sh --edge          the edge rows only: HTTPS (TLS to the proxy, HTTP/1.1 keep-alive, wrk) and
#                                h2c (cleartext HTTP/2 with prior knowledge, h2load) for FlowBalance, bare YARP,
#                                HAProxy and nginx; the same as --targets with the eight *-https and *-h2c targets
#   options: --rounds N (5) --duration SECONDS (6) --connections N (64)
#            --targets a,b,...  (table mode; default: flowbalance,flowbalance+plugin,yarp,haproxy,nginx,direct;
#                         also flowbalance-noobs (metrics and request log off), flowbalance+limits, flowbalance+ratelimit
#                         (rate_limit by ip, never reached: what the check costs), flowbalance-defaultgc, yarp-gen0,
#                         flowbalance-noadmin (admin.enabled = false), flowbalance+dashboard (the admin plane with one
#                         dashboard open: a headless chromium logged in, its live overview pushed every second),
#                         and the edge targets flowbalance-https, yarp-https, haproxy-https, nginx-https,
#                         flowbalance-h2c, yarp-h2c, haproxy-h2c, nginx-h2c)
#            --base DLL   adds the target flowbalance-base: another build of FlowBalance.Host.dll (e.g. the
#                         previous commit's) on the same config, for an interleaved A/B in one run
#
# Proxies run pinned to CPU 0; wrk, h2load and the nginx backends to CPU 1 (taskset). Backends are always
# plain HTTP/1.1. The HTTPS targets all serve one certificate made per run with openssl (EC P-256, a CA and
# a leaf for bench.test and 127.0.0.1, in the run's work dir); wrk does not check it. The h2c targets are
# driven by h2load with 16 connections x (connections / 16) streams each, so as many requests are in
# flight as wrk has connections (64). Needs wrk, h2load, haproxy, nginx, openssl (Debian packages;
# installed when missing and running as root) and the .NET 10 SDK.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
ROUNDS=5 DURATION=6 CONNECTIONS=64 MODE=table BASE_DLL=
TARGETS=(flowbalance flowbalance+plugin yarp haproxy nginx direct)
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --targets) IFS=, read -r -a TARGETS <<< "$2"; shift 2 ;;
    --base) BASE_DLL=$(realpath "$2"); shift 2 ;;
    --failover) MODE=failover; shift ;;
    --scale) MODE=scale; shift ;;
    --edge) TARGETS=(flowbalance-https yarp-https haproxy-https nginx-https flowbalance-h2c yarp-h2c haproxy-h2c nginx-h2c); shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

PROXY_CPU=0 LOAD_CPU=1
B1=9101 B2=9102
declare -A PORT=([flowbalance]=9200 [yarp]=9201 [haproxy]=9202 [nginx]=9203 [direct]=$B1 [flowbalance+plugin]=9204 [flowbalance-base]=9205 [flowbalance+limits]=9206 [flowbalance-defaultgc]=9207 [yarp-gen0]=9208 [flowbalance-noobs]=9209
  [flowbalance-noadmin]=9218 [flowbalance+dashboard]=9219 [flowbalance+ratelimit]=9220
  [flowbalance-https]=9210 [flowbalance-h2c]=9211 [yarp-https]=9212 [yarp-h2c]=9213 [haproxy-https]=9214 [haproxy-h2c]=9215
  [nginx-https]=9216 [nginx-h2c]=9217)
H2_CONNECTIONS=16
for t in "${TARGETS[@]}"; do
  [ -n "${PORT[$t]:-}" ] || { echo "unknown target '$t' (targets: ${!PORT[*]})" >&2; exit 2; }
done
WORK=$(mktemp -d /tmp/flowbalance-bench.XXXXXX)
chmod 755 "$WORK"   # the nginx workers (user nobody) read the 16 KiB body from here
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for conf in "$WORK"/nginx-*.conf; do [ -f "$conf" ] && nginx -c "$conf" -p "$WORK" -s stop 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

need() {
  local missing=()
  for tool in wrk h2load haproxy nginx openssl taskset; do command -v "$tool" >/dev/null || missing+=("$tool"); done
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nghttp2-client haproxy nginx openssl util-linux >/dev/null
    else
      echo "missing: ${missing[*]} (apt-get install wrk nghttp2-client haproxy nginx openssl)" >&2; exit 1
    fi
  fi
  # For the allocation column only; the table is complete without it.
  command -v dotnet-counters >/dev/null || [ -x "$HOME/.dotnet/tools/dotnet-counters" ] ||
    dotnet tool install --global dotnet-counters > /dev/null 2>&1 || true
}

wait_http() { # url [curl options]
  for _ in $(seq 1 200); do curl -s -o /dev/null "${@:2}" "$1" && return 0; sleep 0.05; done
  echo "no answer from $1" >&2; exit 1
}

# --- backends: one nginx per backend, so one can be killed alone -------------------------
head -c 16384 /dev/zero | tr '\0' 'x' > "$WORK/16k"
start_backend() { # name port
  cat > "$WORK/nginx-$1.conf" <<CONF
worker_processes 1;
daemon on;
pid $WORK/nginx-$1.pid;
error_log $WORK/nginx-$1.err warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$2 backlog=4096;
    location = /small  { default_type text/plain; return 200 "hello from $1\n"; }
    location = /16k    { default_type text/plain; alias $WORK/16k; }
    location = /health { return 200 "ok\n"; }
  }
}
CONF
  taskset -c $LOAD_CPU nginx -c "$WORK/nginx-$1.conf" -p "$WORK"
  wait_http "http://127.0.0.1:$2/health"
}
kill_backend() { # name: a crash, not a graceful stop
  local master; master=$(cat "$WORK/nginx-$1.pid")
  kill -STOP "$master" 2>/dev/null || true   # so it cannot respawn the worker we kill next
  pkill -9 -P "$master" 2>/dev/null || true; kill -9 "$master" 2>/dev/null || true
  rm -f "$WORK/nginx-$1.pid"
  while ss -tln | grep -q "127.0.0.1:$2 "; do sleep 0.05; done   # the port is free again
}

# --- proxies -------------------------------------------------------------------------------
# The one certificate every HTTPS target serves: a CA and a leaf (EC P-256, SAN bench.test and 127.0.0.1).
make_certificate() {
  local dir=$WORK/tls; mkdir -p "$dir"
  openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 7 -subj "/CN=FlowBalance bench CA" \
    -keyout "$dir/ca.key" -out "$dir/ca.pem" 2>/dev/null
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=bench.test" \
    -keyout "$dir/key.pem" -out "$dir/leaf.csr" 2>/dev/null
  printf 'subjectAltName = DNS:bench.test, IP:127.0.0.1\nbasicConstraints = CA:FALSE\nkeyUsage = digitalSignature\nextendedKeyUsage = serverAuth\n' > "$dir/leaf.ext"
  openssl x509 -req -in "$dir/leaf.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial -days 7 \
    -extfile "$dir/leaf.ext" -out "$dir/leaf.pem" 2>/dev/null
  cat "$dir/leaf.pem" "$dir/ca.pem" > "$dir/fullchain.pem"
  cat "$dir/fullchain.pem" "$dir/key.pem" > "$dir/combined.pem"   # HAProxy's crt: chain and key in one file
}

write_proxy_configs() {
  cat > "$WORK/flowbalance.conf" <<CONF
flowbalance {
  backends = ["http://127.0.0.1:$B1", "http://127.0.0.1:$B2"]
  activeHealthChecks { interval = 10 }
  plugins_dir = "$WORK/no-plugins"
}
akka { loglevel = WARNING, stdout-loglevel = WARNING }
CONF
  # The same with one trivial plugin: the Headers sample setting one response header.
  mkdir -p "$WORK/plugins/Headers"
  cp "$ROOT"/plugins/Headers/FlowBalance.Plugins.Headers.{dll,deps.json} "$WORK/plugins/Headers/"
  sed -e "s|$WORK/no-plugins|$WORK/plugins|" "$WORK/flowbalance.conf" > "$WORK/flowbalance-plugin.conf"
  cat >> "$WORK/flowbalance-plugin.conf" <<CONF
flowbalance.plugins.Headers { response { set { X-Bench = "1" } } }
CONF
  # The same with max_connections on (never reached at 64 connections): what counting places costs.
  cp "$WORK/flowbalance.conf" "$WORK/flowbalance-limits.conf"
  echo 'flowbalance { max_connections = 10000, max_queue = 100 }' >> "$WORK/flowbalance-limits.conf"
  # The same with a rate limit per client address that 64 connections never reach: what the check costs.
  cp "$WORK/flowbalance.conf" "$WORK/flowbalance-ratelimit.conf"
  echo 'flowbalance { rate_limit { requests_per_second = 1000000, burst = 1000000, key = ip } }' >> "$WORK/flowbalance-ratelimit.conf"
  # Observability off (no metrics, no request log): what the defaults cost per request.
  cp "$WORK/flowbalance.conf" "$WORK/flowbalance-noobs.conf"
  printf 'flowbalance.metrics.enabled = false\nflowbalance.request_log.enabled = false\n' >> "$WORK/flowbalance-noobs.conf"
  # The other build keeps its own admin state: an older one refuses a database a newer one migrated.
  cp "$WORK/flowbalance.conf" "$WORK/flowbalance-base.conf"
  echo "flowbalance.admin.state_dir = \"$WORK/base-state\"" >> "$WORK/flowbalance-base.conf"
  # The admin plane off; and on (as in every other row) with one dashboard open, its state in its own folder.
  cp "$WORK/flowbalance.conf" "$WORK/flowbalance-noadmin.conf"
  echo 'flowbalance.admin.enabled = false' >> "$WORK/flowbalance-noadmin.conf"
  cp "$WORK/flowbalance.conf" "$WORK/flowbalance-dashboard.conf"
  echo "flowbalance.admin.state_dir = \"$WORK/dashboard-state\"" >> "$WORK/flowbalance-dashboard.conf"
  # The edge rows: the same with an HTTPS listener (HTTP/1.1 + HTTP/2 by ALPN) or an h2c one, each alone.
  cp "$WORK/flowbalance.conf" "$WORK/flowbalance-https.conf"
  cat >> "$WORK/flowbalance-https.conf" <<CONF
flowbalance {
  listen = ["https://127.0.0.1:${PORT[flowbalance-https]}"]
  tls { certificates = [{ cert = "$WORK/tls/fullchain.pem", key = "$WORK/tls/key.pem" }], default = "bench.test" }
}
CONF
  cp "$WORK/flowbalance.conf" "$WORK/flowbalance-h2c.conf"
  echo "flowbalance.listen = [{ url = \"http://127.0.0.1:${PORT[flowbalance-h2c]}\", protocols = h2c }]" >> "$WORK/flowbalance-h2c.conf"
  haproxy_config "bind 127.0.0.1:${PORT[haproxy]}" > "$WORK/haproxy.cfg"
  haproxy_config "bind 127.0.0.1:${PORT[haproxy-https]} ssl crt $WORK/tls/combined.pem alpn h2,http/1.1" > "$WORK/haproxy-https.cfg"
  haproxy_config "bind 127.0.0.1:${PORT[haproxy-h2c]} proto h2" > "$WORK/haproxy-h2c.cfg"
  nginx_proxy_config proxy "listen 127.0.0.1:${PORT[nginx]} backlog=4096;" > "$WORK/nginx-proxy.conf"
  # The edge rows keep client connections open like the other proxies do: at nginx's default of 1,000
  # requests per connection, h2load's clients stop at the first GOAWAY and wrk re-handshakes TLS.
  # nginx 1.22's default ssl_protocols stop at TLS 1.2; the others offer 1.2 and 1.3.
  nginx_proxy_config proxy-https "listen 127.0.0.1:${PORT[nginx-https]} ssl http2 backlog=4096;
    ssl_certificate $WORK/tls/fullchain.pem;
    ssl_certificate_key $WORK/tls/key.pem;
    ssl_protocols TLSv1.2 TLSv1.3;
    keepalive_requests 1000000;" > "$WORK/nginx-proxy-https.conf"
  nginx_proxy_config proxy-h2c "listen 127.0.0.1:${PORT[nginx-h2c]} http2 backlog=4096;
    keepalive_requests 1000000;" > "$WORK/nginx-proxy-h2c.conf"
}

haproxy_config() { # bind line
  cat <<CONF
global
  nbthread 1
  maxconn 4000
defaults
  mode http
  timeout connect 5s
  timeout client 30s
  timeout server 30s
  retries 3
  option redispatch 1
  retry-on all-retryable-errors
  http-reuse always
frontend fe
  $1
  default_backend be
backend be
  balance roundrobin
  option httpchk GET /health
  server b1 127.0.0.1:$B1 check inter 10s
  server b2 127.0.0.1:$B2 check inter 10s
CONF
}

nginx_proxy_config() { # name listen-lines
  cat <<CONF
worker_processes 1;
daemon on;
pid $WORK/nginx-$1.pid;
error_log $WORK/nginx-$1.err warn;
events { worker_connections 4096; }
http {
  access_log off;
  upstream be { server 127.0.0.1:$B1; server 127.0.0.1:$B2; keepalive 128; }
  server {
    $2
    location / { proxy_pass http://be; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_next_upstream error timeout; }
  }
}
CONF
}

# FlowBalance runs with the GC settings its launch profile ships (src/Host/Properties/launchSettings.json;
# the runtime reads the gen0 budget only from the environment); flowbalance-defaultgc runs without them,
# yarp-gen0 is bare YARP with them.
FB_GC=(DOTNET_GCgen0size=0x400000)
start_proxy() { # name -> sets PROXY_PID (the process whose CPU and memory are measured)
  case "$1" in
    flowbalance-defaultgc)
      taskset -c $PROXY_CPU dotnet "$ROOT/src/Host/bin/Release/net10.0/FlowBalance.Host.dll" --config "$WORK/flowbalance.conf" \
        --listen "http://127.0.0.1:${PORT[$1]}" > "$WORK/flowbalance-defaultgc.log" 2>&1 &
      PROXY_PID=$!; PIDS+=("$PROXY_PID") ;;
    flowbalance)
      env "${FB_GC[@]}" taskset -c $PROXY_CPU dotnet "$ROOT/src/Host/bin/Release/net10.0/FlowBalance.Host.dll" --config "$WORK/flowbalance.conf" \
        --listen "http://127.0.0.1:${PORT[flowbalance]}" > "$WORK/flowbalance.log" 2>&1 &
      PROXY_PID=$!; PIDS+=("$PROXY_PID") ;;
    flowbalance-noobs)
      env "${FB_GC[@]}" taskset -c $PROXY_CPU dotnet "$ROOT/src/Host/bin/Release/net10.0/FlowBalance.Host.dll" --config "$WORK/flowbalance-noobs.conf" \
        --listen "http://127.0.0.1:${PORT[$1]}" > "$WORK/flowbalance-noobs.log" 2>&1 &
      PROXY_PID=$!; PIDS+=("$PROXY_PID") ;;
    flowbalance-noadmin)
      env "${FB_GC[@]}" taskset -c $PROXY_CPU dotnet "$ROOT/src/Host/bin/Release/net10.0/FlowBalance.Host.dll" --config "$WORK/flowbalance-noadmin.conf" \
        --listen "http://127.0.0.1:${PORT[$1]}" > "$WORK/flowbalance-noadmin.log" 2>&1 &
      PROXY_PID=$!; PIDS+=("$PROXY_PID") ;;
    flowbalance+dashboard)
      env "${FB_GC[@]}" FLOWBALANCE_ADMIN_TOKEN="$DASHBOARD_TOKEN" taskset -c $PROXY_CPU dotnet "$ROOT/src/Host/bin/Release/net10.0/FlowBalance.Host.dll" \
        --config "$WORK/flowbalance-dashboard.conf" --listen "http://127.0.0.1:${PORT[$1]}" > "$WORK/flowbalance-dashboard.log" 2>&1 &
      PROXY_PID=$!; PIDS+=("$PROXY_PID") ;;
    flowbalance+limits)
      env "${FB_GC[@]}" taskset -c $PROXY_CPU dotnet "$ROOT/src/Host/bin/Release/net10.0/FlowBalance.Host.dll" --config "$WORK/flowbalance-limits.conf" \
        --listen "http://127.0.0.1:${PORT[$1]}" > "$WORK/flowbalance-limits.log" 2>&1 &
      PROXY_PID=$!; PIDS+=("$PROXY_PID") ;;
    flowbalance+ratelimit)
      env "${FB_GC[@]}" taskset -c $PROXY_CPU dotnet "$ROOT/src/Host/bin/Release/net10.0/FlowBalance.Host.dll" --config "$WORK/flowbalance-ratelimit.conf" \
        --listen "http://127.0.0.1:${PORT[$1]}" > "$WORK/flowbalance-ratelimit.log" 2>&1 &
      PROXY_PID=$!; PIDS+=("$PROXY_PID") ;;
    flowbalance-base)
      [ -f "$BASE_DLL" ] || { echo "flowbalance-base needs --base path/to/FlowBalance.Host.dll" >&2; exit 2; }
      env "${FB_GC[@]}" taskset -c $PROXY_CPU dotnet "$BASE_DLL" --config "$WORK/flowbalance-base.conf" \
        --listen "http://127.0.0.1:${PORT[$1]}" > "$WORK/flowbalance-base.log" 2>&1 &
      PROXY_PID=$!; PIDS+=("$PROXY_PID") ;;
    flowbalance+plugin)
      env "${FB_GC[@]}" taskset -c $PROXY_CPU dotnet "$ROOT/src/Host/bin/Release/net10.0/FlowBalance.Host.dll" --config "$WORK/flowbalance-plugin.conf" \
        --listen "http://127.0.0.1:${PORT[$1]}" > "$WORK/flowbalance-plugin.log" 2>&1 &
      PROXY_PID=$!; PIDS+=("$PROXY_PID") ;;
    yarp)
      taskset -c $PROXY_CPU dotnet "$ROOT/bench/BareYarp/bin/Release/net10.0/BareYarp.dll" "http://127.0.0.1:${PORT[yarp]}" \
        "http://127.0.0.1:$B1" "http://127.0.0.1:$B2" > "$WORK/yarp.log" 2>&1 &
      PROXY_PID=$!; PIDS+=("$PROXY_PID") ;;
    flowbalance-https|flowbalance-h2c) # the listener is in the config (--listen has no h2c)
      env "${FB_GC[@]}" taskset -c $PROXY_CPU dotnet "$ROOT/src/Host/bin/Release/net10.0/FlowBalance.Host.dll" --config "$WORK/$1.conf" \
        > "$WORK/$1.log" 2>&1 &
      PROXY_PID=$!; PIDS+=("$PROXY_PID") ;;
    yarp-https)
      env BAREYARP_CERT="$WORK/tls/fullchain.pem" BAREYARP_KEY="$WORK/tls/key.pem" taskset -c $PROXY_CPU \
        dotnet "$ROOT/bench/BareYarp/bin/Release/net10.0/BareYarp.dll" "https://127.0.0.1:${PORT[$1]}" \
        "http://127.0.0.1:$B1" "http://127.0.0.1:$B2" > "$WORK/yarp-https.log" 2>&1 &
      PROXY_PID=$!; PIDS+=("$PROXY_PID") ;;
    yarp-h2c)
      env BAREYARP_PROTOCOLS=Http2 taskset -c $PROXY_CPU dotnet "$ROOT/bench/BareYarp/bin/Release/net10.0/BareYarp.dll" "http://127.0.0.1:${PORT[$1]}" \
        "http://127.0.0.1:$B1" "http://127.0.0.1:$B2" > "$WORK/yarp-h2c.log" 2>&1 &
      PROXY_PID=$!; PIDS+=("$PROXY_PID") ;;
    yarp-gen0) # bare YARP with FlowBalance's GC setting: what the runtime and YARP alone take
      env "${FB_GC[@]}" taskset -c $PROXY_CPU dotnet "$ROOT/bench/BareYarp/bin/Release/net10.0/BareYarp.dll" "http://127.0.0.1:${PORT[$1]}" \
        "http://127.0.0.1:$B1" "http://127.0.0.1:$B2" > "$WORK/yarp-gen0.log" 2>&1 &
      PROXY_PID=$!; PIDS+=("$PROXY_PID") ;;
    haproxy|haproxy-https|haproxy-h2c)
      taskset -c $PROXY_CPU haproxy -f "$WORK/$1.cfg" -db > "$WORK/$1.log" 2>&1 &
      PROXY_PID=$!; PIDS+=("$PROXY_PID") ;;
    nginx|nginx-https|nginx-h2c)
      taskset -c $PROXY_CPU nginx -c "$WORK/nginx-proxy${1#nginx}.conf" -p "$WORK"
      sleep 0.2; PROXY_PID=$(pgrep -P "$(cat "$WORK/nginx-proxy${1#nginx}.pid")" | head -1) ;;
    direct) PROXY_PID=$(pgrep -P "$(cat "$WORK/nginx-b1.pid")" | head -1) ;;
  esac
  case "$1" in
    *-https) # and serves the run's certificate; what a wrk connection negotiates (SNI 127.0.0.1, no ALPN) goes to stderr
      wait_http "$(target_url "$1" /small)" --cacert "$WORK/tls/ca.pem"
      echo "$1: $(openssl s_client -connect "127.0.0.1:${PORT[$1]}" -servername 127.0.0.1 < /dev/null 2>/dev/null |
        awk '/^New, / {sub(/,$/, "", $2); print $2, $NF}')" >&2 ;;
    *-h2c) wait_http "$(target_url "$1" /small)" --http2-prior-knowledge ;;
    *) wait_http "$(target_url "$1" /small)" ;;
  esac
  if [ "$1" = flowbalance+dashboard ]; then open_dashboard "$1"; fi
  if [ "$1" = flowbalance+plugin ] && ! curl -sI "http://127.0.0.1:${PORT[$1]}/small" | grep -qi '^X-Bench: 1'; then
    echo "the plugin row runs without its plugin; see $WORK/flowbalance-plugin.log" >&2; exit 1
  fi
}

DASHBOARD_TOKEN=fbt_bench-dashboard-0123456789abcdef
open_dashboard() { # target: a headless chromium (on the load CPU) logged in through the login URL, left open
  command -v chromium >/dev/null || { echo "flowbalance+dashboard needs chromium (apt-get install chromium)" >&2; exit 1; }
  taskset -c $LOAD_CPU chromium --headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --user-data-dir="$WORK/chromium" \
    --remote-debugging-port=0 "http://127.0.0.1:${PORT[$1]}/__lb_admin__/login?token=$DASHBOARD_TOKEN" > "$WORK/chromium.log" 2>&1 &
  PIDS+=($!)
  # Logged in (the audit log says so), then the circuit: a WebSocket that stays open.
  for _ in $(seq 1 300); do
    if curl -s -H "Authorization: Bearer $DASHBOARD_TOKEN" "http://127.0.0.1:${PORT[$1]}/__lb_admin__/api/v1/audit" | grep -q '"action":"login"' &&
       [ "$(ss -Htn state established "( sport = :${PORT[$1]} )" | wc -l)" -ge 1 ]; then return 0; fi
    sleep 0.1
  done
  echo "the dashboard did not open in chromium; see $WORK/chromium.log" >&2; exit 1
}

stop_proxy() { # name
  case "$1" in
    nginx|nginx-https|nginx-h2c) nginx -c "$WORK/nginx-proxy${1#nginx}.conf" -p "$WORK" -s stop 2>/dev/null || true ;;
    direct) ;;
    *) kill "${PROXY_PIDS[$1]}" 2>/dev/null || true; wait "${PROXY_PIDS[$1]}" 2>/dev/null || true ;;
  esac
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_mb() { awk '/VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }
peak_mb() { awk '/VmHWM/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }   # the most it was ever resident

# Bytes the .NET runtime allocated per request over a 5 s /small run (dotnet-counters; empty when not installed).
alloc_per_request() { # pid target
  local counters=${DOTNET_COUNTERS:-$(command -v dotnet-counters || echo "$HOME/.dotnet/tools/dotnet-counters")}
  [ -x "$counters" ] || return 0
  rm -f "$WORK/alloc.csv"
  "$counters" collect -p "$1" --counters 'System.Runtime[dotnet.gc.heap.total_allocated]' --format csv \
    -o "$WORK/alloc.csv" --duration 00:00:00:07 > /dev/null 2>&1 &
  local collector=$!
  sleep 1
  local rps; rps=$(run_load "$2" /small 5 | cut -f1 -d' ')
  wait "$collector" || true
  python3 - "$WORK/alloc.csv" "$rps" <<'PY'
import csv, sys
rows = [r for r in csv.reader(open(sys.argv[1])) if len(r) > 4 and "total_allocated" in r[2]]
print(round(sum(float(r[-1]) for r in rows) / max(1.0, float(sys.argv[2]) * 5)))
PY
}

target_url() { # target path
  case "$1" in
    *-https) echo "https://127.0.0.1:${PORT[$1]}$2" ;;
    *) echo "http://127.0.0.1:${PORT[$1]}$2" ;;
  esac
}

# wrk with latency (HTTP/1.1, over TLS for the *-https targets); prints: rps p50_ms p99_ms errors
run_wrk() { # target path seconds
  taskset -c $LOAD_CPU wrk -t1 -c"$CONNECTIONS" -d"$3"s --latency "$(target_url "$1" "$2")" | python3 "$ROOT/bench/parse_wrk.py"
}

# h2load (cleartext HTTP/2, prior knowledge) for the *-h2c targets: as many streams in flight as wrk has
# connections; the percentiles come from its per-request log. Prints what run_wrk prints.
run_h2load() { # target path seconds
  taskset -c $LOAD_CPU h2load -t1 -c$H2_CONNECTIONS -m$(( (CONNECTIONS + H2_CONNECTIONS - 1) / H2_CONNECTIONS )) -D"$3" \
    --log-file="$WORK/h2load.log" "$(target_url "$1" "$2")" | python3 "$ROOT/bench/parse_h2load.py" "$WORK/h2load.log"
}

run_load() { # target path seconds
  case "$1" in *-h2c) run_h2load "$@" ;; *) run_wrk "$@" ;; esac
}

need
echo "building Release..." >&2
dotnet build -c Release "$ROOT/src/Host/FlowBalance.Host.csproj" -v q -nologo > "$WORK/build.log"
dotnet build -c Release "$ROOT/bench/BareYarp/BareYarp.csproj" -v q -nologo >> "$WORK/build.log"
dotnet build -c Release "$ROOT/plugins/Headers/FlowBalance.Plugins.Headers.csproj" -v q -nologo >> "$WORK/build.log"
start_backend b1 $B1
start_backend b2 $B2
make_certificate
write_proxy_configs
declare -A PROXY_PIDS
HZ=$(getconf CLK_TCK)

if [ "$MODE" = table ]; then
  RAW="$WORK/raw.tsv"; : > "$RAW"
  declare -A IDLE_RSS
  for t in "${TARGETS[@]}"; do
    start_proxy "$t"; PROXY_PIDS[$t]=$PROXY_PID
    sleep 2; IDLE_RSS[$t]=$(rss_mb "$PROXY_PID")   # started, one request answered, nothing else yet
    run_load "$t" /small 3 > /dev/null   # warm-up (JIT, connection pools)
  done
  for round in $(seq 1 "$ROUNDS"); do
    # Each round starts with the next target, so no target is always the one measured first.
    shift_by=$(( (round - 1) % ${#TARGETS[@]} ))
    ORDER=("${TARGETS[@]:$shift_by}" "${TARGETS[@]:0:$shift_by}")
    for path in /small /16k; do
      for t in "${ORDER[@]}"; do
        pid=${PROXY_PIDS[$t]}; before=$(cpu_ticks "$pid")
        read -r rps p50 p99 errors < <(run_load "$t" "$path" "$DURATION")
        after=$(cpu_ticks "$pid")
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$t" "$path" "$round" "$rps" "$p50" "$p99" \
          "$(python3 -c "print(round(($after-$before)/$HZ*1e6/max(1,$rps*$DURATION),1))")" "$errors" >> "$RAW"
        echo "round $round $path $t: $rps req/s" >&2
      done
    done
  done
  for t in "${TARGETS[@]}"; do
    # Before the allocation pass below, which attaches a profiler session.
    after=$(rss_mb "${PROXY_PIDS[$t]}"); peak=$(peak_mb "${PROXY_PIDS[$t]}")
    alloc=""; case "$t" in flowbalance*|yarp|yarp-https|yarp-h2c) alloc=$(alloc_per_request "${PROXY_PIDS[$t]}" "$t") ;; esac
    printf '%s\t%s\t%s\t%s\t%s\n' "$t" "${IDLE_RSS[$t]}" "$after" "$peak" "$alloc" >> "$WORK/memory.tsv"
  done
  # Memory depends on the CPU: the .NET GC sizes its gen0 budget from the last-level cache.
  echo "# $(date -u +%Y-%m-%d) · $(nproc) cores · $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs) · L3 $(lscpu | awk -F: '/L3 cache/ {print $2}' | xargs) · rounds $ROUNDS × ${DURATION}s · $CONNECTIONS connections$(
    case " ${TARGETS[*]}" in *-h2c*) echo " · h2c: h2load $H2_CONNECTIONS connections × $(( (CONNECTIONS + H2_CONNECTIONS - 1) / H2_CONNECTIONS )) streams" ;; esac)"
  python3 "$ROOT/bench/report.py" "$RAW" "$WORK/memory.tsv"
elif [ "$MODE" = failover ]; then
  echo "| proxy | requests | errors (non-2xx + socket) |"
  echo "|---|---:|---:|"
  for t in flowbalance yarp haproxy nginx; do
    start_proxy "$t"; PROXY_PIDS[$t]=$PROXY_PID
    run_wrk "$t" /small 2 > /dev/null
    ( sleep 3; kill_backend b2 $B2 ) &
    killer=$!
    read -r rps p50 p99 errors < <(run_wrk "$t" /small "$DURATION")
    wait "$killer"
    echo "| $t | $(python3 -c "print(int($rps*$DURATION))") | $errors |"
    stop_proxy "$t"
    start_backend b2 $B2
  done
elif [ "$MODE" = scale ]; then
  # One nginx answering /health on 1,000 ports stands in for 1,000 backends.
  listens=$(for p in $(seq 20000 20999); do echo "    listen 127.0.0.1:$p;"; done)
  cat > "$WORK/nginx-many.conf" <<CONF
worker_processes 1;
daemon on;
pid $WORK/nginx-many.pid;
error_log $WORK/nginx-many.err warn;
worker_rlimit_nofile 8192;
events { worker_connections 8192; }
http {
  access_log off;
  server {
$listens
    location / { return 200 "ok\n"; }
  }
}
CONF
  taskset -c $LOAD_CPU nginx -c "$WORK/nginx-many.conf" -p "$WORK"
  python3 - "$WORK/scale.conf" <<'PY'
import sys
services = []
for s in range(100):
    backends = ", ".join(f'"http://127.0.0.1:{20000 + s * 10 + b}"' for b in range(10))
    services.append(f'  {{ hostname = "svc{s}.example.com", backends = [{backends}] }}')
open(sys.argv[1], "w").write("flowbalance {\n activeHealthChecks { interval = 1 }\n services = [\n" + "\n".join(services) + "\n ]\n}\nakka { loglevel = WARNING }\n")
PY
  start=$(date +%s.%N)
  env "${FB_GC[@]}" taskset -c $PROXY_CPU dotnet "$ROOT/src/Host/bin/Release/net10.0/FlowBalance.Host.dll" --config "$WORK/scale.conf" \
    --listen http://127.0.0.1:9300 > "$WORK/scale.log" 2>&1 &
  pid=$!; PIDS+=("$pid")
  until grep -q "listening on" "$WORK/scale.log"; do sleep 0.02; done
  ready=$(date +%s.%N)
  # Steady state: discovery has settled (every backend found its health path) and tiered
  # compilation has finished; seconds 10 to 20 still carry JIT work (up to ~17% of the samples).
  sleep 20
  before=$(cpu_ticks $pid); sleep 10; after=$(cpu_ticks $pid)
  echo "| measure | value | target |"
  echo "|---|---:|---:|"
  echo "| startup to listening (100 services × 10 backends) | $(python3 -c "print(f'{$ready-$start:.2f} s')") | < 3 s |"
  echo "| idle resident memory | $(rss_mb $pid) MB | < 150 MB |"
  echo "| CPU for 1,000 health checks per second | $(python3 -c "print(f'{($after-$before)/$HZ/10*100:.1f}% of one core')") | < 10% |"
  nginx -c "$WORK/nginx-many.conf" -p "$WORK" -s stop
fi
