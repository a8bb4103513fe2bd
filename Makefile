# mvadapt: `make demo` and `make test` do all the set-up on a fresh machine.
#
# A virtual environment is created in .venv unless one is active. torch is
# installed first from TORCH_SPEC (this machine keeps torch 2.14.1 +
# torchvision 0.29.1 on local disk), then mvadapt in editable mode.
SHELL := /bin/bash
TORCH_SPEC ?= torch==2.14.1 torchvision==0.29.1
VENV ?= .venv
ifdef VIRTUAL_ENV
ENV_DIR := $(VIRTUAL_ENV)
else
ENV_DIR := $(VENV)
endif
PY := $(ENV_DIR)/bin/python
# The extras installed with mvadapt (.ci/run adds app,browser-tests).
EXTRAS ?= tests
comma := ,
STAMP := $(ENV_DIR)/.mvadapt-installed-$(subst $(comma),-,$(EXTRAS))
PYTEST_ARGS ?=
DEMO_ARGS ?=

.PHONY: demo demo-full test test-all install clean-demo

$(PY):
	python3 -m venv $(VENV)

$(STAMP): $(PY) setup.py requirements/runtime.txt requirements/tests.txt requirements/mmcv.txt requirements/search.txt requirements/app.txt requirements/browser_tests.txt
	$(PY) -m pip install --upgrade pip -q
	$(PY) -c "import torch, torchvision" 2>/dev/null || $(PY) -m pip install $(TORCH_SPEC)
	$(PY) -m pip install -e ".[$(EXTRAS)]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(PY) tools/demo.py $(DEMO_ARGS)

# Pretraining (compared with the shipped weights), ablations and AdaptFormer
# over 3 seeds (33 minutes measured on 2 CPU cores).
demo-full: $(STAMP)
	$(PY) tools/demo.py --full $(DEMO_ARGS)

test: $(STAMP)
	$(PY) -m pytest -m "not slow" $(PYTEST_ARGS)

test-all: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

clean-demo:
	rm -rf work_dirs/demo data/moving_shapes
