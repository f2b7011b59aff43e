# Counting and predicting bouncing balls: a report built from code.
#
#   make report           set up, simulate missing data, execute the chapters, render report.pdf
#   make report QUICK=1   the same on tiny data with 1 epoch: report-quick.pdf, a preview
#   make test             set up, check the code (ruff, mypy) and run the whole test suite
#   make test-fast        the same without the end-to-end builds and the slow tests (2 minutes)
#   make format           format the code and fix what ruff can fix by itself
#   make bench            where a clean build's training time goes, and one training step of each
#                         model timed (a benchmark, not a test)
#   make submission       build report.pdf, then write submission/report.pdf and submission/code.zip
#                         (stops first if the title page still holds the template's name, ID or e-mail)
#   make clean            remove build outputs (executed chapters, PDFs), keep trained models
#   make clean-cache      also remove trained models, so the next report retrains everything
#
#   make env              only set up the environment (make env PYTHON=... readies an existing one)
#   make lock             regenerate constraints.txt, the lock of every package, from requirements.txt
#
# PYTHON=/path/to/python uses an existing interpreter (a conda environment made from
# environment.yml, Colab's or Kaggle's Python) instead of the project's .venv: the packages it lacks
# are installed into it, and a torch it has is kept as it is (tools/prepare_python.py).

SHELL := /bin/bash
.DELETE_ON_ERROR:

BOOTSTRAP_PYTHON ?= python3
VENV := .venv
PYTHON ?= $(VENV)/bin/python
# The virtual environment is only created when PYTHON is the project's own; another interpreter is
# checked (quickly, when nothing is missing) on every run.
MANAGED_VENV := $(filter $(VENV)/bin/python,$(PYTHON))
ENV_STAMP := $(if $(MANAGED_VENV),$(VENV)/.installed,python-ready)
# What the environment is made from: a change to any of them installs again.
ENV_INPUTS := requirements.txt constraints.txt pyproject.toml tools/prepare_python.py
# The pip of the project's .venv and the pip-tools that writes constraints.txt, pinned like the rest.
PIP := pip==26.3
PIP_TOOLS := pip-tools==7.7.0

QUICK ?=
MODE := $(if $(QUICK),quick,full)
REPORT := $(if $(QUICK),report-quick.pdf,report.pdf)

DATA_DIR ?= data
CACHE_DIR ?= cache
BUILD := build
DATA_FILES := $(addprefix $(DATA_DIR)/,part1_bballs_training.npz part1_bballs_test.npz part2_bballs_sequence.npz)
# Under make -jN the chapters start in the order listed: those with the most training first (the
# final Task 7 network of chapter 5 is the build's longest), so that no long training starts last
# and runs alone on one core while the others idle; every other chapter follows in its own order.
LONGEST_FIRST := chapters/05-video-beyond.ipynb chapters/03-counting-robust.ipynb chapters/04-video.ipynb
# That first chapter keeps the cores: the others run their kernels at a lower priority
# (tools/run_chapter.py --yield-cores), as Linux would otherwise share the cores equally between
# the chapters running side by side and give the longest training half a core while they run.
CRITICAL_CHAPTER := $(firstword $(LONGEST_FIRST))
CHAPTERS := $(filter $(wildcard chapters/*.ipynb),$(LONGEST_FIRST)) \
	$(filter-out $(LONGEST_FIRST),$(sort $(wildcard chapters/*.ipynb)))
EXECUTED := $(CHAPTERS:chapters/%=$(BUILD)/chapters/%)
# Every module a chapter can import, in every package: editing any of them re-executes the chapters.
LIB := $(shell find lib -name "*.py")
# The appendix that records this build (versions, commit, data, models) runs on every build; the
# conclusion reads every other chapter's results.
PROVENANCE := $(BUILD)/chapters/08-provenance.ipynb
CONCLUSION := $(BUILD)/chapters/07-conclusion.ipynb
# DEVICE=cpu or DEVICE=cuda overrides the automatic choice (CUDA when available).
export DEVICE
# Deterministic cuBLAS on a GPU needs this before CUDA starts (lib/training/device.py sets it too).
export CUBLAS_WORKSPACE_CONFIG ?= :4096:8
# OpenMP threads that wait for a sibling sleep instead of spinning: a training then keeps its pace
# when another process (a chapter beside it under make -jN, or anything else) takes a core
# (bench/busy_neighbour.py measures it). OpenMP reads it when it starts, hence here.
export OMP_WAIT_POLICY ?= PASSIVE
# Everything either renderer reads besides the chapters: editing any of it re-renders.
RENDERER := $(wildcard tools/render*.py tools/fallback/* tools/*.typ) _quarto-quick.yml

.PHONY: report test test-fast lint format bench clean clean-cache env hooks python-ready lock \
	check-data submission check-git FORCE

report: $(REPORT)

env: $(ENV_STAMP) $(if $(MANAGED_VENV),hooks)

# The pre-commit hooks (.pre-commit-config.yaml) run the .venv's tools, so only a managed .venv
# installs them, and only in a git checkout (an unpacked code.zip has none).
hooks: $(ENV_STAMP)
	@if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then \
		$(VENV)/bin/pre-commit install >/dev/null && echo "==> pre-commit hooks installed"; \
	fi

# A Python of an unsupported version stops here with one line, before the venv is made.
$(VENV)/.installed: $(ENV_INPUTS)
	@$(BOOTSTRAP_PYTHON) -m tools.prepare_python --check-version
	@echo "==> Creating the virtual environment in $(VENV)/ from requirements.txt and constraints.txt"
	$(BOOTSTRAP_PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet $(PIP)
	$(VENV)/bin/python -m tools.prepare_python
	@touch $@

# An existing interpreter keeps the torch it has (a CUDA build on Colab and Kaggle).
python-ready:
	@$(PYTHON) -m tools.prepare_python --keep-torch

# pip-tools in a throwaway venv resolves requirements.txt against pip's own index settings (so torch
# is the wheel pip would take here) and writes every transitive pin. torch is left out of the lock
# ("unsafe" in pip-tools' words): requirements.txt pins it, and an installed one is kept.
lock:
	$(BOOTSTRAP_PYTHON) -m venv $(BUILD)/pip-tools
	$(BUILD)/pip-tools/bin/python -m pip install --quiet $(PIP) $(PIP_TOOLS)
	$(BUILD)/pip-tools/bin/pip-compile --quiet --strip-extras --no-emit-index-url \
		--no-emit-find-links --unsafe-package torch --output-file constraints.txt requirements.txt

# Never overwrites a file that is there (e.g. the real course files): only missing ones are made.
$(DATA_FILES) &: | $(ENV_STAMP)
	@echo "==> Simulating the missing course data files in $(DATA_DIR)/"
	$(PYTHON) -m tools.make_data $(DATA_DIR)

# Every build checks the data files first, so a bad file stops it with one line.
check-data: $(DATA_FILES) | $(ENV_STAMP)
	@echo "==> Checking the course data files in $(DATA_DIR)/"
	@$(PYTHON) -m tools.make_data $(DATA_DIR)

# Holds "quick" or "full"; rewritten only when the mode changes, so chapters re-execute then.
$(BUILD)/mode: FORCE
	@mkdir -p $(@D)
	@echo $(MODE) | cmp -s - $@ || echo $(MODE) > $@

# Before any chapter trains, the book's plan: the models missing from the cache, their steps and an
# estimate of the training time for this make's -jN here (tools/plan_book.py); made again whenever
# a chapter may be, and kept for the provenance appendix, which sets it beside the time taken.
PLAN := $(BUILD)/plan.json
$(PLAN): $(CHAPTERS) $(LIB) $(DATA_FILES) $(BUILD)/mode tools/plan_book.py | $(ENV_STAMP) check-data
	@$(PYTHON) -m tools.plan_book --data-dir $(DATA_DIR) --cache-dir $(CACHE_DIR) --out $@ \
		$(if $(QUICK),--quick) --chapters $(CHAPTERS)

$(EXECUTED): | $(PLAN)

$(BUILD)/chapters/%.ipynb: chapters/%.ipynb $(LIB) $(DATA_FILES) $(BUILD)/mode tools/run_chapter.py | $(ENV_STAMP) check-data
	@echo "==> Executing $< (models come from $(CACHE_DIR)/ unless their inputs changed)"
	$(PYTHON) -m tools.run_chapter $< $@ $(if $(QUICK),--quick) --data-dir $(DATA_DIR) \
		--cache-dir $(CACHE_DIR) --results-dir $(BUILD)/results \
		$(if $(filter $<,$(CRITICAL_CHAPTER)),,--yield-cores)

$(CONCLUSION): $(filter-out $(CONCLUSION) $(PROVENANCE),$(EXECUTED))
$(PROVENANCE): $(filter-out $(PROVENANCE),$(EXECUTED)) FORCE

$(BUILD)/results.json $(BUILD)/_summary.md &: $(EXECUTED) tools/summarize_results.py
	@echo "==> Collecting the headline numbers into $(BUILD)/results.json"
	$(PYTHON) -m tools.summarize_results $(BUILD)/results $(BUILD)/results.json $(BUILD)/_summary.md \
		--data-dir $(DATA_DIR)

$(REPORT): $(EXECUTED) $(BUILD)/_summary.md index.qmd _quarto.yml $(RENDERER) | $(ENV_STAMP)
	@echo "==> Rendering $@"
	$(PYTHON) -m tools.render --output $@ $(if $(QUICK),--quick)

# The handout's two deliverables: the full report and code.zip of what git tracks (no data,
# models or build outputs). Git is checked first, so a missing git fails before the long build.
ifneq ($(filter submission,$(MAKECMDGOALS)),)
ifneq ($(QUICK),)
$(error make submission packs the full report.pdf; run it without QUICK=1)
endif
# The hand-in's checks (git, the student's details on the title page) come before anything long
# starts, also under make -j.
$(EXECUTED) $(DATA_FILES) $(REPORT): | check-git
endif
submission: check-git report.pdf | $(ENV_STAMP)
	@$(PYTHON) -m tools.submission --report report.pdf --out submission

check-git: | $(ENV_STAMP)
	@$(PYTHON) -m tools.submission --check

# Lint, format and types are checked first (the chapters' code cells too), so CI fails on any.
# -rs: the summary says why a test was skipped (e.g. no quarto on PATH: Quarto rendering not tested).
test: lint $(ENV_STAMP)
	@echo "==> Running the test suite"
	$(PYTHON) -m pytest -q -rs

# Everything but the tests marked e2e (they build the book end to end) or slow (pyproject.toml).
test-fast: lint $(ENV_STAMP)
	@echo "==> Running the test suite without the end-to-end builds and the slow tests"
	$(PYTHON) -m pytest -q -rs -m "not e2e and not slow"

lint: $(ENV_STAMP)
	@echo "==> Checking the code and the chapters' code cells with ruff (make format fixes most)"
	$(PYTHON) -m ruff check .
	$(PYTHON) -m ruff format --check .
	@echo "==> Checking the types of lib/ and tools/ with mypy"
	$(PYTHON) -m mypy

format: $(ENV_STAMP)
	$(PYTHON) -m ruff format .
	$(PYTHON) -m ruff check --fix .

bench: $(DATA_FILES) | $(ENV_STAMP)
	@echo "==> Where a clean build's training time goes: FLOPs, step time and share of the matrix-multiply peak of every model the book trains, core-minutes and critical path (run on an idle machine)"
	$(PYTHON) -m bench.book_cost --data-dir $(DATA_DIR)
	@echo "==> The same as on a CPU without bfloat16 units (oneDNN limited to AVX2, float32)"
	ONEDNN_MAX_CPU_ISA=AVX2 $(PYTHON) -m bench.book_cost --data-dir $(DATA_DIR)
	@echo "==> Timing one optimiser step of each model, and the final Task 7 network's precision (run on an idle machine)"
	$(PYTHON) -m bench.step_time
	@echo "==> Timing the final Task 7 network alone and beside a busy process, per OpenMP wait policy"
	$(PYTHON) -m bench.busy_neighbour
	@echo "==> Timing the final Task 7 network beside another chapter's trainings, with and without that chapter yielding the cores"
	$(PYTHON) -m bench.yield_cores
	@echo "==> How the final Task 7 network's validation error fell over its epochs, against the seeds' noise (read from cache/)"
	$(PYTHON) -m bench.final_budget --cache-dir $(CACHE_DIR)
	@echo "==> Identifying the generator's settings and predicting the validation clips with the physics-informed predictor"
	$(PYTHON) -m bench.physics_predictor
	@echo "==> Identifying the rules' variant on files of each variant of the rules"
	$(PYTHON) -m bench.physics_rules

clean:
	rm -rf $(BUILD) _book .quarto report.pdf report-quick.pdf submission

clean-cache: clean
	find $(CACHE_DIR) -mindepth 1 -maxdepth 1 ! -name README.md -exec rm -rf {} +
