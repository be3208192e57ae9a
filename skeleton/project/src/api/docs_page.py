"""A self-contained page that fetches /openapi.json and lists the operations.

No CDN: the style and script are inline, and the Content-Security-Policy allows exactly
those two (by hash) plus fetching from this origin.
"""

import base64
import hashlib

STYLE = """
body { font: 15px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; }
li { list-style: none; margin: .4rem 0; }
code { font-weight: bold; display: inline-block; min-width: 4.5rem; }
.path { font-family: monospace; }
"""

SCRIPT = """
fetch("/openapi.json").then((response) => response.json()).then((spec) => {
  document.getElementById("title").textContent = spec.info.title + " " + spec.info.version;
  const list = document.getElementById("operations");
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (method === "parameters") continue;
      const entry = document.createElement("li");
      const verb = document.createElement("code");
      verb.textContent = method.toUpperCase();
      const where = document.createElement("span");
      where.className = "path";
      where.textContent = path;
      entry.append(verb, where, " \\u2014 " + (operation.summary || ""));
      list.append(entry);
    }
  }
});
"""


def _hash(source: str) -> str:
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


DOCS_PAGE = f"""<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>API documentation</title><style>{STYLE}</style></head>
<body>
<h1 id="title">API documentation</h1>
<p>The full description is in <a href="/openapi.json">/openapi.json</a> (OpenAPI 3).</p>
<ul id="operations"></ul>
<script>{SCRIPT}</script>
</body>
</html>
"""

DOCS_PAGE_CSP = (
    f"default-src 'none'; style-src {_hash(STYLE)}; script-src {_hash(SCRIPT)}; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
