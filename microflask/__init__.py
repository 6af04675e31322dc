"""microflask: Flask's documented API in pure Python, with no dependencies.

The package is three layers. The toolkit (routing, exceptions, http,
datastructures, formparser, wrappers, utils, urls, wsgi, test) plays
Werkzeug's role; ``microflask.jinja`` plays Jinja's; the framework modules
built on both play Flask's. Lower layers never import higher ones.
"""

__version__ = "0.1.0"
