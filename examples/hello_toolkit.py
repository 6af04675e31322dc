"""A WSGI app built from microflask's toolkit alone: routing, Request, Response.

Run it with ``python examples/hello_toolkit.py`` and open http://127.0.0.1:5000/
(or /hello/yourname). The framework layer (``from microflask import Flask``)
builds on exactly these pieces.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from microflask.toolkit.exceptions import HTTPException  # noqa: E402
from microflask.toolkit.routing import Map, Rule  # noqa: E402
from microflask.toolkit.serving import run_simple  # noqa: E402
from microflask.toolkit.wrappers import Request, Response  # noqa: E402

url_map = Map([
    Rule("/", endpoint="index"),
    Rule("/hello/<name>", endpoint="hello"),
])


def index(request):
    return Response("Hello World! Try /hello/yourname")


def hello(request, name):
    return Response(f"Hello, {name}!", mimetype="text/plain")


views = {"index": index, "hello": hello}


@Request.application
def application(request):
    adapter = url_map.bind_to_environ(request.environ)
    try:
        endpoint, args = adapter.match()
    except HTTPException as error:
        return error
    return views[endpoint](request, **args)


if __name__ == "__main__":
    run_simple("127.0.0.1", int(sys.argv[1]) if len(sys.argv) > 1 else 5000, application)
