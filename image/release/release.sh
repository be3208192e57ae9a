#!/usr/bin/env bash
# make release VERSION=X.Y.Z REGISTRY=host[:port][/namespace]: builds the shallot image of the
# release tagged vX.Y.Z at HEAD, pushes REGISTRY/shallot:X.Y.Z, and moves REGISTRY/shallot:X.Y,
# :X and :latest to it when it is the newest release of each (a pre-release, X.Y.Z-rc.1, moves
# none). Then the Dev Container Template goes beside it (publish-devcontainer-template.py).
# Log in to the registry first (docker login); a registry on 127.0.0.1 needs none.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
python=${PYTHON:-python3}
SEMVER='^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?$'

fail() {
	echo "release: $*" >&2
	exit 2
}

check_release() {
	local version=$1 registry=$2 recorded
	[[ -n $version ]] || fail "give the version: make release VERSION=X.Y.Z REGISTRY=..."
	[[ -n $registry ]] || fail "give the registry: make release VERSION=$version REGISTRY=ghcr.io/OWNER"
	[[ $version =~ $SEMVER ]] || fail "VERSION $version is not a semantic version like 1.2.3 or 1.2.3-rc.1"
	[[ $registry =~ ^[a-z0-9.-]+(:[0-9]+)?(/[a-z0-9._/-]+)?$ && $registry != */ ]] ||
		fail "REGISTRY $registry is not a registry host with an optional namespace, like ghcr.io/owner"
	recorded=$(<"$repo/VERSION")
	[[ $version == "$recorded" ]] || fail "VERSION $version is not the repository's ($recorded, in the VERSION file)"
	[[ -z $(git -C "$repo" status --porcelain) ]] || fail "the work tree has uncommitted changes; release a commit"
	[[ $(git -C "$repo" rev-parse -q --verify "refs/tags/v$version^{commit}" || true) == $(git -C "$repo" rev-parse HEAD) ]] ||
		fail "HEAD is not tagged v$version; tag the release commit first (git tag v$version)"
}

# aliases VERSION: the moving tags VERSION takes: X.Y, X and latest where it is the newest.
aliases() {
	local version=$1 major minor newest
	[[ $version == *-* ]] && return
	major=${version%%.*}
	minor=${version%.*}
	newest_of() { git -C "$repo" tag --list "$1" | grep -E '^v[0-9]+\.[0-9]+\.[0-9]+$' | sed 's/^v//' | sort -V | tail -n1; }
	newest=$(newest_of "v$minor.*")
	[[ $newest == "$version" ]] && echo "$minor"
	newest=$(newest_of "v$major.*")
	[[ $newest == "$version" ]] && echo "$major"
	newest=$(newest_of "v*")
	[[ $newest == "$version" ]] && echo latest
	return 0
}

main() {
	local version=${1:-} registry=${2:-}
	check_release "$version" "$registry"
	local image=$registry/shallot
	make -C "$repo" image IMAGE="$image:$version"
	docker push --quiet "$image:$version"
	local -a moved=()
	local alias
	for alias in $(aliases "$version"); do
		docker tag "$image:$version" "$image:$alias"
		docker push --quiet "$image:$alias"
		moved+=("$alias")
	done
	"$python" "$repo/image/release/publish-devcontainer-template.py" "$registry" "$version" "${moved[@]}"
	echo "released $image:$version${moved[*]:+ (also ${moved[*]})}"
}

main "$@"
