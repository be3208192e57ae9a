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

# entry_user FIELD VALUE: sets user_uid, user_gid and user_home from the line of /etc/passwd
# whose FIELD (1, the name, or 3, the uid) is VALUE; fails if there is none. (Bash's own
# reading: this script runs before each command, and every program it starts costs time.)
entry_user() {
	local name _password uid gid _gecos home _shell
	while IFS=: read -r name _password uid gid _gecos home _shell; do
		if { [ "$1" = 1 ] && [ "$name" = "$2" ]; } || { [ "$1" = 3 ] && [ "$uid" = "$2" ]; }; then
			user_uid=$uid user_gid=$gid user_home=$home
			return 0
		fi
	done </etc/passwd
	return 1
}

# entry_as_owner cli|program COMMAND...
# The owner is the workspace's owner, or the image's `app` user when none is mounted; its home
# is its own when it has one in the image, else /tmp.
entry_as_owner() {
	local kind=$1 uid gid
	shift
	if [ -d "$workspace" ]; then
		read -r uid gid <<<"$(stat -c '%u %g' "$workspace")"
	else
		entry_user 1 app
		uid=$user_uid gid=$user_gid
	fi
	if [ "$EUID" = 0 ] && [ "$uid" != 0 ]; then
		HOME=/tmp
		if entry_user 3 "$uid" && [ -d "$user_home" ]; then
			HOME=$user_home
		fi
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
