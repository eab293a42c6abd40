# Fascia: one small image serving a bundle built from content/; no database, no YAML at run time.
FROM docker.io/library/python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never
RUN pip install --no-cache-dir uv==0.13.9
WORKDIR /app
COPY pyproject.toml uv.lock ./
# The same lock file as `make`: runtime dependencies only.
RUN uv sync --frozen --no-dev --no-install-project
COPY api/ api/
COPY content/ content/
# Validate the content and write the bundle; bad content fails the image build here.
RUN .venv/bin/python -m api build content --output build/fascia.sqlite

FROM docker.io/library/python:3.11-slim
# Pango and a font for PDF handouts (WeasyPrint), from Debian.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libcairo2 fonts-dejavu-core fonts-liberation \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 fascia \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin fascia
WORKDIR /app
COPY --from=build /app/.venv /app/.venv
COPY api/ api/
COPY --from=build /app/build/fascia.sqlite build/fascia.sqlite
# Compiled once here: the runtime user cannot write .pyc files, so each start would compile again.
RUN python -m compileall -q api
ENV PATH=/app/.venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    FASCIA_HOST=0.0.0.0 \
    FASCIA_PORT=8000 \
    FASCIA_BUNDLE=/app/build/fascia.sqlite
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request; port = os.environ.get('FASCIA_PORT', '8000'); sys.exit(urllib.request.urlopen(f'http://127.0.0.1:{port}/healthz', timeout=2).status != 200)"]
CMD ["python", "-m", "api", "serve"]
