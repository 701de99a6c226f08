# donthu — set-up, demo and tests. `make demo` and `make test` work on a fresh Debian with Python 3.11.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Tesseract with Vietnamese data; poppler/qpdf for PDF tooling; serif fonts with Vietnamese glyphs for the
# corpus renderer (TeX Gyre Termes ≈ Times, FreeSerif, DejaVu); Chromium and its driver for the browser tests.
# libtesseract-dev, libleptonica-dev, pkg-config and g++ build tesserocr against this libtesseract (README).
# docker-compose (1.29, no engine needed) validates docker-compose.yml in tests/test_deploy.py.
# libheif-examples: heif-convert reads HEIC phone photos (ingest/heif.py), heif-enc makes them for the tests.
APT_PACKAGES := tesseract-ocr tesseract-ocr-vie tesseract-ocr-osd poppler-utils qpdf \
	fonts-freefont-ttf fonts-texgyre fonts-dejavu-core chromium chromium-driver \
	libtesseract-dev libleptonica-dev pkg-config g++ docker-compose libheif-examples
DEMO_DATA := demo-data
DEMO_CORPUS := demo-corpus

.PHONY: setup system venv model demo test test-random bench bench-tools clean

setup: system venv

system:
	@if ! dpkg -s $(APT_PACKAGES) >/dev/null 2>&1; then \
		$(SUDO) apt-get update && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends $(APT_PACKAGES); \
	fi

venv: $(BIN)/.installed

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q --no-binary tesserocr -e '.[test]'
	touch $@

# the type textcat shipped in classify/model/type_textcat (2 MB): rebuilt from generated documents whose seeds
# differ from the evaluation seeds; same seeds, same weights
model: venv
	$(BIN)/donthu train-type --n 4000 --seed 1001 --dev-n 600 --dev-seed 1002 --epochs 4

demo: setup
	rm -rf $(DEMO_DATA) $(DEMO_CORPUS)
	$(BIN)/donthu corpus $(DEMO_CORPUS) --n 6 --seed 7
	$(BIN)/donthu --data-dir $(DEMO_DATA) ingest $(DEMO_CORPUS)/files
	$(BIN)/donthu --data-dir $(DEMO_DATA) list
	@echo; echo '$$ donthu search "thua dat"   (typed without diacritics)'
	$(BIN)/donthu --data-dir $(DEMO_DATA) search "thua dat" --limit 5
	@echo; echo '$$ donthu search "tranh chấp đất đai" --type land_dispute'
	$(BIN)/donthu --data-dir $(DEMO_DATA) search "tranh chấp đất đai" --type land_dispute --limit 5

# Redis, PostgreSQL and the real scans (../shared/real-scans) are checked first: a missing one stops the run
# with what to start (tests/services.py), and a test never skips them. File order (pytest-randomly off);
# `make test-random` runs the same suite shuffled, its seed printed (SEED=N repeats an order).
TEST_ENV := DONTHU_EXPECT_OCR_BACKEND=tesserocr
# two processes (pytest-xdist), a file per unit of work, the longest first (tests/conftest.py); SPREAD= runs
# the suite in one process
SPREAD ?= -n 2 --dist loadgroup
test: setup
	$(BIN)/python tests/services.py
	$(TEST_ENV) $(BIN)/python -m pytest -q -p no:randomly $(SPREAD)

test-random: setup
	$(BIN)/python tests/services.py
	$(TEST_ENV) $(BIN)/python -m pytest -q $(SPREAD) $(if $(SEED),--randomly-seed=$(SEED))

# the throughput benchmark compares with OCRmyPDF (Debian's package); not needed to run or test donthu
bench-tools: setup
	@dpkg -s ocrmypdf >/dev/null 2>&1 || { $(SUDO) apt-get update && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends ocrmypdf; }

bench: bench-tools
	$(BIN)/python bench/throughput.py

clean:
	rm -rf $(DEMO_DATA) $(DEMO_CORPUS) .pytest_cache
