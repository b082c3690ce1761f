#!/usr/bin/env bash
# The cost of mutual TLS on the media link and Akka.Remote, measured in one run: the load test's throughput and
# paced scenarios alternate plain and TLS (same build, same machine state), ROUNDS times each, and one line per
# measurement plus the medians are printed. Certificates come from `akkamedia cert create` in a temporary folder.
#
#   benchmarks/tls-cost.sh [ROUNDS=3] [STREAMS=100] [SECONDS=10]
#
# Needs a Release build (dotnet build AkkaMedia.sln -c Release) and jq.
set -euo pipefail
rounds="${1:-3}"; streams="${2:-100}"; seconds="${3:-10}"
root="$(cd "$(dirname "$0")/.." && pwd)"
loadtest="$root/benchmarks/AkkaMedia.LoadTest/bin/Release/net10.0/AkkaMedia.LoadTest.dll"
host="$root/AkkaMedia.Host/bin/Release/net10.0/akkamedia.dll"
certs="$(mktemp -d)"
trap 'rm -rf "$certs"' EXIT
dotnet "$host" cert create --out "$certs" --names node >/dev/null
tls=(--set "akka-media.tls.certificate = \"$certs/node.pfx\"" --set "akka-media.tls.ca = \"$certs/ca.crt\"")

results="$certs/results.jsonl"
for round in $(seq 1 "$rounds"); do
  for mode in plain tls; do
    extra=(); [ "$mode" = tls ] && extra=("${tls[@]}")
    dotnet "$loadtest" throughput --transport link --seconds "$seconds" --runs 1 "${extra[@]}" 2>/dev/null \
      | head -1 | jq -c --arg mode "$mode" --argjson round "$round" \
        '{round: $round, mode: $mode, scenario, framesPerSecond, clientCpu: .runs[0].clientCpuPercent, executorCpu: .runs[0].executorCpuPercent}' | tee -a "$results"
    dotnet "$loadtest" paced --transport link --streams "$streams" --seconds "$seconds" "${extra[@]}" 2>/dev/null \
      | head -1 | jq -c --arg mode "$mode" --argjson round "$round" \
        '{round: $round, mode: $mode, scenario, streams, p50Ms, p99Ms, framesLost, clientCpu: .clientCpuPercent, executorCpu: .executorCpuPercent, sessionOpenP50Ms: .sessionOpen.p50Ms}' | tee -a "$results"
  done
done

echo "medians over $rounds rounds (load average now: $(cut -d' ' -f1-3 /proc/loadavg)):"
jq -s -r '
  def median: sort | if length == 0 then null elif length % 2 == 1 then .[length/2|floor] else (.[length/2-1] + .[length/2]) / 2 end;
  group_by(.scenario + .mode)[] | . as $g
  | if $g[0].scenario == "throughput"
    then "\($g[0].mode)\tthroughput\t\($g | map(.framesPerSecond) | median) frames/s\tclient CPU \($g | map(.clientCpu) | median) %\texecutor CPU \($g | map(.executorCpu) | median) %"
    else "\($g[0].mode)\tpaced \($g[0].streams)\tp50 \($g | map(.p50Ms) | median) ms\tp99 \($g | map(.p99Ms) | median) ms\tlost \($g | map(.framesLost) | add)\tsession open p50 \($g | map(.sessionOpenP50Ms) | median) ms"
    end' "$results"
