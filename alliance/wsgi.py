import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance.settings")
application = get_wsgi_application()

# A risk answer must always reach a person: no worker starts without the safety receiver.
from alliance.lib.hooks import require_subscribers  # noqa: E402 - needs the apps loaded

require_subscribers()
