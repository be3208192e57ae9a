#!/usr/bin/env bash
# Writes skeleton/project/openapi.json.jinja, the contract a new project starts with: the
# documents of the projects that IMAGE ($1) renders with --auth oidc and with --auth none, one
# for each answer, their title and description made copier's answers again. Run it (make openapi-template) after changing the example's API; the
# generated project's own test fails while the two differ.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
image=${1:?usage: openapi-template.sh IMAGE}
title=contract-template
description=@DESCRIPTION@

scratch=$(mktemp -d)
trap 'docker run --rm -v "$scratch:/work" --entrypoint rm "$image" -rf /work/$title >/dev/null 2>&1 || true; rm -rf "$scratch"' EXIT

contract() {
	local auth=$1
	docker run --rm -v "$scratch:/work" --entrypoint rm "$image" -rf "/work/$title"
	docker run --rm -v "$scratch:/work" "$image" new "$title" --defaults --no-git \
		--auth "$auth" --description "$description" >/dev/null
	docker run --rm -v "$scratch:/work" -w "/work/$title" -e APP_ENV=test "$image" \
		python manage.py openapi
	cp "$scratch/$title/openapi.json" "$scratch/openapi.$auth.json"
}

contract oidc
contract none
"${PYTHON:-python3}" - "$scratch/openapi.oidc.json" "$scratch/openapi.none.json" \
	"$repo/skeleton/project/openapi.json.jinja" "${title//-/_}" "$description" <<'PYTHON'
import sys

oidc, none, target, package, description = sys.argv[1:]


def templated(source: str) -> str:
    text = open(source, encoding="utf-8").read()
    # copier's tojson escapes <, >, & and ' where json.dumps, which wrote it, does not.
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
    return text


# A block tag's line leaves nothing behind (the template's trim_blocks).
text = "{% if oidc %}\n" + templated(oidc) + "{% else %}\n" + templated(none) + "{% endif %}\n"
open(target, "w", encoding="utf-8").write(text)
PYTHON
