# One image for every jointcheck process: api, worker, migrate, temporal-setup (docker-compose.yml builds it once).
# The wheel is built in a first stage; the image installs it as `pip install .` would, with no extra: what the
# fresh-virtualenv test (tests/deploy/test_production_install.py) runs.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY config ./config
COPY domain ./domain
COPY store ./store
COPY activities ./activities
COPY workflows ./workflows
COPY api ./api
COPY worker ./worker
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels \
    && useradd --create-home --uid 10001 jointcheck
USER jointcheck
WORKDIR /home/jointcheck
EXPOSE 8000
CMD ["jointcheck", "api", "--host", "0.0.0.0", "--port", "8000"]
