# ipplan, production image: gunicorn serves the app, whitenoise its static files.
# Front-end assets come from npm in a build stage; nothing is fetched at run time.

FROM node:20-bookworm-slim AS assets
RUN apt-get update && apt-get install -y --no-install-recommends make \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json Makefile ./
RUN make assets

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
# WeasyPrint needs Pango and HarfBuzz; gettext compiles the translations; manage.py backup and
# restore run pg_dump and pg_restore (bookworm's client is 15, like the postgres service).
RUN apt-get update && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fonts-dejavu-core \
        gettext postgresql-client \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 10001 ipplan
WORKDIR /app
COPY pyproject.toml README.md ./
RUN pip install .
COPY . .
COPY --from=assets /src/static/vendor /app/static/vendor
# Settings need their production variables even to collect static files; these build-time
# values are never used at run time.
RUN DJANGO_ENV=production DJANGO_SECRET_KEY=build-only-not-a-secret-0123456789abcdefghijklmn \
    DJANGO_ALLOWED_HOSTS=build EMAIL_HOST=build IPPLAN_DATA_KEY=build-only-not-a-key-0123456789abcdef \
    python manage.py collectstatic --noinput --verbosity 0 \
    && python manage.py compilemessages --ignore=node_modules --verbosity 0 \
    && mkdir -p /app/var/private && chown -R ipplan /app/var
USER ipplan
EXPOSE 8000
# Bind address, workers, logging and the hidden server banner: gunicorn.conf.py.
CMD ["gunicorn", "ipplan.wsgi:application", "--config", "gunicorn.conf.py"]
