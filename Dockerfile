# The Roundtable app node. Configuration comes from the environment (README, docs/deployment.md).
FROM python:3.11-slim
# Rendering a webinar's recording runs janus-pp-rec (Debian package janus-tools) and ffmpeg on an app node
# (signaling/recording.py); without them a recording fails to render and says which one is missing.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ffmpeg janus-tools \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY rooms rooms
COPY signaling signaling
COPY server server
COPY web web
# The relay extra (aiortc) keeps a stage for small webinars when no Janus is reachable; compose runs Janus.
# uid 10001 is fixed, and the same in docker/janus: both write the shared recordings volume (/app/var/recordings).
RUN pip install --no-cache-dir '.[relay]' \
 && useradd --system --uid 10001 --user-group roundtable \
 && mkdir -p /app/var/recordings && chown -R roundtable:roundtable /app/var
USER roundtable
ENV ROUNDTABLE_WEB_DIR=/app/web ROUNDTABLE_VAR_DIR=/app/var
EXPOSE 8000
# `serve` applies migrations on start too, but nothing serialises two nodes doing so at once: compose runs
# `roundtable db upgrade` once (service migrate) before any node starts (docs/deployment.md).
# SIGTERM (docker stop, a rolling restart) drains the node: it leaves the load balancer's rotation (/readyz 503)
# and closes WebSockets with the reconnect code; give it the grace period compose sets (stop_grace_period).
CMD ["roundtable", "serve", "--host", "0.0.0.0", "--port", "8000"]
