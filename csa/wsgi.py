import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csa.settings")
application = get_wsgi_application()

# The server process's garbage collector (gunicorn's workers, runserver), measured on the
# national data with every page worked out afresh. A request makes tens of thousands of
# objects; some die in reference cycles, which only the collector frees, so it must still run.
# At Python's default threshold (700) it ran four or five times a dashboard, and its full
# collections walked everything the process loaded: 4.0 ms a dashboard, 4.8 an overdue list,
# 1.7 an action page. What was loaded at start (Django, the apps, their modules) is kept for
# the process's life: frozen, no collection walks it again; and a collection every 20,000
# objects rather than 700 leaves 1.3, 1.5 and 0.5 ms. The garbage it waits for is a few MB.
GC_THRESHOLD = (20_000, 10, 10)
gc.collect()
gc.freeze()
gc.set_threshold(*GC_THRESHOLD)
