FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
RUN useradd --create-home --uid 10001 jointcheck
COPY pyproject.toml README.md alembic.ini ./
COPY config ./config
COPY domain ./domain
COPY store ./store
COPY activities ./activities
COPY workflows ./workflows
COPY api ./api
COPY worker ./worker
COPY scripts ./scripts
RUN pip install --no-cache-dir .
USER jointcheck
EXPOSE 8000
CMD ["jointcheck", "api", "--host", "0.0.0.0", "--port", "8000"]
