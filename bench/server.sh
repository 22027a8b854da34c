# Sourced by the benchmarks: start_server PORT BACKEND starts the packaged bpflab on PORT with that sandbox backend,
# stops it when the benchmark exits, and returns once it answers ready (or fails with the end of its log).
start_server() {
  mkdir -p target
  local port=$1 backend=$2
  java -Dquarkus.http.port="$port" -Dbpflab.sandbox.backend="$backend" -jar server/target/quarkus-app/quarkus-run.jar \
    > target/bench-server.log 2>&1 &
  bench_server=$!
  trap 'kill $bench_server 2>/dev/null; wait $bench_server 2>/dev/null || true' EXIT
  for _ in $(seq 1 600); do
    curl -sf "http://localhost:$port/q/health/ready" >/dev/null && return 0
    sleep 0.5
  done
  echo "server did not become ready:"; tail -20 target/bench-server.log
  return 1
}
