# donthu: one image for the API and the Celery workers (docker-compose.yml picks the command).
FROM python:3.11-slim

# Tesseract with Vietnamese (+ orientation data), PDF tools, serif fonts with Vietnamese glyphs
# (the corpus renderer; page previews), the same list as the Makefile's APT_PACKAGES.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      tesseract-ocr tesseract-ocr-vie tesseract-ocr-osd poppler-utils qpdf \
      fonts-liberation fonts-freefont-ttf fonts-texgyre fonts-dejavu-core \
      libtesseract-dev libleptonica-dev pkg-config g++ libheif-examples \
 && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DONTHU_DATA_DIR=/data

WORKDIR /app
COPY pyproject.toml README.md alembic.ini ./
COPY donthu ./donthu
COPY ingest ./ingest
COPY ocr ./ocr
COPY classify ./classify
COPY search ./search
COPY records ./records
COPY api ./api
COPY corpus ./corpus
# tesserocr built against the image's own libtesseract (the PyPI wheel bundles another Tesseract; README)
RUN pip install --no-binary tesserocr . \
 && apt-get purge -y --auto-remove g++ pkg-config \
 && useradd --create-home --uid 10001 donthu \
 && mkdir -p /data && chown donthu:donthu /data

USER donthu
VOLUME ["/data"]
EXPOSE 8000
CMD ["donthu", "serve", "--host", "0.0.0.0", "--port", "8000"]
