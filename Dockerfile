# The Roundtable app node. Configuration comes from the environment (see README).
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY rooms rooms
COPY signaling signaling
COPY server server
COPY web web
# The relay extra (aiortc) keeps a stage for small webinars when no Janus is reachable; compose runs Janus.
RUN pip install --no-cache-dir '.[relay]' && useradd --system roundtable && mkdir -p /app/var && chown roundtable /app/var
USER roundtable
ENV ROUNDTABLE_WEB_DIR=/app/web ROUNDTABLE_VAR_DIR=/app/var
EXPOSE 8000
# Migrations run on start; several nodes may start together (Alembic takes a lock on PostgreSQL).
CMD ["roundtable", "serve", "--host", "0.0.0.0", "--port", "8000"]
