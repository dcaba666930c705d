# The two commands a person needs: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: install run test lint messages

install: $(BIN)/hoptac

$(BIN)/hoptac: pyproject.toml
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(BIN)/hoptac

run: install
	HOPTAC_DEBUG=$${HOPTAC_DEBUG:-1} $(BIN)/hoptac demo
	HOPTAC_DEBUG=$${HOPTAC_DEBUG:-1} $(BIN)/hoptac run --port $(PORT)

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check src tests bench

messages: install
	cd src/hoptac && HOPTAC_DEBUG=1 ../../$(BIN)/hoptac makemessages -l vi -l en --no-obsolete -e html,py,txt --ignore "reference/data/*" && HOPTAC_DEBUG=1 ../../$(BIN)/hoptac compilemessages
