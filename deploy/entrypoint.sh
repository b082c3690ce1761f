#!/usr/bin/env bash
# Entrypoint of the AkkaMedia container image (deploy/Dockerfile). It turns AKKAMEDIA_* environment variables into
# an `akkamedia node` or `akkamedia serve` command line and execs it: the host replaces this shell, so it is the
# container's main process and receives its SIGTERM (an executor drains its sessions, serve closes its sessions; both
# leave the cluster and exit 0). docs/deploy.md describes every variable.
#
# - An unset or empty variable passes no flag; the host's own default applies, except for the container defaults
#   marked below (log format, HTTP port and address, the advertised address).
# - A variable the chosen command has no flag for is refused, not ignored: exit code 2 and one line saying which.
# - Arguments given to the container are appended to the command line (`docker run IMAGE --help`).
# - AKKAMEDIA_EXEC is the program and its leading arguments, split on spaces (default `dotnet /app/akkamedia.dll`):
#   point it at a local build to run this script outside the image.
# - OTEL_* and every other variable reach the host untouched; nothing here reads them.
set -euo pipefail
set -f # AKKAMEDIA_EXEC is split into words below; no word of it is a file pattern

fail() {
  printf 'entrypoint: %s\n' "$*" >&2
  exit 2
}

command="${AKKAMEDIA_COMMAND:-node}"
case "$command" in
  node | serve) ;;
  *) fail "AKKAMEDIA_COMMAND is '$command'; set it to node (a cluster node; an executor unless AKKAMEDIA_ROLES says otherwise) or serve (the live WebSocket edge of AKKAMEDIA_PIPELINE), or leave it unset for node." ;;
esac

args=("$command")

# option VARIABLE --flag COMMAND...: passes --flag with the variable's value when it is set; refuses it when the
# command is not one of COMMAND...
option() {
  local variable="$1" flag="$2"
  shift 2
  local value="${!variable:-}"
  if [ -z "$value" ]; then
    return 0
  fi

  local allowed
  for allowed in "$@"; do
    if [ "$allowed" = "$command" ]; then
      args+=("$flag" "$value")
      return 0
    fi
  done

  fail "$variable is set, but akkamedia $command has no $flag (it is for AKKAMEDIA_COMMAND=${*// / or }); unset it for this container."
}

if [ "$command" = serve ]; then
  if [ -z "${AKKAMEDIA_PIPELINE:-}" ]; then
    fail "AKKAMEDIA_COMMAND=serve needs AKKAMEDIA_PIPELINE: the path of a pipeline file whose source and sink are websocket, e.g. /app/pipelines/live-echo.conf (the image carries hocon/pipelines/ in /app/pipelines)."
  fi

  args+=("$AKKAMEDIA_PIPELINE")
elif [ -n "${AKKAMEDIA_PIPELINE:-}" ]; then
  fail "AKKAMEDIA_PIPELINE is set, but akkamedia node takes no pipeline (it is for AKKAMEDIA_COMMAND=serve); unset it for this container."
fi

# Container default: the address this container's hostname resolves to (Docker and Kubernetes write the container's
# own IP for it into /etc/hosts). 127.0.0.1 would be unreachable from the other containers and 0.0.0.0 cannot be
# advertised, so neither is a default here.
if [ -z "${AKKAMEDIA_HOSTNAME:-}" ]; then
  name="$(uname -n)"
  AKKAMEDIA_HOSTNAME="$(getent hosts "$name" | awk 'NR == 1 { print $1 }' || true)"
  if [ -z "$AKKAMEDIA_HOSTNAME" ]; then
    fail "AKKAMEDIA_HOSTNAME is not set and this container's hostname '$name' resolves to no address; set AKKAMEDIA_HOSTNAME to the address the other nodes reach this one at (Kubernetes: the pod IP, valueFrom.fieldRef.fieldPath status.podIP)."
  fi

  printf 'entrypoint: AKKAMEDIA_HOSTNAME is not set; advertising %s, the address of the hostname %s\n' "$AKKAMEDIA_HOSTNAME" "$name" >&2
fi

# Container defaults: JSON log lines for a log collector, HTTP endpoints on for the probes, on every interface.
if [ "$command" = node ]; then
  : "${AKKAMEDIA_HTTP_PORT:=9111}"
else
  : "${AKKAMEDIA_HTTP_PORT:=8080}"
fi
: "${AKKAMEDIA_HTTP_HOSTNAME:=0.0.0.0}"
: "${AKKAMEDIA_LOG_FORMAT:=json}"

option AKKAMEDIA_HOSTNAME --hostname node serve
option AKKAMEDIA_PORT --port node
option AKKAMEDIA_ROLES --roles node
option AKKAMEDIA_SEEDS --seeds node serve
option AKKAMEDIA_DISCOVERY --discovery node serve
option AKKAMEDIA_DISCOVERY_ENDPOINTS --discovery-endpoints node serve
option AKKAMEDIA_SERVICE_NAME --service-name node serve
option AKKAMEDIA_MANAGEMENT_PORT --management-port node
option AKKAMEDIA_REQUIRED_CONTACTS --required-contacts node
option AKKAMEDIA_HTTP_PORT --http-port node serve
option AKKAMEDIA_HTTP_HOSTNAME --http-hostname node serve
option AKKAMEDIA_ADMIN_PORT --admin-port node
option AKKAMEDIA_ADMIN_HOSTNAME --admin-hostname node
option AKKAMEDIA_DRAIN_TIMEOUT --drain-timeout node
option AKKAMEDIA_MAX_SESSIONS --max-sessions serve
option AKKAMEDIA_LOG_FORMAT --log-format node serve
option AKKAMEDIA_CONFIG --config node serve

read -r -a program <<<"${AKKAMEDIA_EXEC:-dotnet /app/akkamedia.dll}"
if [ "${#program[@]}" -eq 0 ]; then
  fail "AKKAMEDIA_EXEC is blank; leave it unset for 'dotnet /app/akkamedia.dll', or give the program that runs akkamedia."
fi

printf 'entrypoint: exec' >&2
printf ' %s' "${program[@]}" "${args[@]}" "$@" >&2
printf '\n' >&2
exec "${program[@]}" "${args[@]}" "$@"
