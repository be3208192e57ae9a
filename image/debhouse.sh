#!/usr/bin/env bash
# Downloads, on the host, the Debian packages the image adds to its base (DEB_PACKAGES, which
# the Makefile sets: make for the projects' Makefiles, git for `new` and `update`, nginx in
# front of the generated service's uWSGI), into $1, with
# whatever they need that the base image ($2) lacks: apt works that out against the base's
# own package list. The image build installs them with dpkg and needs no network.
# On a host without apt the folder stays empty and the build falls back to apt-get inside.
set -euo pipefail

: "${DEB_PACKAGES:?set DEB_PACKAGES to the Debian packages the image adds (the Makefile does)}"

# packages_missing_from BASE_IMAGE: DEB_PACKAGES and their dependencies that BASE_IMAGE lacks.
packages_missing_from() {
	local base=$1 status
	status=$(mktemp)
	trap 'rm -f "$status"' RETURN
	docker run --rm --entrypoint cat "$base" /var/lib/dpkg/status >"$status"
	# shellcheck disable=SC2086 # DEB_PACKAGES is a list of names
	apt-get --simulate -o Dir::State::status="$status" install --no-install-recommends $DEB_PACKAGES |
		awk '/^Inst / { print $2 }'
}

main() {
	local dest=${1:?usage: debhouse.sh DEST BASE_IMAGE} base=${2:?usage: debhouse.sh DEST BASE_IMAGE}
	mkdir -p "$dest"
	rm -f "$dest"/*.deb
	if ! command -v apt-get >/dev/null; then
		echo "debhouse: no apt-get on this host; the image build will install $DEB_PACKAGES itself" >&2
		return 0
	fi
	local packages
	packages=$(packages_missing_from "$base") ||
		{ echo "debhouse: could not work out what $base lacks of $DEB_PACKAGES (run apt-get update?)" >&2; exit 1; }
	# shellcheck disable=SC2086 # one name per word
	(cd "$dest" && apt-get download --quiet=2 -o APT::Sandbox::User=root $packages) ||
		{ echo "debhouse: could not download $packages (run apt-get update?)" >&2; exit 1; }
}

main "$@"
