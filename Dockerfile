# One image for web, worker and beat; the command differs per compose service. The `browser`
# target adds Debian's Chromium for the browser-capture worker (Playwright drives it; its own
# browser download is not used).
FROM python:3.11-slim-bookworm AS app

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
RUN useradd --create-home --uid 10001 desk \
    && mkdir -p /data/archives \
    && chown -R desk /data \
    && python manage.py collectstatic --no-input -v0 \
    && rm -rf var
USER desk

EXPOSE 8000
CMD ["gunicorn", "factcheck.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2"]

FROM app AS browser
USER root
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium fonts-noto-core \
    && rm -rf /var/lib/apt/lists/*
# An ordinary user: Chromium keeps its sandbox (sources/browser/engine.py drops it only as root).
USER desk
