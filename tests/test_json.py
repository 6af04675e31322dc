"""JSON support: jsonify, the ``microflask.json`` functions and the app's JSON provider."""
import dataclasses
import decimal
import gc
import io
import json
import uuid
import weakref
from datetime import date, datetime, timedelta, timezone
from wsgiref.validate import validator

import pytest

from microflask import Flask, Markup, jsonify, request
from microflask import json as mjson
from microflask.json.provider import DefaultJSONProvider, JSONProvider


@pytest.fixture
def app():
    app = Flask(__name__)
    app.wsgi_app = validator(app.wsgi_app)
    return app


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield app


@dataclasses.dataclass
class Point:
    x: int
    y: int


class Widget:
    def __html__(self):
        return "<b>widget</b>"


# -- what the default provider serialises ----------------------------------------------


def test_dates_become_http_dates_in_utc(app):
    dumps = app.json.dumps
    assert dumps(date(2015, 10, 21)) == '"Wed, 21 Oct 2015 00:00:00 GMT"'
    assert dumps(datetime(2015, 10, 21, 7, 28)) == '"Wed, 21 Oct 2015 07:28:00 GMT"'
    pacific = timezone(timedelta(hours=-8))
    assert dumps(datetime(2015, 10, 20, 23, 28, tzinfo=pacific)) == '"Wed, 21 Oct 2015 07:28:00 GMT"'


def test_decimals_uuids_dataclasses_and_markup_are_serialised(app):
    value = {
        "price": decimal.Decimal("19.99"),
        "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "point": Point(1, 2),
        "html": Markup("<em>hi</em>"),
        "widget": Widget(),
    }
    assert json.loads(app.json.dumps(value)) == {
        "price": "19.99",
        "id": "12345678-1234-5678-1234-567812345678",
        "point": {"x": 1, "y": 2},
        "html": "<em>hi</em>",
        "widget": "<b>widget</b>",
    }


def test_an_unknown_type_is_a_type_error_naming_it(app):
    with pytest.raises(TypeError, match="Object of type set is not JSON serializable"):
        app.json.dumps({1, 2})
    with pytest.raises(TypeError, match="type is not JSON serializable"):
        app.json.dumps(Point)  # the dataclass itself, not an instance


def test_keys_are_sorted_and_non_ascii_is_escaped_by_default(app):
    assert app.json.dumps({"b": 1, "a": "é"}) == '{"a": "\\u00e9", "b": 1}'
    assert app.json.dumps({"b": 1, "a": "é"}, sort_keys=False, ensure_ascii=False) == '{"b": 1, "a": "é"}'


def test_provider_attributes_change_the_defaults(app):
    app.json.sort_keys = False
    app.json.ensure_ascii = False
    assert app.json.dumps({"b": "é", "a": 1}) == '{"b": "é", "a": 1}'


def test_provider_settings_changed_after_use_apply_to_the_next_call(app):
    # dumps reuses an encoder per set of options; the provider's settings are part of that set.
    assert app.json.dumps({"b": 1, "a": "é"}) == '{"a": "\\u00e9", "b": 1}'
    app.json.sort_keys = False
    assert app.json.dumps({"b": 1, "a": "é"}) == '{"b": 1, "a": "\\u00e9"}'
    app.json.ensure_ascii = False
    assert app.json.dumps({"b": 1, "a": "é"}) == '{"b": 1, "a": "é"}'
    app.json.sort_keys = True
    assert app.json.dumps({"b": 1, "a": "é"}, separators=(",", ":")) == '{"a":"é","b":1}'


def test_provider_settings_changed_on_the_class_or_instance_apply_to_the_next_call(app, monkeypatch):
    assert app.json.dumps({"b": 1, "a": "é"}) == '{"a": "\\u00e9", "b": 1}'
    monkeypatch.setattr(DefaultJSONProvider, "sort_keys", False)
    monkeypatch.setattr(DefaultJSONProvider, "ensure_ascii", False)
    assert app.json.dumps({"b": 1, "a": "é"}) == '{"b": 1, "a": "é"}'
    app.json.default = lambda o: sorted(o)
    assert app.json.dumps({"s": {2, 1}}) == '{"s": [1, 2]}'


def test_an_option_changed_in_place_applies_to_the_next_call(app):
    separators = [",", ":"]
    assert app.json.dumps({"a": 1}, separators=separators) == '{"a":1}'
    separators[1] = "="
    assert app.json.dumps({"a": 1}, separators=separators) == '{"a"=1}'


def test_a_failed_dumps_does_not_affect_the_next_one(app):
    loop = []
    loop.append(loop)
    with pytest.raises(ValueError, match="Circular reference"):
        app.json.dumps(loop)
    with pytest.raises(TypeError, match="set"):
        app.json.dumps([[{1}]])
    assert app.json.dumps([[1]]) == "[[1]]"


def test_dumps_takes_every_option_json_dumps_takes(app):
    assert app.json.dumps([1, {"a": 2}], separators=[",", ":"]) == '[1,{"a":2}]'  # a list: unhashable
    assert app.json.dumps({"a": 1}, indent=2) == '{\n  "a": 1\n}'
    for indent in range(40):  # many option sets: each still gets its own output
        assert app.json.dumps([1], indent=indent) == json.dumps([1], indent=indent)

    class Shouting(json.JSONEncoder):
        def encode(self, o):
            return super().encode(o).upper()

    assert app.json.dumps({"a": "b"}, cls=Shouting) == '{"A": "B"}'
    with pytest.raises(TypeError, match="no_such_option"):
        app.json.dumps({}, no_such_option=True)


@pytest.mark.parametrize("text", ['{"a": [1, 2]}', ' {"a": 1}', '{"a": 1}\n', "\t[1, 2] ", '"x"', "1", "null"])
def test_loads_reads_what_json_loads_reads(app, text):
    assert app.json.loads(text) == json.loads(text)


@pytest.mark.parametrize("text", ['{"a": 1} x', "", " ", "\ufeff{}", '{"a": 1}{}', "[1,", "[1] ]"])
def test_loads_refuses_what_json_loads_refuses_with_the_same_message(app, text):
    with pytest.raises(json.JSONDecodeError) as ours:
        app.json.loads(text)
    with pytest.raises(json.JSONDecodeError) as stdlib:
        json.loads(text)
    assert str(ours.value) == str(stdlib.value)


def test_loads_accepts_str_and_bytes(app):
    assert app.json.loads('{"a": [1, 2]}') == {"a": [1, 2]}
    assert app.json.loads('{"a": "é"}'.encode()) == {"a": "é"}
    assert app.json.loads('"x"'.encode("utf-16")) == "x"
    with pytest.raises(ValueError):
        app.json.loads(b"{not json")


def test_dump_and_load_use_files(app):
    buffer = io.StringIO()
    app.json.dump({"when": date(2020, 1, 2)}, buffer)
    buffer.seek(0)
    assert app.json.load(buffer) == {"when": "Thu, 02 Jan 2020 00:00:00 GMT"}


# -- jsonify and response() ---------------------------------------------------------------


def test_jsonify_sends_one_value_compactly_with_a_newline(app_ctx):
    response = jsonify({"b": 2, "a": [1, None]})
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.get_data(as_text=True) == '{"a":[1,null],"b":2}\n'


def test_jsonify_arguments_several_positional_make_a_list_keywords_a_dict(app_ctx):
    assert jsonify(1, "two").get_data(as_text=True) == '[1,"two"]\n'
    assert jsonify(name="x", id=3).get_data(as_text=True) == '{"id":3,"name":"x"}\n'
    assert jsonify().get_data(as_text=True) == "null\n"
    assert jsonify([1]).get_data(as_text=True) == "[1]\n"


def test_jsonify_with_both_kinds_of_arguments_is_a_type_error(app_ctx):
    with pytest.raises(TypeError, match="not both"):
        jsonify(1, a=2)


def test_jsonify_outside_an_app_context_says_what_to_do():
    with pytest.raises(RuntimeError, match="application context"):
        jsonify(a=1)


def test_debug_mode_indents_the_response(app):
    app.debug = True
    with app.app_context():
        assert jsonify(a=1, b=[2]).get_data(as_text=True) == '{\n  "a": 1,\n  "b": [\n    2\n  ]\n}\n'


def test_compact_overrides_debug_mode(app):
    app.json.compact = True
    app.debug = True
    with app.app_context():
        assert jsonify(a=1).get_data(as_text=True) == '{"a":1}\n'
    app.json.compact = False
    app.debug = False
    with app.app_context():
        assert jsonify(a=1).get_data(as_text=True) == '{\n  "a": 1\n}\n'


def test_a_provider_subclass_dumps_and_response_serve_views_returning_json(app):
    class Wrapping(DefaultJSONProvider):
        def dumps(self, obj, **kwargs):
            return super().dumps({"data": obj}, **kwargs)

        def response(self, *args, **kwargs):
            response = super().response(*args, **kwargs)
            response.headers["X-Provider"] = "Wrapping"
            return response

    app.json = Wrapping(app)

    @app.route("/dict")
    def as_dict():
        return {"a": 1}

    @app.route("/jsonify")
    def as_jsonify():
        return jsonify(1, 2)

    client = app.test_client()
    for path, body in [("/dict", '{"data":{"a":1}}\n'), ("/jsonify", '{"data":[1,2]}\n')]:
        response = client.get(path)
        assert response.get_data(as_text=True) == body
        assert response.headers["X-Provider"] == "Wrapping"


def test_the_response_mimetype_comes_from_the_provider(app_ctx):
    app_ctx.json.mimetype = "application/vnd.api+json"
    response = jsonify(a=1)
    assert response.mimetype == "application/vnd.api+json"
    assert response.is_json


def test_a_view_returning_a_dict_or_jsonify_sends_json(app):
    @app.route("/user")
    def user():
        return {"name": "<Ann>", "joined": date(2020, 1, 2)}

    @app.route("/pair")
    def pair():
        return jsonify(1, 2)

    client = app.test_client()
    response = client.get("/user")
    assert response.headers["Content-Type"] == "application/json"
    assert response.json == {"joined": "Thu, 02 Jan 2020 00:00:00 GMT", "name": "<Ann>"}
    assert client.get("/pair").json == [1, 2]


# -- the microflask.json functions ---------------------------------------------------------


def test_functions_use_the_stdlib_with_extra_types_outside_an_app():
    assert mjson.dumps({"b": decimal.Decimal("1.5"), "a": 1}) == '{"b": "1.5", "a": 1}'
    assert mjson.loads(b'{"a": 1}') == {"a": 1}
    buffer = io.StringIO()
    mjson.dump([uuid.UUID(int=1)], buffer)
    buffer.seek(0)
    assert mjson.load(buffer) == ["00000000-0000-0000-0000-000000000001"]


def test_functions_use_the_app_provider_inside_an_app(app_ctx):
    assert mjson.dumps({"b": 1, "a": 2}) == '{"a": 2, "b": 1}'
    app_ctx.json.sort_keys = False
    assert mjson.dumps({"b": 1, "a": 2}) == '{"b": 1, "a": 2}'


# -- replacing the provider ------------------------------------------------------------------


class TaggingProvider(DefaultJSONProvider):
    """A provider that adds sets and marks what it loads."""

    sort_keys = False

    @staticmethod
    def default(o):
        if isinstance(o, set):
            return sorted(o)
        return DefaultJSONProvider.default(o)

    def loads(self, s, **kwargs):
        value = super().loads(s, **kwargs)
        return {"loaded_by": "TaggingProvider", "value": value}


def test_json_provider_class_on_a_flask_subclass():
    class MyFlask(Flask):
        json_provider_class = TaggingProvider

    app = MyFlask(__name__)
    assert isinstance(app.json, TaggingProvider)
    with app.app_context():
        assert jsonify(tags={"b", "a"}, when=date(2020, 1, 2)).get_data(as_text=True) == (
            '{"tags":["a","b"],"when":"Thu, 02 Jan 2020 00:00:00 GMT"}\n'
        )
        assert mjson.loads("1") == {"loaded_by": "TaggingProvider", "value": 1}


def test_assigning_app_json_replaces_it_everywhere(app):
    app.json = TaggingProvider(app)

    @app.route("/echo", methods=["POST"])
    def echo():
        from microflask import request

        return {"got": request.get_json()}

    # The client dumps the set, the request loads the body, the view's dict is
    # dumped, and the client's response loads it: all through TaggingProvider.
    response = app.test_client().post("/echo", json={"a": {1}})
    assert response.get_data(as_text=True) == '{"got":{"loaded_by":"TaggingProvider","value":{"a":[1]}}}\n'
    assert response.json["loaded_by"] == "TaggingProvider"


def test_a_provider_for_another_library_needs_only_dumps_and_loads(app):
    class ReprProvider(JSONProvider):
        def dumps(self, obj, **kwargs):
            return json.dumps(obj, separators=(",", ":"))

        def loads(self, s, **kwargs):
            return json.loads(s)

    app.json = ReprProvider(app)
    buffer = io.StringIO()
    app.json.dump({"a": 1}, buffer)
    assert buffer.getvalue() == '{"a":1}'
    buffer.seek(0)
    assert app.json.load(buffer) == {"a": 1}
    with app.app_context():
        response = jsonify(1, 2)
    assert response.mimetype == "application/json"
    assert response.get_data(as_text=True) == "[1,2]"


def test_the_base_provider_asks_for_dumps_and_loads(app):
    provider = JSONProvider(app)
    with pytest.raises(NotImplementedError, match="dumps"):
        provider.dumps(1)
    with pytest.raises(NotImplementedError, match="loads"):
        provider.loads("1")


def test_the_provider_does_not_keep_its_app_alive():
    app = Flask(__name__)
    provider = app.json
    app_ref = weakref.ref(app)
    del app
    gc.collect()
    assert app_ref() is None
    with pytest.raises(ReferenceError):
        provider.response(1)


# -- htmlsafe_dumps, for JSON inside HTML ---------------------------------------------------


def test_htmlsafe_dumps_cannot_break_out_of_a_script_element():
    payload = {"text": "</script><script>alert('x')</script> & <!--"}
    dumped = mjson.htmlsafe_dumps(payload)
    assert isinstance(dumped, Markup)
    for dangerous in "<>&'":
        assert dangerous not in dumped
    assert "\\u003c/script\\u003e" in dumped
    assert json.loads(dumped) == payload
    page = Markup("<script>const data = {};</script>").format(dumped)
    assert page.count("</script>") == 1


def test_htmlsafe_dumps_follows_the_app_provider(app_ctx):
    assert mjson.htmlsafe_dumps({"b": "<", "a": 1}) == '{"a": 1, "b": "\\u003c"}'
    assert mjson.htmlsafe_dumps([1, "&"], separators=(",", ":")) == '[1,"\\u0026"]'


def test_flask_2_2_json_config_keys_still_apply_with_a_deprecation_warning():
    from microflask import Flask, jsonify

    app = Flask(__name__)
    app.config.update(JSON_SORT_KEYS=False, JSON_AS_ASCII=False, JSONIFY_MIMETYPE="application/vnd.x+json")
    with app.app_context(), pytest.warns(DeprecationWarning) as caught:
        response = jsonify(b=1, a="é")
    assert {"JSON_SORT_KEYS", "JSON_AS_ASCII", "JSONIFY_MIMETYPE"} <= {str(w.message).split("'")[1] for w in caught}
    assert response.get_data(as_text=True) == '{"b":1,"a":"é"}\n'
    assert response.mimetype == "application/vnd.x+json"


def test_flask_2_2_prettyprint_config_key_still_applies_with_a_deprecation_warning(app):
    app.config["JSONIFY_PRETTYPRINT_REGULAR"] = True
    with app.app_context(), pytest.warns(DeprecationWarning, match="JSONIFY_PRETTYPRINT_REGULAR"):
        assert jsonify(a=1).get_data(as_text=True) == '{\n  "a": 1\n}\n'
    app.config["JSONIFY_PRETTYPRINT_REGULAR"] = None
    with app.app_context():
        assert jsonify(a=1).get_data(as_text=True) == '{"a":1}\n'


def test_unreadable_json_gives_the_generic_400_unless_debugging():
    from microflask import Flask, request

    app = Flask(__name__)

    @app.route("/data", methods=["POST"])
    def data():
        return str(request.get_json())

    client = app.test_client()
    response = client.post("/data", data="{bad", content_type="application/json")
    assert response.status_code == 400 and b"decode" not in response.data
    app.debug = True
    app.config["TRAP_BAD_REQUEST_ERRORS"] = False
    response = client.post("/data", data="{bad", content_type="application/json")
    assert response.status_code == 400 and b"Failed to decode JSON object" in response.data


# -- Flask 2.2's deprecated encoder and decoder classes ---------------------------


class Vector:
    def __init__(self, x, y):
        self.x, self.y = x, y


class VectorEncoder(mjson.JSONEncoder):
    def default(self, o):
        if isinstance(o, Vector):
            return [o.x, o.y]
        return super().default(o)


def test_an_encoder_class_set_on_the_app_serialises_with_a_warning(app):
    with pytest.deprecated_call():
        app.json_encoder = VectorEncoder

    @app.route("/point")
    def point():
        return jsonify(where=Vector(1, 2), when=date(2024, 1, 2))

    with pytest.deprecated_call():
        response = app.test_client().get("/point")
    assert response.get_json() == {"where": [1, 2], "when": "Tue, 02 Jan 2024 00:00:00 GMT"}
    with pytest.deprecated_call():
        assert app.json_encoder is VectorEncoder


def test_a_stdlib_encoder_class_still_gets_the_apps_extra_types(app):
    class Plain(json.JSONEncoder):
        def encode(self, o):
            return super().encode(o).replace("GMT", "UTC")

    with pytest.deprecated_call():
        app.json_encoder = Plain
    with app.app_context(), pytest.deprecated_call():
        assert mjson.dumps(date(2024, 1, 2)) == '"Tue, 02 Jan 2024 00:00:00 UTC"'


def test_a_blueprint_encoder_class_applies_to_its_own_routes_only(app):
    from microflask import Blueprint

    points = Blueprint("points", __name__)
    with pytest.deprecated_call():
        points.json_encoder = VectorEncoder

    @points.route("/in")
    def inside():
        return jsonify(Vector(3, 4))

    @app.route("/out")
    def outside():
        return jsonify(Vector(3, 4))

    app.register_blueprint(points)
    with pytest.deprecated_call():
        assert app.test_client().get("/in").get_json() == [3, 4]
    with app.test_request_context("/out"), pytest.raises(TypeError, match="Vector"):
        outside()  # the app's own JSON cannot serialise a Vector


def test_an_encoder_class_given_as_a_subclass_attribute_is_used(tmp_path):
    class PointFlask(Flask):
        json_encoder = VectorEncoder

    app = PointFlask(__name__, root_path=str(tmp_path))
    with app.app_context(), pytest.deprecated_call():
        assert app.json.dumps(Vector(5, 6)) == "[5, 6]"


def test_a_decoder_class_set_on_the_app_reads_request_json(app):
    class Tagging(mjson.JSONDecoder):
        def __init__(self, **kwargs):
            super().__init__(object_hook=lambda obj: {**obj, "decoded": True}, **kwargs)

    with pytest.deprecated_call():
        app.json_decoder = Tagging

    @app.post("/echo")
    def echo():
        return request.get_json()

    with pytest.deprecated_call():
        response = app.test_client().post("/echo", json={"a": 1})
    assert json.loads(response.data) == {"a": 1, "decoded": True}


def test_the_deprecated_classes_default_as_flask_2_2s(app):
    from microflask import Blueprint

    with pytest.deprecated_call():
        assert app.json_encoder is mjson.JSONEncoder and app.json_decoder is mjson.JSONDecoder
    with pytest.deprecated_call():
        assert Blueprint("bp", __name__).json_encoder is None


def test_the_deprecated_encoder_serialises_the_providers_extra_types():
    with pytest.deprecated_call():
        encoder = mjson.JSONEncoder(sort_keys=True)
    value = {"d": decimal.Decimal("1.5"), "u": uuid.UUID(int=1), "m": Markup("<b>")}
    assert encoder.encode(value) == '{"d": "1.5", "m": "<b>", "u": "00000000-0000-0000-0000-000000000001"}'
    with pytest.raises(TypeError, match="Vector"):
        encoder.encode(Vector(1, 2))
