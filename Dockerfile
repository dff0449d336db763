# One image for web, worker and beat; the command differs per compose service.
FROM python:3.11-slim-bookworm

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
