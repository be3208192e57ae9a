#!/usr/bin/env bash
# Starts the devcontainer's service: gives the `app` user the group that owns the mounted
# Docker socket (its gid differs from host to host), lets it add packages to the image's
# environment (`make add`), then runs the service as `app`.
set -euo pipefail

socket=/var/run/docker.sock
user=app

start_grant_docker_socket() {
	[ -S "$socket" ] || return 0
	local gid group
	gid=$(stat -c %g "$socket")
	group=$(getent group "$gid" | cut -d: -f1 || true)
	if [ -z "$group" ]; then
		group=docker-host
		groupadd --gid "$gid" "$group"
	fi
	usermod --append --groups "$group" "$user"
}

# New packages go into the environment's folders; its files stay as the image made them
# (only these folders change owner: nothing is copied, and the image's packages stay intact).
start_open_packages() {
	local environment=/opt/shallot/venv
	chown "$user" "$environment" "$environment/bin" \
		"$("$environment/bin/python" -c 'import sysconfig; print(sysconfig.get_path("purelib"))')"
}

# The container's stdout and stderr are pipes owned by root; supervisord reopens them by
# name (/dev/stdout), which the user it becomes may only do once it owns them.
start_hand_over_output() {
	chown "$user" /proc/self/fd/1 /proc/self/fd/2
}

start_service() {
	exec setpriv --reuid="$user" --regid="$user" --init-groups -- shallot-serve src.app:app
}

start_grant_docker_socket
start_open_packages
start_hand_over_output
start_service
