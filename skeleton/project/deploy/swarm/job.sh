#!/usr/bin/env bash
# The migrate job on Swarm, waited for: Swarm runs a job service in the background and its
# `docker service update` never returns for a job that fails, so this follows the job's tasks.
#
#   job.sh wait SERVICE           the job's latest run (the one a stack deploy started)
#   job.sh run SERVICE [IMAGE]    run it again (with IMAGE: a new release's migrations)
#
# Exits 0 once a task of that run has completed, 1 once every attempt the restart policy
# allows has failed (or after JOB_TIMEOUT seconds, default 900); either way it shows the
# last task's log.
set -euo pipefail

timeout=${JOB_TIMEOUT:-900}

job_iteration() {
	docker service inspect --format '{{if .JobStatus}}{{.JobStatus.JobIteration.Index}}{{end}}' "$1"
}

job_attempts() {
	local retries
	retries=$(docker service inspect --format \
		'{{with .Spec.TaskTemplate.RestartPolicy}}{{if .MaxAttempts}}{{.MaxAttempts}}{{end}}{{end}}' "$1")
	echo $((${retries:-0} + 1))
}

# job_states SERVICE ITERATION: the state of each task of that run, latest first.
job_states() {
	local ids
	ids=$(docker service ps --quiet --no-trunc "$1")
	[ -n "$ids" ] || return 0
	# shellcheck disable=SC2086 # one argument per task id
	docker inspect --type task --format '{{.JobIteration.Index}} {{.Status.State}} {{.ID}}' $ids |
		awk -v run="$2" '$1 == run { print $2, $3 }'
}

show_log() {
	local task=$1
	[ -n "$task" ] || return 0
	echo "job.sh: the log of task $task:" >&2
	docker service logs --raw "$task" >&2 || true
}

wait_for() {
	local service=$1 iteration=$2 attempts deadline=$((SECONDS + timeout)) states latest failed
	attempts=$(job_attempts "$service")
	while [ "$SECONDS" -lt "$deadline" ]; do
		states=$(job_states "$service" "$iteration")
		latest=$(printf '%s\n' "$states" | awk 'NR == 1 { print $2 }')
		if printf '%s\n' "$states" | grep -q '^complete '; then
			show_log "$(printf '%s\n' "$states" | awk '$1 == "complete" { print $2; exit }')"
			echo "job.sh: $service completed (run $iteration)"
			return 0
		fi
		failed=$(printf '%s\n' "$states" | grep -c -E '^(failed|rejected) ' || true)
		if [ "$failed" -ge "$attempts" ]; then
			show_log "$latest"
			echo "job.sh: $service failed $failed time(s) in run $iteration; fix it, then make swarm-migrate" >&2
			return 1
		fi
		sleep 1
	done
	show_log "$latest"
	echo "job.sh: $service did not finish within ${timeout}s (JOB_TIMEOUT); docker service ps $service" >&2
	return 1
}

main() {
	local command=${1:-} service=${2:-} image=${3:-}
	if [ -z "$service" ] || { [ "$command" != wait ] && [ "$command" != run ]; }; then
		echo "usage: job.sh wait SERVICE | job.sh run SERVICE [IMAGE]" >&2
		exit 2
	fi
	if [ "$command" = run ]; then
		docker service update --quiet --detach --force ${image:+--image "$image"} "$service" >/dev/null
	fi
	wait_for "$service" "$(job_iteration "$service")"
}

main "$@"
