# Two commands for users (`make lab`, `make test`); every target sets up what it needs.
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.requirements-installed

.PHONY: lab lab-instructor lab-prepare test test-fast test-slow test-course test-postgres \
  test-browser test-hub lint course datasets bench bench-bike freeze clean

# (Re)install only when requirements.txt or the packaging (pyproject.toml, setup.py) changed.
$(STAMP): requirements.txt pyproject.toml setup.py
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@# jsonschema (under nbformat and jupyter_events) imports rfc3987-syntax when present,
	@# which builds 38 Earley parsers at import: 2 s of CPU in every process that reads a
	@# notebook (each nbgrader command, JupyterLab, papermill, workbench grade), 0.24 s
	@# without it, for the `iri` format that no Jupyter schema uses. jsonschema skips that
	@# format when the package is absent (jsonschema/_format.py), so it is removed again.
	$(PY) -m pip uninstall --quiet --yes rfc3987-syntax lark
	touch $(STAMP)

lab: $(STAMP)
	$(PY) -m workbench lab

# Instructors: JupyterLab on the course root with formgrader (release, collect, grade).
lab-instructor: $(STAMP)
	$(PY) -m workbench lab --instructor

lab-prepare: $(STAMP)
	$(PY) -m workbench prepare

# Every tier (fast, slow, course, postgres, browser, hub) on two xdist workers; a tier whose
# system package is missing is skipped and named in the last line of the run.
# loadgroup (scheduled by conftest.py) keeps each notebook's nbval cells and each unit's
# grading on one worker.
XDIST := -n 2 --dist loadgroup
space := $() $()
test: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m pytest $(XDIST) --durations=30

# The developer's loop (< 2 min): package unit tests and statistics references only.
test-fast: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m pytest $(XDIST) -m fast

# Integration tests (kernels, nbgrader, papermill, JupyterLab). Some of them also carry a
# heavier marker (course, postgres) and belong to that tier instead.
test-slow: $(STAMP)
	$(PY) -m pytest $(XDIST) -m "slow and not course and not postgres"

test-postgres test-browser test-hub: test-%: $(STAMP)
	$(PY) -m pytest -m $*

# Every course notebook under nbval and every unit graded; UNITS="04_t_test …" narrows it.
test-course: $(STAMP)
	$(PY) -m pytest $(XDIST) -m course $(if $(UNITS),-k "$(subst $(space), or ,$(strip $(UNITS)))")

lint: $(STAMP)
	$(PY) -m ruff check .

datasets: $(STAMP)
	$(PY) -m workbench datasets build --size small

# Grading throughput, nbgrader vs workbench grade, side by side (see benchmarks/README.md).
BENCH_N ?= 300
bench: $(STAMP)
	$(PY) benchmarks/grading.py --n $(BENCH_N) --nbgrader-n 10 --json benchmarks/grading-latest.json

# Stay points + OD on the full bike data (>= 10 M GPS points) vs the naive loop.
bench-bike: $(STAMP)
	$(PY) -m workbench datasets build rental_cycle_gps --size full
	$(PY) benchmarks/bike_stay_points.py --size full --naive-trips 300

# Re-execute the source notebooks so their committed outputs match the code (authors only).
course: $(STAMP)
	$(PY) -m workbench course execute

freeze: $(STAMP)
	$(PY) -m pip freeze --exclude-editable > requirements.lock.tmp && \
	  { sed -n '1,2p' requirements.txt; cat requirements.lock.tmp; echo "-e ."; } > requirements.new && \
	  mv requirements.new requirements.txt && rm requirements.lock.tmp

clean:
	rm -rf workspace grading/release grading/autograded grading/submitted grading/feedback \
	  grading/exchange grading/gradebook.db grading/.workbench datasets/*/small datasets/*/full
