#!/usr/bin/env bash
# Builds $1, a bare git repository holding the template's release history, which the image
# carries so that `shallot update` can let copier compute a three-way merge between releases:
#   - one commit per release tag of this repository (vX.Y.Z) older than VERSION, holding that
#     tag's template as the tag's own image/assemble-template.sh made it;
#   - then the template just assembled ($2), as VERSION (the one the image is built from).
# Each commit is tagged vX.Y.Z. Commit dates and identity are fixed by the tags, so the same
# tags give the same commits on every machine.
#
# A tag's template is assembled once and kept in $TEMPLATE_HISTORY_CACHE (build/template-history):
# tags do not move. Assembling one needs its runtime wheel (built here from the tag's sources)
# and the package index (the tag's uv.lock is made again, from the same pins).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
python=${PYTHON:-python3}
cache=${TEMPLATE_HISTORY_CACHE:-$repo/build/template-history}

# release_tags_before VERSION: this repository's vX.Y.Z tags older than VERSION, oldest first.
release_tags_before() {
	local version=$1 tag
	git -C "$repo" tag --list 'v*' --sort=v:refname | while read -r tag; do
		[[ $tag =~ ^v[0-9]+\.[0-9]+\.[0-9]+$ ]] || continue
		[[ ${tag#v} == "$version" ]] && continue
		[[ $(printf '%s\n%s\n' "${tag#v}" "$version" | sort -V | head -n1) == "${tag#v}" ]] || continue
		echo "$tag"
	done
}

# assembled_template TAG: the folder holding TAG's template, assembled on first use.
assembled_template() {
	local tag=$1 scratch
	if [[ ! -f $cache/$tag/copier.yml ]]; then
		scratch=$(mktemp -d)
		git -C "$repo" archive "$tag" | tar -x -C "$scratch"
		mkdir -p "$scratch/wheels" "$cache"
		SOURCE_DATE_EPOCH=315532800 "$python" -m pip wheel --quiet --no-deps \
			--wheel-dir "$scratch/wheels" "$scratch/runtime" >&2
		PYTHON=$python WHEELHOUSE=$scratch/wheels "$scratch/image/assemble-template.sh" "$cache/$tag.tmp" >&2
		rm -rf "${cache:?}/$tag" "$scratch"
		mv "$cache/$tag.tmp" "$cache/$tag"
	fi
	echo "$cache/$tag"
}

# commit_release DEST TREE TAG DATE PARENT: commits TREE's files into DEST, tags it TAG.
commit_release() {
	local dest=$1 tree=$2 tag=$3 date=$4 parent=$5 index commit
	index=$(mktemp)
	rm -f "$index"
	GIT_INDEX_FILE=$index git --git-dir="$dest" --work-tree="$tree" add --all --force -- . ':!.complete'
	local -a parents=()
	[[ -n $parent ]] && parents=(-p "$parent")
	commit=$(GIT_INDEX_FILE=$index GIT_AUTHOR_DATE=$date GIT_COMMITTER_DATE=$date \
		git --git-dir="$dest" commit-tree "$(GIT_INDEX_FILE=$index git --git-dir="$dest" write-tree)" \
		"${parents[@]}" -m "shallot ${tag#v}")
	rm -f "$index"
	git --git-dir="$dest" tag "$tag" "$commit"
	echo "$commit"
}

main() {
	local dest=${1:?usage: template-history.sh DEST TEMPLATE VERSION}
	local template=${2:?usage: template-history.sh DEST TEMPLATE VERSION}
	local version=${3:?usage: template-history.sh DEST TEMPLATE VERSION}
	export GIT_AUTHOR_NAME=shallot GIT_AUTHOR_EMAIL=shallot@invalid
	export GIT_COMMITTER_NAME=shallot GIT_COMMITTER_EMAIL=shallot@invalid
	rm -rf "$dest.tmp"
	git init --quiet --bare --initial-branch=main "$dest.tmp"
	local tag parent="" date
	for tag in $(release_tags_before "$version"); do
		date=$(git -C "$repo" log -1 --format=%cI "$tag")
		parent=$(commit_release "$dest.tmp" "$(assembled_template "$tag")" "$tag" "$date" "$parent")
	done
	date=$(git -C "$repo" log -1 --format=%cI HEAD 2>/dev/null || echo 1980-01-01T00:00:00Z)
	parent=$(commit_release "$dest.tmp" "$template" "v$version" "$date" "$parent")
	git --git-dir="$dest.tmp" update-ref refs/heads/main "$parent"
	git --git-dir="$dest.tmp" gc --quiet --prune=now
	rm -rf "$dest"
	mv "$dest.tmp" "$dest"
}

main "$@"
