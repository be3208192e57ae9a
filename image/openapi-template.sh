#!/usr/bin/env bash
# Writes skeleton/project/openapi.json.jinja, the contract a new project starts with: the
# document of a project that IMAGE ($1) renders, its title and description made copier's
# answers again. Run it (make openapi-template) after changing the example's API; the
# generated project's own test fails while the two differ.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
image=${1:?usage: openapi-template.sh IMAGE}
title=contract-template
description=@DESCRIPTION@

scratch=$(mktemp -d)
trap 'docker run --rm -v "$scratch:/work" --entrypoint rm "$image" -rf /work/$title >/dev/null 2>&1 || true; rm -rf "$scratch"' EXIT

docker run --rm -v "$scratch:/work" "$image" new "$title" --defaults --no-git \
	--description "$description" >/dev/null
docker run --rm -v "$scratch:/work" -w "/work/$title" -e APP_ENV=test "$image" \
	python manage.py openapi
"${PYTHON:-python3}" - "$scratch/$title/openapi.json" "$repo/skeleton/project/openapi.json.jinja" \
	"${title//-/_}" "$description" <<'PYTHON'
import sys

source, target, package, description = sys.argv[1:]
text = open(source, encoding="utf-8").read()
# copier's tojson escapes <, >, & and ' where json.dumps, which wrote the contract, does not.
as_json = "".join(
    f' | replace("\\\\u{ord(character):04x}", "{character}")' for character in "<>&'"
)
answers = {
    f'"title": "{package}"': '"title": {{ package_name | tojson }}',
    f'"description": "{description}"': f'"description": {{{{ description | tojson{as_json} }}}}',
}
for rendered, template in answers.items():
    assert text.count(rendered) == 1, rendered
    text = text.replace(rendered, template)
open(target, "w", encoding="utf-8").write(text)
PYTHON
