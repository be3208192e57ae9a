# shallot: build the image, render projects, run the tests.  `make help` lists the targets.

IMAGE ?= shallot:dev
PYTHON ?= python3
BUILD := build
VENV := $(BUILD)/venv
RUNTIME_VENV := $(BUILD)/runtime-venv
BASE_IMAGES_MK := $(BUILD)/base-images.mk
WHEELHOUSE := $(BUILD)/wheelhouse
DEBHOUSE := $(BUILD)/debs
TEMPLATE := $(BUILD)/template
TEMPLATE_GIT := $(BUILD)/template.git
# The Debian packages the image adds to its base: make for the projects' Makefiles, git for
# `new` and `update`, nginx in front of the generated service's gunicorn.
export DEB_PACKAGES := make git nginx

# BuildKit where the buildx plugin exists; the classic builder elsewhere (the Dockerfile works with both).
export DOCKER_BUILDKIT ?= $(shell docker buildx version >/dev/null 2>&1 && echo 1 || echo 0)

-include $(BASE_IMAGES_MK)

.DEFAULT_GOAL := help
.PHONY: help venv lock wheelhouse template template-history base-images image openapi-template release new test test-unit test-runtime test-e2e bench lint clean

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z0-9-]+:.*## / {printf "  %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(VENV)/.installed: tests/requirements.txt image/cli/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet -r tests/requirements.txt
	touch $@

venv: $(VENV)/.installed ## Make the host's tool environment (build/venv)

lock: $(VENV)/.installed ## Re-pin image/requirements.lock from image/requirements.in
	$(VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
		--output-file image/requirements.lock image/requirements.in

$(WHEELHOUSE)/.complete: image/requirements.lock $(shell find image/cli runtime/src -name '*.py' -o -name pyproject.toml) runtime/pyproject.toml VERSION $(VENV)/.installed
	PYTHON=$(VENV)/bin/python image/wheelhouse.sh $(WHEELHOUSE)
	touch $@

wheelhouse: $(WHEELHOUSE)/.complete $(DEBHOUSE)/.complete ## Download what the image installs, on the host (build/wheelhouse, build/debs)

$(DEBHOUSE)/.complete: image/debhouse.sh $(BASE_IMAGES_MK) Makefile
	image/debhouse.sh $(DEBHOUSE) $(PYTHON_IMAGE)
	touch $@

# Spaces escaped: the template's conditional files have Jinja in their names ({%if oidc%}auth.py{%endif%}).
$(TEMPLATE)/.complete: $(shell find skeleton compose devcontainer -type f | sed 's/ /\\ /g') $(WHEELHOUSE)/.complete image/lock-template.py VERSION
	PYTHON=$(VENV)/bin/python WHEELHOUSE=$(WHEELHOUSE) image/assemble-template.sh $(TEMPLATE)
	touch $@

template: $(TEMPLATE)/.complete ## Assemble the copier template (build/template) from skeleton/, compose/ and devcontainer/, and lock its dependencies

# The template's release history (a git repository, one tagged commit per release tag), made
# again on every image build: tags may have been added, and the older ones' are cached.
template-history: $(TEMPLATE)/.complete
	PYTHON=$(VENV)/bin/python image/template-history.sh $(TEMPLATE_GIT) $(TEMPLATE) $$(cat VERSION)

base-images: ## Make sure the python, postgres and prometheus base images exist (official, pulled, or built here)
	image/base/base-images.sh $(BASE_IMAGES_MK)

$(BASE_IMAGES_MK):
	image/base/base-images.sh $@

image: $(BASE_IMAGES_MK) $(WHEELHOUSE)/.complete $(DEBHOUSE)/.complete template-history ## Build the shallot image (IMAGE=shallot:dev to rename)
	docker build --file image/Dockerfile --tag $(IMAGE) \
		--build-arg PYTHON_IMAGE=$(PYTHON_IMAGE) \
		--build-arg POSTGRES_IMAGE=$(POSTGRES_IMAGE) \
		--build-arg DEB_PACKAGES="$(DEB_PACKAGES)" \
		--build-arg IMAGE_NAME=$(IMAGE) \
		--build-arg SHALLOT_VERSION=$$(cat VERSION) \
		--build-arg CREATED=$$(date -u +%Y-%m-%dT%H:%M:%SZ) \
		--build-arg REVISION=$$(git rev-parse HEAD 2>/dev/null || echo unknown) \
		.

openapi-template: image ## Write the template's contract (skeleton/project/openapi.json.jinja) from a project the image renders
	PYTHON=$(VENV)/bin/python image/openapi-template.sh $(IMAGE)

release: $(VENV)/.installed ## Build and push a release: make release VERSION=X.Y.Z REGISTRY=ghcr.io/owner (HEAD tagged vX.Y.Z)
	PYTHON=$(VENV)/bin/python image/release/release.sh "$(VERSION)" "$(REGISTRY)"

new: image ## Render a project: make new name=payments-api [dir=.]
	@test -n "$(name)" || { echo "make new: give the project name, e.g. make new name=payments-api" >&2; exit 2; }
	docker run --rm $$(test -t 0 && echo -it) -v "$(abspath $(or $(dir),.)):/work" $(IMAGE) new $(name)

# The unit tests (one core) while the images build (mostly downloads and disk on the other); then
# the runtime library's tests, whose clocks want the machine to themselves, and end to end.
test: $(VENV)/.installed ## Run the whole suite (unit, the runtime library's, then end-to-end through Docker)
	$(MAKE) --jobs=2 --output-sync=target test-unit image
	$(MAKE) test-runtime
	$(RUN_E2E)

test-unit: $(VENV)/.installed $(TEMPLATE)/.complete $(RUNTIME_VENV)/.installed ## Unit tests: the CLI and the renderer, no Docker
	$(VENV)/bin/pytest tests/unit

# The runtime library in a plain virtualenv, installed with pip as any user would install it;
# with python-dotenv, the one package a generated project adds, it also runs a project's
# manage.py and unit tests on the host (the resource generator's test).
$(RUNTIME_VENV)/.installed: runtime/pyproject.toml VERSION
	$(PYTHON) -m venv $(RUNTIME_VENV)
	$(RUNTIME_VENV)/bin/pip install --quiet --upgrade pip  # older resolvers give up on OpenTelemetry's pins
	$(RUNTIME_VENV)/bin/pip install --quiet './runtime[test]' python-dotenv
	touch $@

test-runtime: $(RUNTIME_VENV)/.installed $(BASE_IMAGES_MK) ## The runtime library's own tests: unit, then integration on PostgreSQL (testcontainers)
	$(RUNTIME_VENV)/bin/pip install --quiet --no-deps --force-reinstall ./runtime
	cd runtime && POSTGRES_IMAGE=$(POSTGRES_IMAGE) ../$(RUNTIME_VENV)/bin/pytest tests

E2E_PYTEST = SHALLOT_TEST_IMAGE=$(IMAGE) SHALLOT_TEST_POSTGRES_IMAGE=$(POSTGRES_IMAGE) \
	SHALLOT_TEST_PYTHON_IMAGE=$(PYTHON_IMAGE) SHALLOT_TEST_PROMETHEUS_IMAGE=$(PROMETHEUS_IMAGE) \
	$(VENV)/bin/pytest --durations=15 tests/e2e

# Two modules at a time where they mostly build and wait; then, one at a time, the modules
# marked `alone`, which judge behaviour under load or against a clock.
define RUN_E2E
$(E2E_PYTEST) -m "not alone" --numprocesses=2 --dist=loadfile --no-loadscope-reorder
$(E2E_PYTEST) -m alone
endef

test-e2e: $(VENV)/.installed image ## End-to-end tests through the built image and real Docker
	$(RUN_E2E)

bench: $(VENV)/.installed image ## Measure the whole workflow (up to 15 min): bench/results/latest.{json,md} and docs/benchmarks.md
	IMAGE=$(IMAGE) PYTHON_IMAGE=$(PYTHON_IMAGE) POSTGRES_IMAGE=$(POSTGRES_IMAGE) $(VENV)/bin/python -m bench.run

lint: $(VENV)/.installed ## shellcheck every script, hadolint every Dockerfile, ruff on the runtime library
	shellcheck $$(git ls-files '*.sh' .ci/run)
	cd runtime && ../$(VENV)/bin/ruff check src tests && ../$(VENV)/bin/ruff format --check src tests
	$(VENV)/bin/hadolint $$(git ls-files '*Dockerfile' '*Dockerfile.*' ':!:*.jinja')

clean: ## Remove build/ (images stay; `docker image rm` them yourself)
	rm -rf $(BUILD)
