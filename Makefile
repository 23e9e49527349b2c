# Two commands on a fresh machine: `make run` and `make test`. Each creates .venv when
# missing and installs everything (through constraints.txt, which pins the CPU torch).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test gate install browser lint bench eval clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -c constraints.txt -e '.[dev,llm]'
	touch $(STAMP)

install: $(STAMP)

# Debian's chromium drives the browser test; install it when it is missing.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing chromium (apt) for the browser test"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# The first run also has the bundled LLM title the papers that name no method (once; cached).
run: $(STAMP)
	$(VENV)/bin/abstractqa ingest --if-needed --titles
	$(VENV)/bin/abstractqa serve

test: $(STAMP) browser
	$(PY) -m pytest

# The CI gate in the default mode (topic check and judge on) on every dev set, not only the
# sets whose refusals the checks decide: about an hour on 2 cores without AVX-512.
gate: $(STAMP)
	ABSTRACTQA_GATE=all $(PY) -m pytest tests/test_evaluate.py -k "meets_thresholds or meet_each"

lint: $(STAMP)
	$(VENV)/bin/ruff check src ui tests benchmarks

eval: $(STAMP)
	$(VENV)/bin/abstractqa ingest --if-needed --titles
	$(VENV)/bin/abstractqa eval evals/questions.jsonl --out eval-out

bench: $(STAMP)
	$(PY) benchmarks/run.py

clean:
	rm -rf data eval-out .pytest_cache
