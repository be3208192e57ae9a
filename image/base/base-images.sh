#!/usr/bin/env bash
# Makes sure the base images that shallot builds on exist in the local Docker engine.
#
# For each base (python, postgres, and prometheus for the projects' observability
# profile) it uses, in order:
#   1. the official image, if it is already present locally;
#   2. the official image, pulled from its registry;
#   3. an equivalent stand-in built here from the machine's own Debian package
#      sources (mmdebstrap into `docker import`), mirror read from apt's config.
#
# It writes the names to use, as make variables, to the file given as $1.
set -euo pipefail
shopt -s inherit_errexit

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

: "${PYTHON_OFFICIAL_IMAGE:=python:3.11-slim-bookworm}"
: "${POSTGRES_OFFICIAL_IMAGE:=postgres:15-bookworm}"
: "${PYTHON_STANDIN_IMAGE:=shallot-base/python:3.11-slim-bookworm}"
: "${POSTGRES_STANDIN_IMAGE:=shallot-base/postgres:15-bookworm}"
: "${PROMETHEUS_OFFICIAL_IMAGE:=prom/prometheus:v2.53.0}"
: "${PROMETHEUS_STANDIN_IMAGE:=shallot-base/prometheus:2-bookworm}"
: "${STANDIN_SUITE:=bookworm}"

base_log() {
	printf 'base-images: %s\n' "$*" >&2
}

base_die() {
	base_log "error: $*"
	exit 1
}

base_present() {
	docker image inspect "$1" >/dev/null 2>&1
}

base_pull() {
	docker pull --quiet "$1" >/dev/null 2>&1
}

# The Debian archive and security URIs this machine's apt is configured with.
base_debian_uri() {
	local suffix=$1
	# shellcheck disable=SC2016 # apt's own $(FIELD) placeholders
	apt-get indextargets --format '$(REPO_URI) $(RELEASE) $(TARGET_OF)' 2>/dev/null |
		awk -v suffix="$suffix" '$3 == "deb" && $2 ~ ("^[a-z]+" suffix "$") { print $1; exit }'
}

base_sources_list() {
	local archive security
	archive=$(base_debian_uri "")
	security=$(base_debian_uri "-security")
	[ -n "$archive" ] || base_die "no Debian archive in this machine's apt configuration (apt-get indextargets found none; run apt-get update?)"
	printf 'deb %s %s main\n' "$archive" "$STANDIN_SUITE"
	printf 'deb %s %s-updates main\n' "$archive" "$STANDIN_SUITE"
	if [ -n "$security" ]; then
		printf 'deb %s %s-security main\n' "$security" "$STANDIN_SUITE"
	fi
}

# base_import_rootfs TAG PACKAGES [docker-import --change ...]
base_import_rootfs() {
	local tag=$1 packages=$2
	shift 2
	command -v mmdebstrap >/dev/null || base_die "mmdebstrap is not installed (apt-get install mmdebstrap)"
	local sources
	mapfile -t sources < <(base_sources_list)
	local tarball
	tarball=$(mktemp --suffix=.tar)
	# shellcheck disable=SC2064 # expand now: the trap must remove this tarball
	trap "rm -f '$tarball'" EXIT
	base_log "building $tag from Debian $STANDIN_SUITE packages: $packages"
	# shellcheck disable=SC2016 # the hook's $1 is expanded by mmdebstrap
	mmdebstrap --quiet --variant=minbase --format=tar \
		--include="$packages" \
		--dpkgopt='path-exclude=/usr/share/man/*' \
		--dpkgopt='path-exclude=/usr/share/doc/*' \
		--dpkgopt='path-include=/usr/share/doc/*/copyright' \
		--dpkgopt='path-exclude=/usr/share/locale/*' \
		--customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*' \
		--customize-hook='rm -f "$1"/etc/ssl/private/ssl-cert-snakeoil.key "$1"/etc/ssl/certs/ssl-cert-snakeoil.pem' \
		"$STANDIN_SUITE" "$tarball" "${sources[@]}" ||
		base_die "mmdebstrap could not build $tag"
	docker import "$@" "$tarball" "$tag" >/dev/null
	rm -f "$tarball"
	trap - EXIT
}

base_build_python_standin() {
	base_import_rootfs "$PYTHON_STANDIN_IMAGE" python3,python3-venv,python-is-python3,ca-certificates,netbase,tzdata \
		--change 'ENV LANG=C.UTF-8' \
		--change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
		--change 'LABEL org.opencontainers.image.description="shallot stand-in for the official python slim image, built from Debian packages"' \
		--change 'CMD ["python3"]'
}

base_build_postgres_standin() {
	local rootfs="$POSTGRES_STANDIN_IMAGE-rootfs"
	base_import_rootfs "$rootfs" postgresql-15,postgresql-client-15,tzdata,xz-utils,zstd \
		--change 'ENV LANG=C.UTF-8'
	docker build --quiet --build-arg "ROOTFS_IMAGE=$rootfs" -t "$POSTGRES_STANDIN_IMAGE" "$here/postgres" >/dev/null
	docker image rm "$rootfs" >/dev/null
}

base_build_prometheus_standin() {
	local rootfs="$PROMETHEUS_STANDIN_IMAGE-rootfs"
	base_import_rootfs "$rootfs" prometheus,ca-certificates,tzdata \
		--change 'ENV LANG=C.UTF-8'
	docker build --quiet --build-arg "ROOTFS_IMAGE=$rootfs" -t "$PROMETHEUS_STANDIN_IMAGE" "$here/prometheus" >/dev/null
	docker image rm "$rootfs" >/dev/null
}

# base_resolve OFFICIAL STANDIN BUILDER: prints the image name to use.
base_resolve() {
	local official=$1 standin=$2 builder=$3
	if base_present "$official"; then
		base_log "$official: present"
		echo "$official"
	elif base_pull "$official"; then
		base_log "$official: pulled"
		echo "$official"
	elif base_present "$standin"; then
		base_log "$official: cannot be pulled; using the stand-in $standin (present)"
		echo "$standin"
	else
		base_log "$official: cannot be pulled; building the stand-in $standin"
		"$builder"
		echo "$standin"
	fi
}

main() {
	local output=${1:?usage: base-images.sh OUTPUT.mk}
	local resolved job
	resolved=$(mktemp -d)
	# shellcheck disable=SC2064 # expand now: the trap must remove this folder
	trap "rm -rf '$resolved'" EXIT
	# Side by side: the three are independent, and a stand-in's build mostly waits on downloads.
	local -a jobs=()
	base_resolve "$PYTHON_OFFICIAL_IMAGE" "$PYTHON_STANDIN_IMAGE" base_build_python_standin >"$resolved/python" &
	jobs+=($!)
	base_resolve "$POSTGRES_OFFICIAL_IMAGE" "$POSTGRES_STANDIN_IMAGE" base_build_postgres_standin >"$resolved/postgres" &
	jobs+=($!)
	base_resolve "$PROMETHEUS_OFFICIAL_IMAGE" "$PROMETHEUS_STANDIN_IMAGE" base_build_prometheus_standin \
		>"$resolved/prometheus" &
	jobs+=($!)
	for job in "${jobs[@]}"; do
		wait "$job" || base_die "a base image could not be made (see above)"
	done
	mkdir -p "$(dirname "$output")"
	printf 'PYTHON_IMAGE := %s\nPOSTGRES_IMAGE := %s\nPROMETHEUS_IMAGE := %s\n' \
		"$(<"$resolved/python")" "$(<"$resolved/postgres")" "$(<"$resolved/prometheus")" >"$output.tmp"
	mv "$output.tmp" "$output"
}

main "$@"
