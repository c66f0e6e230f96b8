# `make run` installs into .venv and starts the app; `make test` installs and runs all tests.
# Installs take the versions in constraints.txt, verified together (see README).
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
WEBENGINE := QTWEBENGINE_CHROMIUM_FLAGS="--no-sandbox --disable-gpu"
# GUI tests run on a real X server (Xvfb, the xcb platform) when xvfb-run is installed,
# else offscreen; TEST_PLATFORM=offscreen forces the latter.
ifeq ($(TEST_PLATFORM),)
TEST_PLATFORM := $(if $(shell command -v xvfb-run),xcb,offscreen)
endif
ifeq ($(TEST_PLATFORM),xcb)
TEST_ENV := QT_QPA_PLATFORM=xcb $(WEBENGINE) xvfb-run -a -s "-screen 0 1600x1000x24"
else
TEST_ENV := QT_QPA_PLATFORM=offscreen $(WEBENGINE)
endif

.PHONY: run test check bench soak lock clean

$(STAMP): pyproject.toml constraints.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install -c constraints.txt -e '.[train,test]'
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/asl-desktop

# the layout's checks first (import contracts, lint, types: pyproject.toml), then every test
test: $(STAMP) check
	@echo "GUI tests on the $(TEST_PLATFORM) platform"
	$(TEST_ENV) $(PY) -m pytest

check: $(STAMP)
	$(VENV)/bin/lint-imports
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

bench: $(STAMP)
	$(TEST_ENV) $(PY) bench/bench_training.py
	$(TEST_ENV) $(PY) bench/bench_live.py

soak: $(STAMP)
	$(TEST_ENV) $(PY) bench/soak.py

# rewrite constraints.txt from what .venv holds now (after a deliberate upgrade there)
lock:
	$(PY) -m pip freeze --exclude-editable | grep -v '^asl-desktop' > constraints.txt

clean:
	rm -rf $(VENV) build *.egg-info
