# nginx from Debian, with its Brotli filter, and the deployment's configuration. Built from
# the repository's root (deploy/compose.yaml: context ..).

# From the pinned Streamlit, what nginx serves in its place: the icon font cut to the icons
# Streamlit and the app use (scripts/build_icon_font.py; the whole font is 375 kB) and the
# JavaScript and CSS bundles with a Brotli-11 copy each (scripts/precompress_static.py).
FROM python:3.11-slim-bookworm AS static
WORKDIR /src
COPY requirements.txt requirements-dev.txt ./
RUN pip install --no-cache-dir --no-deps $(grep -h -E '^(streamlit|fonttools|brotli)==' requirements.txt requirements-dev.txt)
COPY scripts/ scripts/
COPY geo/ geo/
COPY pages/ pages/
COPY dashboard.py ./
RUN python -m scripts.build_icon_font /out && python -m scripts.precompress_static /out

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends nginx libnginx-mod-http-brotli-filter \
    libnginx-mod-http-brotli-static openssl \
 && rm -rf /var/lib/apt/lists/* \
 && rm -f /etc/nginx/sites-enabled/default \
 && mkdir -p /var/cache/nginx/sahel-atlas /etc/nginx/tls \
 && ln -sf /dev/stdout /var/log/nginx/access.log \
 && ln -sf /dev/stderr /var/log/nginx/error.log
COPY deploy/nginx/sahel-atlas.conf /etc/nginx/conf.d/sahel-atlas.conf
COPY --from=static /out /srv/sahel-atlas/static
EXPOSE 8443 8080
# HTTPS needs a certificate in /etc/nginx/tls (cert.pem, key.pem): mount your own there;
# without one, a self-signed pair is made on the first start (browsers warn about it).
CMD ["/bin/sh", "-c", "[ -s /etc/nginx/tls/cert.pem ] || openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj /CN=sahel-atlas -keyout /etc/nginx/tls/key.pem -out /etc/nginx/tls/cert.pem; exec nginx -g 'daemon off;'"]
