"""Capture priorities on the broker (0 goes first): a person waiting goes before batch work.

Redis keeps one list per step (settings.CELERY_BROKER_TRANSPORT_OPTIONS) and a worker takes
from the most urgent list that holds a message, on every queue.
"""

PERSON = 0  # someone asked for it (linked a source, pressed a button) and is looking at the page
FOLLOW_UP = 3  # the browser capture queued by itself after an HTML page's HTTP capture
BATCH = 9  # a list of URLs from `manage.py capture -i`
