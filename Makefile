# The two commands: `make serve` (set up, build, serve the default models) and `make test` (set up, run every test).
SWIFT ?= swift
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup setup-serve build serve test release clean

setup:
	bash scripts/setup

# Serving needs neither the OpenVINO build nor the old ONNX Runtime that the tests use.
setup-serve:
	SETUP_TEST_RUNTIMES=0 bash scripts/setup

build: setup
	$(SWIFT) build --product ai-gateway

release: setup-serve
	$(SWIFT) build -c release --product ai-gateway

serve: release
	.build/release/ai-gateway serve --host $(HOST) --port $(PORT)

test: setup
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --no-parallel
	if [ -d tools/tests ]; then .runtime/venv/bin/python -m pytest tools/tests -q; fi
	.runtime/venv/bin/python -m pytest e2e -q

clean:
	rm -rf .build
