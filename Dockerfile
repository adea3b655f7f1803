# Talkwatch: one process that polls feeds, assesses articles and posts alerts.
#
# Two stages: the builder turns the project into wheels (its own and every
# dependency's; all of them ship binary wheels, so no compiler is needed), the
# runtime installs those wheels from a bind mount and keeps nothing else.
# Nothing is downloaded but Python packages.
#
#   docker build -t talkwatch .
#   docker run --rm talkwatch demo              # offline demo, prints the alerts
#   docker run -d -v talkwatch-data:/data --env-file .env talkwatch

FROM python:3.11-slim-bookworm AS builder

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
COPY pyproject.toml README.md ./
COPY config ./config
COPY bot ./bot
RUN pip wheel --wheel-dir /wheels . \
    && sha256sum /wheels/*.whl > /wheels.sha256


FROM python:3.11-slim-bookworm AS runtime

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DATABASE_URL=sqlite:////data/talkwatch.db \
    HEALTH_PORT=8080 \
    HEALTH_HOST=0.0.0.0

# A fixed, unprivileged uid so a bind-mounted /data can be chowned to match.
RUN groupadd --system --gid 10001 talkwatch \
    && useradd --system --uid 10001 --gid talkwatch --home-dir /data --no-create-home \
       --shell /usr/sbin/nologin talkwatch \
    && mkdir /data \
    && chown talkwatch:talkwatch /data

# The wheels are mounted, not copied, so they never become an image layer. Their
# checksums are copied, so new wheels invalidate the install layer's cache (some
# builders do not key a RUN's cache on the content of its bind mounts).
COPY --from=builder /wheels.sha256 /tmp/wheels.sha256
RUN --mount=type=bind,from=builder,source=/wheels,target=/wheels \
    pip install --no-index --find-links=/wheels /wheels/talkwatch-*.whl

USER 10001:10001
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8080

# Exits non-zero on a 503 or no answer; python because the slim image has no curl.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as u; u.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('HEALTH_PORT', '8080'), timeout=4)"]

# `talkwatch run` handles SIGTERM itself: polls finish or are abandoned, exit within 10 s.
STOPSIGNAL SIGTERM
ENTRYPOINT ["talkwatch"]
CMD ["run"]
