# nginx from Debian, with its Brotli filter, and the deployment's configuration.
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends nginx libnginx-mod-http-brotli-filter \
 && rm -rf /var/lib/apt/lists/* \
 && rm -f /etc/nginx/sites-enabled/default \
 && mkdir -p /var/cache/nginx/sahel-atlas \
 && ln -sf /dev/stdout /var/log/nginx/access.log \
 && ln -sf /dev/stderr /var/log/nginx/error.log
COPY nginx/sahel-atlas.conf /etc/nginx/conf.d/sahel-atlas.conf
EXPOSE 8080
CMD ["nginx", "-g", "daemon off;"]
