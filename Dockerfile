# One image for every app service in docker-compose.yml: web (gunicorn),
# worker and beat (Celery), and the one-shot migrate.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

# WeasyPrint renders the minutes' PDFs with Pango (text layout) and HarfBuzz's
# subsetter (embedded fonts; without it PDFs render about twice as slowly).
# slim has no fonts at all: DejaVu is the fallback the PDF stylesheet can rely on.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz-subset0 \
        fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first: this layer is rebuilt only when requirements.txt changes.
# The lock file names every package with its hashes (make lock).
COPY requirements.txt .
RUN pip install --require-hashes --no-deps -r requirements.txt && pip check

COPY . .

# Static files are collected into the image (/app/staticfiles) and served by
# WhiteNoise. Settings need a secret to import: a throwaway one, only in this
# RUN's environment, with a scratch VAR_DIR so nothing is written under /app.
ARG BUILD_SECRET_KEY=collectstatic-only-not-a-secret
RUN DEMO_MODE=true SECRET_KEY="$BUILD_SECRET_KEY" VAR_DIR=/tmp/build-var \
        python manage.py collectstatic --noinput \
    && rm -rf /tmp/build-var \
    && python bin/check_system_libs.py

# The code stays root-owned (read-only to the app); the app user writes only
# media (rendered PDFs, a shared volume in compose) and var.
RUN groupadd --system --gid 10001 opsg \
    && useradd --system --uid 10001 --gid opsg --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin opsg \
    && mkdir -p /app/media /app/var \
    && chown opsg:opsg /app/media /app/var

USER opsg:opsg

ENV STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/app/media \
    VAR_DIR=/app/var

EXPOSE 8000

# docker-compose.yml gives each service its own command; this is the web one.
CMD ["gunicorn", "opsg.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-", \
     "--no-control-socket"]
