"""The baseline: a bare Flask app, served by bench/http.py under the same gunicorn settings.

Its requests/s is what Flask and gunicorn alone can do on this machine; each page's figure is
reported as a ratio to it, which cancels out most of the noise of a shared machine.
"""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, PSEB Engage"


@app.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}
