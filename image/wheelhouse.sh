#!/usr/bin/env bash
# Downloads, on the host, every wheel the image installs (image/requirements.lock, hashes
# checked) for the Docker engine's platform, and builds shallot's own wheels (the CLI and the
# runtime library), into $1.
# The image build then needs no network: the build container may not reach the package index.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
python=${PYTHON:-python3}

wheel_arch() {
	local arch
	arch=$(docker version --format '{{.Server.Arch}}' 2>/dev/null || uname -m)
	case "$arch" in
	amd64 | x86_64) echo x86_64 ;;
	arm64 | aarch64) echo aarch64 ;;
	*)
		echo "wheelhouse: unsupported Docker engine architecture $arch" >&2
		exit 1
		;;
	esac
}

wheel_download() {
	local dest=$1 arch
	arch=$(wheel_arch)
	"$python" -m pip download --quiet --require-hashes --no-deps --only-binary=:all: \
		--python-version 3.11 --implementation cp --abi cp311 --abi abi3 --abi none \
		--platform "manylinux_2_28_$arch" --platform "manylinux_2_17_$arch" \
		--platform "manylinux2014_$arch" --platform any \
		--dest "$dest" --requirement "$here/requirements.lock"
}

# wheel_build_own DEST FOLDER: the wheel of one of shallot's own packages. Its bytes depend on
# its sources only (fixed timestamps), so the hash in generated projects' uv.lock holds.
wheel_build_own() {
	local dest=$1 folder=$2
	SOURCE_DATE_EPOCH=315532800 "$python" -m pip wheel --quiet --no-deps --wheel-dir "$dest" "$folder"
	rm -rf "$folder/build"
}

main() {
	local dest=${1:?usage: wheelhouse.sh DEST}
	mkdir -p "$dest"
	wheel_download "$dest"
	rm -f "$dest"/shallot-*.whl "$dest"/shallot_runtime-*.whl
	wheel_build_own "$dest" "$here/cli"
	wheel_build_own "$dest" "$here/../runtime"
}

main "$@"
