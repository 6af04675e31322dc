"""The toolkit: what Werkzeug is to Flask, and laid out as Werkzeug is.

Each module answers to the Werkzeug module of the same name: ``routing``
(URL rules, the map, the matcher), ``wrappers`` (plain Request and
Response), ``datastructures``, ``http``, ``exceptions``, ``formparser``,
``urls``, ``wsgi``, ``test``, ``utils``, ``security``, ``serving``,
``local`` and ``debug``. Nothing here imports the framework above it
(``microflask.app`` and its neighbours): the toolkit knows requests,
responses and URLs, not applications, blueprints or contexts.
"""
