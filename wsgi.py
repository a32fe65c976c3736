"""WSGI entry point: ``gunicorn wsgi:app``; ``FLASK_APP=wsgi`` for the ``flask`` command."""

from engagement import create_app

app = create_app()
