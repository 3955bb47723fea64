# 동네가게 application image: one image, three roles (web = daphne, worker, beat) chosen by the compose command.
FROM python:3.11-slim AS app

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY . .

# Static files are collected at build time with the production storage (hashed names, compressed), so the
# running containers never fetch anything; the key below exists only for this build step.
RUN DJANGO_DEBUG=0 \
    DJANGO_SECRET_KEY=collectstatic-only-build-key-not-used-at-runtime-0123456789abcdef \
    DJANGO_ALLOWED_HOSTS=build.invalid \
    python manage.py collectstatic --noinput \
 && useradd --create-home --uid 10001 donggeu \
 && mkdir -p /app/media /var/lib/donggeu \
 && chown -R donggeu:donggeu /app/media /var/lib/donggeu

USER donggeu
EXPOSE 8000 8001

# Pages and APIs; docker-compose.yml runs the same image as `ws` (daphne, WebSockets), `worker` and `beat`.
ENV WEB_CONCURRENCY=2
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--forwarded-allow-ips", "*", "--access-logfile", "-"]
