"""Benchmark: matching and building URLs with a 50-rule map.

Run ``python benchmarks/bench_routing.py``. The map mixes static and dynamic
rules with several converters, like a real application. When Werkzeug is
installed, the same map is built with its router and the ratio printed.
"""
from __future__ import annotations

import os
import sys
import typing as t

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))

from harness import measure, print_table, try_import  # noqa: E402

from microflask.toolkit.exceptions import NotFound  # noqa: E402
from microflask.toolkit.routing import Map, Rule  # noqa: E402

# (rule string, endpoint, extra Rule arguments), in registration order.
RULES: t.List[t.Tuple[str, str, t.Dict[str, t.Any]]] = [
    ("/", "index", {}),
    ("/about", "about", {}),
    ("/contact", "contact", {"methods": ["GET", "POST"]}),
    ("/login", "login", {"methods": ["GET", "POST"]}),
    ("/logout", "logout", {}),
    ("/register", "register", {"methods": ["GET", "POST"]}),
    ("/search", "search", {}),
    ("/static/<path:filename>", "static", {}),
    ("/user/<username>", "user", {}),
    ("/user/<username>/posts", "user_posts", {}),
    ("/user/<username>/followers", "user_followers", {}),
    ("/user/<int:user_id>/edit", "user_edit", {"methods": ["GET", "POST"]}),
    ("/post/<int:post_id>", "post", {}),
    ("/post/<int:post_id>/edit", "post_edit", {"methods": ["GET", "POST"]}),
    ("/post/<int:post_id>/comments", "post_comments", {}),
    ("/post/<int:post_id>/comments/<int:comment_id>", "comment", {}),
    ("/blog/", "blog", {}),
    ("/blog/archive", "blog_archive", {}),
    ("/blog/<int(fixed_digits=4):year>/", "blog_year", {}),
    ("/blog/<int(fixed_digits=4):year>/<int(fixed_digits=2):month>/", "blog_month", {}),
    ("/blog/<int:year>/<int:month>/<slug>", "blog_post", {}),
    ("/tag/<tag>", "tag", {}),
    ("/category/<any(news, tech, life):category>/", "category", {}),
    ("/admin/", "admin", {}),
    ("/admin/users", "admin_users", {}),
    ("/admin/settings", "admin_settings", {"methods": ["GET", "POST"]}),
    ("/admin/users/<int:user_id>", "admin_user", {}),
    ("/admin/users/<int:user_id>/delete", "admin_user_delete", {"methods": ["POST"]}),
    ("/api/v1/status", "api_status", {}),
    ("/api/v1/health", "api_health", {}),
    ("/api/v1/users/<uuid:user_id>", "api_user", {}),
    ("/api/v1/users/<uuid:user_id>/orders", "api_user_orders", {}),
    ("/api/v1/orders/<int:order_id>", "api_order", {"methods": ["GET", "PUT", "DELETE"]}),
    ("/api/v1/products/<int:product_id>", "api_product", {}),
    ("/api/v1/products/<int:product_id>/reviews", "api_reviews", {"methods": ["GET", "POST"]}),
    ("/api/v1/search/<query>", "api_search", {}),
    ("/files/<path:path>", "files", {}),
    ("/download/<int:file_id>/<filename>", "download", {}),
    ("/price/<float:amount>", "price", {}),
    ("/lang/<string(length=2):code>/", "lang", {}),
    ("/help/faq", "faq", {}),
    ("/terms", "terms", {}),
    ("/privacy", "privacy", {}),
    ("/sitemap.xml", "sitemap", {}),
    ("/robots.txt", "robots", {}),
    ("/feed.rss", "feed", {}),
    ("/shop/<category>/", "shop_category", {}),
    ("/shop/<category>/<int:item_id>", "shop_item", {}),
    ("/wiki/<path:page>/edit", "wiki_edit", {"methods": ["GET", "POST"]}),
    ("/wiki/<path:page>", "wiki", {}),
]

MATCHES = [
    ("match static /admin/settings", "/admin/settings"),
    ("match dynamic, early: /user/alice", "/user/alice"),
    ("match dynamic, late: /shop/books/42", "/shop/books/42"),
    ("match 404: /nope/missing/page", "/nope/missing/page"),
]
BUILD_LABEL = "build /post/42?page=2"


def time_router(map_class: t.Any, rule_class: t.Any, not_found: t.Type[Exception]) -> t.List[float]:
    url_map = map_class([rule_class(string, endpoint=endpoint, **extra) for string, endpoint, extra in RULES])
    adapter = url_map.bind("example.com")
    timings = []
    for _, path in MATCHES:
        if path.startswith("/nope"):

            def call(path: str = path) -> None:
                try:
                    adapter.match(path)
                except not_found:
                    pass

        else:

            def call(path: str = path) -> None:
                adapter.match(path)

        call()
        timings.append(measure(call))
    assert adapter.build("post", {"post_id": 42, "page": 2}) == "/post/42?page=2"
    timings.append(measure(lambda: adapter.build("post", {"post_id": 42, "page": 2})))
    return timings


def main() -> None:
    ours = time_router(Map, Rule, NotFound)
    werkzeug_routing = try_import("werkzeug.routing")
    if werkzeug_routing is not None:
        from werkzeug.exceptions import NotFound as WerkzeugNotFound

        theirs: t.List[t.Optional[float]] = list(
            time_router(werkzeug_routing.Map, werkzeug_routing.Rule, WerkzeugNotFound)
        )
    else:
        theirs = [None] * len(ours)
    labels = [label for label, _ in MATCHES] + [BUILD_LABEL]
    print_table(f"Routing, {len(RULES)}-rule map", list(zip(labels, ours, theirs)), peer="werkzeug")


if __name__ == "__main__":
    main()
