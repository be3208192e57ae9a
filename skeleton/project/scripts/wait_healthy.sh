#!/usr/bin/env bash
# Waits until every container named on the command line reports healthy (Docker's
# healthcheck), for at most WAIT_SECONDS (default 120). On failure, shows the unhealthy
# container's recent logs and exits 1.
set -euo pipefail

timeout=${WAIT_SECONDS:-120}

health_of() {
	docker inspect --format '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' "$1"
}

wait_for() {
	local container=$1 deadline=$((SECONDS + timeout)) status
	while [ "$SECONDS" -lt "$deadline" ]; do
		status=$(health_of "$container")
		case "$status" in
		healthy) return 0 ;;
		exited | dead | unhealthy) break ;;
		esac
		sleep 0.5
	done
	echo "wait_healthy: container $container is $(health_of "$container") after ${timeout}s; its last logs:" >&2
	docker logs --tail 30 "$container" >&2
	exit 1
}

main() {
	[ "$#" -gt 0 ] || { echo "usage: wait_healthy.sh CONTAINER..." >&2; exit 2; }
	local container
	for container in "$@"; do
		wait_for "$container"
	done
}

main "$@"
