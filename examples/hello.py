"""The Quickstart's minimal application, on microflask.

Run ``python examples/hello.py`` and open http://127.0.0.1:5000/.
"""
import os
import sys

# Run from a checkout without installing: the package is one folder up.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from microflask import Flask  # noqa: E402

app = Flask(__name__)


@app.route("/")
def hello_world():
    return "Hello World!"


@app.route("/hello/<name>")
def hello(name):
    return f"Hello, {name}!"


if __name__ == "__main__":
    app.run(port=int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
