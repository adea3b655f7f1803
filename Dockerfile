# Talkwatch: one process that polls feeds, assesses articles and posts alerts.
#
# Two stages: the builder installs the project and its dependencies (all of them
# ship binary wheels, so no compiler is needed) into a virtual environment, the
# runtime copies that environment and keeps nothing else. Nothing is downloaded
# but Python packages. Plain Dockerfile syntax: any builder works, BuildKit or not.
#
#   docker build -t talkwatch .
#   docker run --rm talkwatch demo              # offline demo, prints the alerts
#   docker run -d -v talkwatch-data:/data --env-file .env -p 127.0.0.1:8080:8080 talkwatch

FROM python:3.11-slim-bookworm AS builder

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
COPY pyproject.toml README.md ./
COPY config ./config
COPY bot ./bot
# The environment lives at the path it keeps in the runtime stage: its scripts name
# /opt/talkwatch/bin/python, and both stages have the same /usr/local/bin/python3.11.
# A current pip reads lxml 6's extra `html-clean` as the `html_clean` justext asks for.
RUN python -m venv --upgrade-deps /opt/talkwatch \
    && /opt/talkwatch/bin/pip install . \
    && /opt/talkwatch/bin/pip uninstall --yes pip setuptools


FROM python:3.11-slim-bookworm AS runtime

# HEALTH_HOST: probes and the published port reach the endpoint from outside the container.
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PATH=/opt/talkwatch/bin:$PATH \
    DATABASE_URL=sqlite:////data/talkwatch.db \
    HEALTH_HOST=0.0.0.0 \
    HEALTH_PORT=8080

# A fixed, unprivileged uid so a bind-mounted /data can be chowned to match.
RUN groupadd --system --gid 10001 talkwatch \
    && useradd --system --uid 10001 --gid talkwatch --home-dir /data --no-create-home \
       --shell /usr/sbin/nologin talkwatch \
    && mkdir /data \
    && chown talkwatch:talkwatch /data

COPY --from=builder /opt/talkwatch /opt/talkwatch

USER 10001:10001
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8080

# Exits non-zero on a 503 or no answer; python because the slim image has no curl.
# HEALTH_PORT=0 turns the endpoint off: then there is nothing to probe and the check passes.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as u; p = os.environ.get('HEALTH_PORT', '8080'); p.strip() == '0' or u.urlopen('http://127.0.0.1:%s/healthz' % p.strip(), timeout=4)"]

# `talkwatch run` handles SIGTERM itself: polls finish or are abandoned, exit within 10 s.
STOPSIGNAL SIGTERM
ENTRYPOINT ["talkwatch"]
CMD ["run"]
