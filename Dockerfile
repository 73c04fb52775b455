FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    HIKESHI_HOST=0.0.0.0 \
    HIKESHI_PORT=3000 \
    DATABASE_URL=sqlite:////data/hikeshi.db

RUN groupadd --system hikeshi && useradd --system --gid hikeshi --home /app hikeshi \
    && mkdir -p /app /data && chown hikeshi:hikeshi /data

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY storage ./storage
COPY escalation ./escalation
COPY pager ./pager
COPY incident ./incident
COPY timeline ./timeline
COPY knowledge ./knowledge
COPY postmortem ./postmortem
COPY chat ./chat
COPY i18n ./i18n
RUN pip install ".[embeddings]"

USER hikeshi
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
    CMD python -c "import os,urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ.get(\"HIKESHI_PORT\",\"3000\")}/readyz', timeout=2)" || exit 1

ENTRYPOINT ["hikeshi"]
CMD ["serve"]
