#!/usr/bin/env bash
# Entrypoint of the shallot image.
#
# `docker run ... shallot:dev COMMAND` runs the shallot CLI; any other program on PATH
# (python, bash, ...) is run as given. Started as root (no --user), it first becomes the
# owner of the workspace (the `app` user when none is mounted), so that what it writes
# there belongs to the host user who owns it. The CLI becomes the owner itself, told by
# SHALLOT_OWNER: it keeps root to read the image's files (shallot/privileges.py).
set -euo pipefail

workspace=${SHALLOT_WORKSPACE:-/work}

# entry_owner: "uid gid" of the workspace, or of the image's `app` user when none is mounted.
entry_owner() {
	if [ -d "$workspace" ]; then
		stat -c '%u %g' "$workspace"
	else
		printf '%s %s\n' "$(id -u app)" "$(id -g app)"
	fi
}

# entry_home UID: the home of the user with that uid, or a scratch one.
entry_home() {
	local home
	home=$(getent passwd "$1" | cut -d: -f6)
	if [ -n "$home" ] && [ -d "$home" ]; then
		echo "$home"
	else
		echo /tmp
	fi
}

# entry_as_owner cli|program COMMAND...
entry_as_owner() {
	local kind=$1 uid gid
	shift
	read -r uid gid < <(entry_owner)
	if [ "$(id -u)" = 0 ] && [ "$uid" != 0 ]; then
		HOME=$(entry_home "$uid")
		export HOME
		if [ "$kind" = cli ]; then
			SHALLOT_OWNER="$uid $gid" exec "$@"
		fi
		exec setpriv --reuid="$uid" --regid="$gid" --clear-groups -- "$@"
	fi
	exec "$@"
}

main() {
	if [ "${1:-}" = shallot ]; then
		entry_as_owner cli "$@"
	fi
	if [ "$#" -gt 0 ] && [[ "$(command -v -- "$1")" == /* ]]; then
		entry_as_owner program "$@"
	fi
	entry_as_owner cli shallot "$@"
}

main "$@"
