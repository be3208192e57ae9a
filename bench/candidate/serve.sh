#!/usr/bin/env bash
# The candidate's command: nginx as the project configures it, passing requests to uWSGI over
# the uwsgi protocol instead of to gunicorn over HTTP, then uWSGI in the foreground.
set -euo pipefail

cd /app
python -c 'import sys; sys.path.insert(0, "deploy"); from supervise import write_nginx_config; write_nginx_config()'
sed -i 's#proxy_pass http://gunicorn;#include /etc/nginx/uwsgi_params; uwsgi_pass unix:/tmp/uwsgi.sock;#' /tmp/nginx.conf
export PROMETHEUS_MULTIPROC_DIR=/tmp/metrics
mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
nginx -c /tmp/nginx.conf -e stderr &
exec uwsgi --ini /opt/bench-candidate/uwsgi.ini
