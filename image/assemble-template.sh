#!/usr/bin/env bash
# Assembles the copier template into $1: skeleton/ (copier.yml and the project), with the
# compose files from compose/ and the devcontainer from devcontainer/ laid into the project.
# Copier renders only what is inside its template folder, so the sources meet here.
#
# devcontainer/ is also a Dev Container Template, written with ${templateOption:NAME}
# placeholders; here each becomes the copier variable that answers the same question.
#
# Then lock-template.py gives the project its dependencies: the image's pins and a uv.lock,
# locked here with the runtime's wheel from the wheelhouse ($WHEELHOUSE, default build/wheelhouse).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
python=${PYTHON:-python3}
wheelhouse=${WHEELHOUSE:-$repo/build/wheelhouse}

# assemble_template_options FILE: FILE.jinja with template options as copier variables.
assemble_template_options() {
	local file=$1
	# shellcheck disable=SC2016 # the placeholders are literal text
	sed -e 's/${templateOption:projectName}/{{ project_name }}/g' \
		-e 's/${templateOption:httpPort}/{{ http_port }}/g' \
		"$file" >"$file.jinja"
	rm "$file"
	if grep -q 'templateOption:' "$file.jinja"; then
		echo "assemble-template: $file has a template option with no copier variable" >&2
		exit 1
	fi
}

main() {
	local dest=${1:?usage: assemble-template.sh DEST}
	local staging="$dest.tmp"
	rm -rf "$staging"
	mkdir -p "$staging"
	cp -a "$repo/skeleton/." "$staging/"
	cp -a "$repo/compose/project/." "$staging/project/"
	cp -a "$repo/devcontainer/.devcontainer" "$staging/project/.devcontainer"
	assemble_template_options "$staging/project/.devcontainer/devcontainer.json"
	"$python" "$repo/image/lock-template.py" "$staging" "$repo/image/requirements.lock" \
		"$repo/VERSION" "$wheelhouse"
	find "$staging" \( -name __pycache__ -o -name '*.pyc' \) -prune -exec rm -rf {} +
	rm -rf "$dest"
	mv "$staging" "$dest"
}

main "$@"
