"""gunicorn's settings for `make serve` (read by gunicorn from the working directory).

Everything that differs between servers comes from the environment: BIND (default
127.0.0.1:8000, for a reverse proxy on the same machine) and WEB_CONCURRENCY (workers,
default 2 per CPU + 1). Logs go to stdout and stderr, one access line per request.
"""

import multiprocessing
import os

wsgi_app = "csa.wsgi:application"
bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
# A slow export or PDF may take a while; a stuck worker is still replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
accesslog = "-"
errorlog = "-"
# Who (the proxy's X-Forwarded-For when there is one), when, what, status, size, how long (µs).
access_log_format = '%(h)s "%({x-forwarded-for}i)s" %(t)s "%(r)s" %(s)s %(B)s %(D)s "%(a)s"'
# gunicorn would itself mark a request from 127.0.0.1 as HTTPS on X-Forwarded-Proto: leave that
# to Django, which trusts the header only when TRUST_X_FORWARDED_PROTO says a proxy sets it.
secure_scheme_headers = {}
