# nginx from Debian, with its Brotli filter, and the deployment's configuration. Built from
# the repository's root (deploy/compose.yaml: context ..).

# Streamlit's icon font cut to the icons Streamlit and the app use (scripts/build_icon_font.py),
# from the pinned Streamlit: served by nginx in place of the whole font (375 kB).
FROM python:3.11-slim-bookworm AS icons
WORKDIR /src
COPY requirements.txt requirements-dev.txt ./
RUN pip install --no-cache-dir --no-deps $(grep -h -E '^(streamlit|fonttools|brotli)==' requirements.txt requirements-dev.txt)
COPY scripts/ scripts/
COPY geo/ geo/
COPY pages/ pages/
COPY dashboard.py ./
RUN python -m scripts.build_icon_font /out

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends nginx libnginx-mod-http-brotli-filter openssl \
 && rm -rf /var/lib/apt/lists/* \
 && rm -f /etc/nginx/sites-enabled/default \
 && mkdir -p /var/cache/nginx/sahel-atlas /etc/nginx/tls \
 && ln -sf /dev/stdout /var/log/nginx/access.log \
 && ln -sf /dev/stderr /var/log/nginx/error.log
COPY deploy/nginx/sahel-atlas.conf /etc/nginx/conf.d/sahel-atlas.conf
COPY --from=icons /out /srv/sahel-atlas/icons
EXPOSE 8443 8080
# HTTPS needs a certificate in /etc/nginx/tls (cert.pem, key.pem): mount your own there;
# without one, a self-signed pair is made on the first start (browsers warn about it).
CMD ["/bin/sh", "-c", "[ -s /etc/nginx/tls/cert.pem ] || openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj /CN=sahel-atlas -keyout /etc/nginx/tls/key.pem -out /etc/nginx/tls/cert.pem; exec nginx -g 'daemon off;'"]
