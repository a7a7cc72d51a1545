"""The WSGI application gunicorn serves (docker-compose's web service).

Once Django is loaded (its apps, models and URLconf), what it made lives as
long as the worker: it is moved out of the cycle collector's sight
(gc.freeze), so a full collection during a request scans only what requests
made since, not the ~150,000 objects of the loaded project (a full
collection over them took about 100 ms on the 2-core development machine)."""

import gc
import os
from importlib import import_module

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opsg.settings")
application = get_wsgi_application()


def _settle() -> None:
    import_module(settings.ROOT_URLCONF)  # every view module now, not on the first request
    gc.collect()
    gc.freeze()


_settle()
