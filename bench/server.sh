# Sourced by the benchmarks: start_server PORT BACKEND [JVM_OPTION...] starts the packaged bpflab on PORT with that
# sandbox backend (and any extra -D options), logs to target/bench-server-PORT.log, stops it when the benchmark exits,
# and returns once it answers ready (or fails with the end of its log). It may be called twice: both servers stop.
start_server() {
  mkdir -p target
  local port=$1 backend=$2
  shift 2
  local log=target/bench-server-$port.log
  local jvm
  mapfile -t jvm < <(grep -v '^#' bin/jvm.options | grep -v '^$') # the service's own, as bin/serve runs it
  java "${jvm[@]}" -Dquarkus.http.port="$port" -Dbpflab.sandbox.backend="$backend" "$@" \
    -jar server/target/quarkus-app/quarkus-run.jar > "$log" 2>&1 &
  bench_server=$!
  bench_servers="${bench_servers:-} $bench_server"
  trap 'kill $bench_servers 2>/dev/null; wait $bench_servers 2>/dev/null || true' EXIT
  for _ in $(seq 1 600); do
    curl -sf "http://localhost:$port/q/health/ready" >/dev/null && return 0
    kill -0 "$bench_server" 2>/dev/null || break
    sleep 0.5
  done
  echo "server did not become ready:"; tail -20 "$log"
  return 1
}

# spare_port: the first TCP port from 18082 on that nothing on this machine listens on.
spare_port() {
  local port
  for port in $(seq 18082 18199); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return 0; }
  done
  echo "no spare port in 18082-18199" >&2
  return 1
}
