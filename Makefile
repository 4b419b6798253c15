# stancegraph — the two commands are `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
STORE  ?= .stancegraph
OUT    ?= out

.PHONY: setup demo test test-quick lint browser servers bench stress notebook docs clean

setup: $(STAMP)

# Rebuild the environment whenever the project's dependencies change.
$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "stancegraph needs Python 3.11+"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: setup
	$(BIN)/stancegraph --store $(STORE) build graph/
	$(BIN)/stancegraph --store $(STORE) validate
	$(BIN)/stancegraph --store $(STORE) stats
	$(BIN)/stancegraph --store $(STORE) query stance_between -p holder="Donald Trump" -p target="Vladimir Putin"
	$(BIN)/stancegraph --store $(STORE) query relationship_timeline -p a="Donald Trump" -p b="Vladimir Putin"
	$(BIN)/stancegraph --store $(STORE) query critics_of -p actor="Donald Trump"
	$(BIN)/stancegraph --store $(STORE) viz -o $(OUT)/network.html
	@echo "Interactive network written to $(OUT)/network.html"

# Headless Chromium from the system packages, for the browser tests.
browser:
	@bash scripts/install-browser.sh

# SPARQL servers from the system packages, for the tests that run the library on other engines.
servers:
	@bash scripts/install-virtuoso.sh

test: setup browser servers
	$(BIN)/python -m pytest -n 2 --dist loadfile

test-quick: setup
	$(BIN)/python -m pytest -x -q -m "not browser and not server"

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy src/stancegraph

bench: setup
	$(BIN)/python -m bench all

stress: setup browser servers
	STANCEGRAPH_STRESS=1 $(BIN)/python -m pytest -n 2 --dist loadfile -m slow -p no:randomly -s

notebook: setup
	$(BIN)/python -m pip install --quiet -e '.[dev,notebook]'
	$(BIN)/python -m ipykernel install --user --name stancegraph --display-name "stancegraph"
	$(BIN)/jupyter lab notebooks/

docs: setup
	$(BIN)/python -m stancegraph.share.ontology_docs

clean:
	rm -rf $(STORE) $(OUT) build dist .pytest_cache
