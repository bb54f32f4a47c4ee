"""A bare Flask app: the yardstick the page benchmarks compare against."""

from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello() -> str:
    """The cheapest possible page."""
    return "Hello, World!"
