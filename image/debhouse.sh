#!/usr/bin/env bash
# Downloads, on the host, the Debian packages the image adds to its base (DEB_PACKAGES,
# default: make), into $1. The image build installs them with dpkg and needs no network.
# On a host without apt the folder stays empty and the build falls back to apt-get inside.
set -euo pipefail

: "${DEB_PACKAGES:=make}"

main() {
	local dest=${1:?usage: debhouse.sh DEST}
	mkdir -p "$dest"
	rm -f "$dest"/*.deb
	if ! command -v apt-get >/dev/null; then
		echo "debhouse: no apt-get on this host; the image build will install $DEB_PACKAGES itself" >&2
		return 0
	fi
	local package
	for package in $DEB_PACKAGES; do
		(cd "$dest" && apt-get download --quiet=2 -o APT::Sandbox::User=root "$package") ||
			{ echo "debhouse: could not download $package (run apt-get update?)" >&2; exit 1; }
	done
}

main "$@"
