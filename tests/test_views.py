"""Class-based views, registered on an app and exercised through the test client."""
from __future__ import annotations

import functools
import typing as t

import pytest

from microflask import Flask, request, url_for
from microflask.views import MethodView, View


def allowed(response: t.Any) -> t.Set[str]:
    return {method.strip() for method in response.headers["Allow"].split(",")}


def test_view_dispatch_request_receives_url_variables(app: Flask, client: t.Any) -> None:
    class Greeting(View):
        def dispatch_request(self, name: str) -> str:
            return f"Hello, {name}!"

    app.add_url_rule("/hello/<name>", view_func=Greeting.as_view("greeting"))
    response = client.get("/hello/Ada")
    assert response.status_code == 200
    assert response.text == "Hello, Ada!"


def test_as_view_returns_a_function_describing_the_class() -> None:
    class Report(View):
        """Monthly report."""

        methods = ["GET", "POST"]
        provide_automatic_options = False

        def dispatch_request(self) -> str:
            return "report"

    view = Report.as_view("monthly")
    assert view.view_class is Report
    assert view.__name__ == "monthly"
    assert view.__doc__ == "Monthly report."
    assert view.__module__ == __name__
    assert view.methods == ["GET", "POST"]
    assert view.provide_automatic_options is False


def test_view_methods_restrict_the_rule_and_others_get_405(app: Flask, client: t.Any) -> None:
    class Submit(View):
        methods = ["POST"]

        def dispatch_request(self) -> str:
            return f"got {request.method}"

    app.add_url_rule("/submit", view_func=Submit.as_view("submit"))
    assert client.post("/submit").text == "got POST"
    response = client.get("/submit")
    assert response.status_code == 405
    assert allowed(response) == {"POST", "OPTIONS"}


def test_view_without_methods_answers_get_only(app: Flask, client: t.Any) -> None:
    class Page(View):
        def dispatch_request(self) -> str:
            return "page"

    app.add_url_rule("/page", view_func=Page.as_view("page"))
    assert client.get("/page").text == "page"
    assert client.put("/page").status_code == 405


def test_the_endpoint_is_the_name_given_to_as_view(app: Flask, client: t.Any) -> None:
    class Item(View):
        def dispatch_request(self, item_id: int) -> str:
            return url_for("item_detail", item_id=item_id + 1)

    app.add_url_rule("/items/<int:item_id>", view_func=Item.as_view("item_detail"))
    assert "item_detail" in app.view_functions
    assert client.get("/items/1").text == "/items/2"


def test_class_args_and_kwargs_reach_the_constructor(app: Flask, client: t.Any) -> None:
    class Template(View):
        def __init__(self, greeting: str, punctuation: str = ".") -> None:
            self.greeting = greeting
            self.punctuation = punctuation

        def dispatch_request(self) -> str:
            return self.greeting + self.punctuation

    app.add_url_rule("/a", view_func=Template.as_view("a", "Hi"))
    app.add_url_rule("/b", view_func=Template.as_view("b", "Hey", punctuation="!"))
    assert client.get("/a").text == "Hi."
    assert client.get("/b").text == "Hey!"


def test_init_every_request_true_makes_a_new_instance_per_request(app: Flask, client: t.Any) -> None:
    class Counter(View):
        def __init__(self) -> None:
            self.count = 0

        def dispatch_request(self) -> str:
            self.count += 1
            return str(self.count)

    app.add_url_rule("/count", view_func=Counter.as_view("count"))
    assert [client.get("/count").text for _ in range(3)] == ["1", "1", "1"]


def test_init_every_request_false_shares_one_instance_made_by_as_view(app: Flask, client: t.Any) -> None:
    created: t.List[object] = []

    class Counter(View):
        init_every_request = False

        def __init__(self) -> None:
            created.append(self)
            self.count = 0

        def dispatch_request(self) -> str:
            self.count += 1
            return str(self.count)

    app.add_url_rule("/count", view_func=Counter.as_view("count"))
    assert len(created) == 1  # made at as_view time, before any request
    assert [client.get("/count").text for _ in range(3)] == ["1", "2", "3"]
    assert len(created) == 1


def test_decorators_are_applied_in_order_first_innermost(app: Flask, client: t.Any) -> None:
    def wrap_with(tag: str) -> t.Callable[..., t.Any]:
        def decorator(view: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
            @functools.wraps(view)
            def wrapped(**kwargs: t.Any) -> str:
                return f"<{tag}>{view(**kwargs)}</{tag}>"

            return wrapped

        return decorator

    class Page(View):
        decorators = [wrap_with("inner"), wrap_with("outer")]

        def dispatch_request(self) -> str:
            return "page"

    view = Page.as_view("page")
    app.add_url_rule("/page", view_func=view)
    assert client.get("/page").text == "<outer><inner>page</inner></outer>"
    # The attributes are set on the outermost function, the one registered.
    assert view.view_class is Page
    assert view.__name__ == "page"


def test_decorators_see_the_endpoint_name_through_functools_wraps() -> None:
    seen: t.List[str] = []

    def record_name(view: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
        seen.append(view.__name__)
        return view

    class Page(View):
        decorators = [record_name]

        def dispatch_request(self) -> str:
            return "page"

    Page.as_view("the_endpoint")
    assert seen == ["the_endpoint"]


def test_a_decorator_can_refuse_the_request(app: Flask, client: t.Any) -> None:
    def require_token(view: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
        @functools.wraps(view)
        def wrapped(**kwargs: t.Any) -> t.Any:
            if request.headers.get("X-Token") != "secret":
                return "forbidden", 403
            return view(**kwargs)

        return wrapped

    class Private(View):
        decorators = [require_token]

        def dispatch_request(self) -> str:
            return "private data"

    app.add_url_rule("/private", view_func=Private.as_view("private"))
    assert client.get("/private").status_code == 403
    assert client.get("/private", headers={"X-Token": "secret"}).text == "private data"


def test_view_without_dispatch_request_raises_a_clear_error(app: Flask, client: t.Any) -> None:
    class Empty(View):
        pass

    app.add_url_rule("/", view_func=Empty.as_view("empty"))
    with pytest.raises(NotImplementedError, match="Empty must define dispatch_request"):
        client.get("/")


def test_automatic_options_for_a_view(app: Flask, client: t.Any) -> None:
    class Page(View):
        methods = ["GET", "POST"]

        def dispatch_request(self) -> str:
            return "page"

    app.add_url_rule("/page", view_func=Page.as_view("page"))
    response = client.options("/page")
    assert response.status_code == 200
    assert allowed(response) == {"GET", "HEAD", "POST", "OPTIONS"}


def test_provide_automatic_options_false_leaves_options_out(app: Flask, client: t.Any) -> None:
    class Page(View):
        provide_automatic_options = False

        def dispatch_request(self) -> str:
            return "page"

    app.add_url_rule("/page", view_func=Page.as_view("page"))
    assert client.options("/page").status_code == 405


# -- MethodView --------------------------------------------------------------------


class Counter(MethodView):
    """A tiny resource: read it, create it, delete it."""

    def get(self, name: str) -> str:
        return f"{name}: read"

    def post(self, name: str) -> t.Tuple[str, int]:
        return f"{name}: created", 201

    def delete(self, name: str) -> t.Tuple[str, int]:
        return "", 204


def test_method_view_methods_come_from_the_handlers_defined() -> None:
    assert Counter.methods == {"GET", "POST", "DELETE"}


def test_method_view_calls_the_handler_of_the_request_method(app: Flask, client: t.Any) -> None:
    app.add_url_rule("/counters/<name>", view_func=Counter.as_view("counter"))
    assert client.get("/counters/hits").text == "hits: read"
    created = client.post("/counters/hits")
    assert (created.status_code, created.text) == (201, "hits: created")
    assert client.delete("/counters/hits").status_code == 204


def test_method_view_answers_405_for_methods_without_a_handler(app: Flask, client: t.Any) -> None:
    app.add_url_rule("/counters/<name>", view_func=Counter.as_view("counter"))
    response = client.put("/counters/hits")
    assert response.status_code == 405
    assert allowed(response) == {"GET", "HEAD", "POST", "DELETE", "OPTIONS"}


def test_method_view_head_falls_back_to_get(app: Flask, client: t.Any) -> None:
    calls: t.List[str] = []

    class Page(MethodView):
        def get(self) -> t.Any:
            calls.append(request.method)
            return "body", {"X-From": "get"}

    app.add_url_rule("/page", view_func=Page.as_view("page"))
    response = client.head("/page")
    assert response.status_code == 200
    assert response.headers["X-From"] == "get"
    assert response.data == b""
    assert calls == ["HEAD"]


def test_method_view_head_handler_wins_over_get(app: Flask, client: t.Any) -> None:
    class Page(MethodView):
        def get(self) -> str:
            return "from get"

        def head(self) -> t.Any:
            return "", {"X-From": "head"}

    app.add_url_rule("/page", view_func=Page.as_view("page"))
    assert client.head("/page").headers["X-From"] == "head"


def test_method_view_options_are_automatic(app: Flask, client: t.Any) -> None:
    app.add_url_rule("/counters/<name>", view_func=Counter.as_view("counter"))
    response = client.options("/counters/hits")
    assert response.status_code == 200
    assert allowed(response) == {"GET", "HEAD", "POST", "DELETE", "OPTIONS"}


def test_method_view_own_options_handler_turns_automatic_options_off(app: Flask, client: t.Any) -> None:
    class Page(MethodView):
        def get(self) -> str:
            return "page"

        def options(self) -> t.Any:
            return "custom", {"Allow": "GET"}

    app.add_url_rule("/page", view_func=Page.as_view("page"))
    response = client.options("/page")
    assert response.text == "custom"
    assert response.headers["Allow"] == "GET"


def test_method_view_inherits_handlers_from_its_bases(app: Flask, client: t.Any) -> None:
    class Readable(MethodView):
        def get(self) -> str:
            return "read"

    class Writable:
        def put(self) -> str:
            return "written"

    class Document(Writable, Readable):
        def delete(self) -> str:
            return "deleted"

    assert Document.methods == {"GET", "PUT", "DELETE"}
    app.add_url_rule("/doc", view_func=Document.as_view("doc"))
    assert client.get("/doc").text == "read"
    assert client.put("/doc").text == "written"
    assert client.delete("/doc").text == "deleted"
    assert client.post("/doc").status_code == 405


def test_method_view_subclass_overrides_a_handler(app: Flask, client: t.Any) -> None:
    class Base(MethodView):
        def get(self) -> str:
            return "base"

    class Child(Base):
        def get(self) -> str:
            return "child"

    app.add_url_rule("/child", view_func=Child.as_view("child"))
    assert Child.methods == {"GET"}
    assert client.get("/child").text == "child"


def test_method_view_keeps_methods_a_class_sets_itself() -> None:
    class ReadOnly(MethodView):
        methods = ["GET"]

        def get(self) -> str:
            return "read"

        def post(self) -> str:
            return "never routed"

    assert ReadOnly.methods == ["GET"]


def test_method_view_lists_a_method_without_a_handler_raises_a_clear_error(app: Flask, client: t.Any) -> None:
    class Broken(MethodView):
        methods = ["GET", "POST"]

        def get(self) -> str:
            return "read"

    app.add_url_rule("/", view_func=Broken.as_view("broken"))
    with pytest.raises(AssertionError, match="Unimplemented method 'POST'"):
        client.post("/")


def test_method_view_async_handler(app: Flask, client: t.Any) -> None:
    class Slow(MethodView):
        async def get(self) -> str:
            return f"async {request.method}"

    app.add_url_rule("/slow", view_func=Slow.as_view("slow"))
    assert client.get("/slow").text == "async GET"


def test_async_dispatch_request_on_a_view(app: Flask, client: t.Any) -> None:
    class Slow(View):
        async def dispatch_request(self, n: int) -> str:
            return str(n * 2)

    app.add_url_rule("/double/<int:n>", view_func=Slow.as_view("double"))
    assert client.get("/double/21").text == "42"


def test_method_view_url_for_builds_the_views_endpoint(app: Flask, client: t.Any) -> None:
    class Users(MethodView):
        def get(self, user_id: t.Optional[int]) -> str:
            if user_id is None:
                return url_for("users", user_id=7)
            return f"user {user_id}"

    view = Users.as_view("users")
    app.add_url_rule("/users/", defaults={"user_id": None}, view_func=view)
    app.add_url_rule("/users/<int:user_id>", view_func=view)
    assert client.get("/users/").text == "/users/7"
    assert client.get("/users/7").text == "user 7"
