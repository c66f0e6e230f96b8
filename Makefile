# `make run` installs into .venv and starts the app; `make test` installs and runs all tests.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
HEADLESS := QT_QPA_PLATFORM=offscreen QTWEBENGINE_CHROMIUM_FLAGS="--no-sandbox --disable-gpu"

.PHONY: run test bench clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/asl-desktop

test: $(STAMP)
	$(HEADLESS) $(PY) -m pytest

bench: $(STAMP)
	$(HEADLESS) $(PY) bench/bench_training.py
	$(HEADLESS) $(PY) bench/bench_live.py

clean:
	rm -rf $(VENV) build *.egg-info
