"""The yardstick: a bare Flask app whose one endpoint returns a constant, served like the portal."""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def constant():
    return {"ok": True}
