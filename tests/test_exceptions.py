"""HTTP errors: raising, the response they send, abort and Aborter."""
from datetime import datetime, timezone
from wsgiref.validate import validator

import pytest

from microflask.toolkit import exceptions
from microflask.toolkit.exceptions import (
    Aborter,
    BadRequest,
    BadRequestKeyError,
    HTTPException,
    InternalServerError,
    MethodNotAllowed,
    NotFound,
    RequestedRangeNotSatisfiable,
    ServiceUnavailable,
    TooManyRequests,
    Unauthorized,
    abort,
    default_exceptions,
)
from microflask.toolkit.test import Client
from microflask.toolkit.wrappers import Response

STANDARD = {
    400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound",
    405: "MethodNotAllowed", 406: "NotAcceptable", 408: "RequestTimeout", 409: "Conflict",
    410: "Gone", 411: "LengthRequired", 412: "PreconditionFailed", 413: "RequestEntityTooLarge",
    414: "RequestURITooLarge", 415: "UnsupportedMediaType", 416: "RequestedRangeNotSatisfiable",
    417: "ExpectationFailed", 418: "ImATeapot", 422: "UnprocessableEntity", 423: "Locked",
    424: "FailedDependency", 428: "PreconditionRequired", 429: "TooManyRequests",
    431: "RequestHeaderFieldsTooLarge", 451: "UnavailableForLegalReasons",
    500: "InternalServerError", 501: "NotImplemented", 502: "BadGateway",
    503: "ServiceUnavailable", 504: "GatewayTimeout", 505: "HTTPVersionNotSupported",
}


@pytest.mark.parametrize("code, name", sorted(STANDARD.items()))
def test_every_standard_error_has_a_class_with_its_code(code, name):
    cls = getattr(exceptions, name)
    assert cls.code == code
    assert default_exceptions[code] is cls
    response = cls().get_response()
    assert response.status_code == code
    assert response.mimetype == "text/html"


def test_error_page_escapes_its_description():
    response = NotFound("<script>alert(1)</script>").get_response()
    body = response.get_data(as_text=True)
    assert "<script>" not in body
    assert "&lt;script&gt;" in body
    assert "<title>404 Not Found</title>" in body


def test_exception_is_a_wsgi_application():
    client = Client(validator(NotFound()))
    response = client.get("/anything")
    assert response.status_code == 404
    assert b"Not Found" in response.data


def test_custom_response_is_sent_as_is():
    custom = Response("gone fishing", status=503)
    assert ServiceUnavailable(response=custom).get_response() is custom


def test_name_str_and_repr_read_well():
    error = NotFound()
    assert error.name == "Not Found"
    assert str(error).startswith("404 Not Found: ")
    assert repr(error) == "<NotFound '404: Not Found'>"


def test_method_not_allowed_lists_valid_methods_in_allow():
    response = MethodNotAllowed(valid_methods=["GET", "POST"]).get_response()
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, POST"


def test_unauthorized_sends_its_challenge():
    response = Unauthorized(www_authenticate='Basic realm="private"').get_response()
    assert response.headers.getlist("WWW-Authenticate") == ['Basic realm="private"']


def test_range_not_satisfiable_reports_the_length():
    response = RequestedRangeNotSatisfiable(length=1000).get_response()
    assert response.headers["Content-Range"] == "bytes */1000"


def test_retry_after_accepts_seconds_and_dates():
    assert TooManyRequests(retry_after=30).get_response().headers["Retry-After"] == "30"
    when = datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    header = ServiceUnavailable(retry_after=when).get_response().headers["Retry-After"]
    assert header == "Wed, 02 Jan 2030 03:04:05 GMT"


def test_bad_request_key_error_is_both_a_key_error_and_a_400():
    with pytest.raises(KeyError) as caught:
        raise BadRequestKeyError("username")
    assert isinstance(caught.value, BadRequest)
    assert caught.value.code == 400
    assert "username" in str(caught.value)


def test_internal_server_error_keeps_the_original_exception():
    cause = ZeroDivisionError("boom")
    assert InternalServerError(original_exception=cause).original_exception is cause


def test_abort_raises_by_code_with_a_description():
    with pytest.raises(NotFound) as caught:
        abort(404, "no such page")
    assert caught.value.description == "no such page"


def test_abort_with_a_response_raises_it_unchanged():
    response = Response("teapot", status=418)
    with pytest.raises(HTTPException) as caught:
        abort(response)
    assert caught.value.get_response() is response


def test_abort_with_an_unknown_code_is_a_clear_error():
    with pytest.raises(LookupError, match="299"):
        abort(299)


def test_aborter_accepts_extra_codes():
    class Nope(HTTPException):
        code = 499
        description = "client closed request"

    aborter = Aborter(extra={499: Nope})
    with pytest.raises(Nope):
        aborter(499)


def test_bad_request_key_error_names_the_key_only_when_asked():
    error = BadRequestKeyError("username")
    assert "username" not in error.get_response().get_data(as_text=True)
    error.show_exception = True
    assert "KeyError: &#39;username&#39;" in error.get_response().get_data(as_text=True)


def test_error_pages_escape_quotes_as_werkzeug_does():
    # Bodies observed from Werkzeug: ' as &#39; and " as &#34;, as MarkupSafe writes them.
    assert NotFound(description='it\'s "x" <b> & \u00e9\nnext').get_body() == (
        "<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n"
        "<p>it&#39;s &#34;x&#34; &lt;b&gt; &amp; \u00e9<br>next</p>\n"
    )


def test_bad_request_key_error_shows_the_key_on_its_own_line_like_werkzeug():
    error = BadRequestKeyError('it\'s "k"<')
    error.show_exception = True
    assert error.get_description() == (
        "<p>The browser (or proxy) sent a request that this server could not understand."
        "<br>KeyError: &#39;it\\&#39;s &#34;k&#34;&lt;&#39;</p>"
    )
    custom = BadRequestKeyError("k", description="custom")
    custom.show_exception = True
    assert custom.get_description() == "<p>custom<br>KeyError: &#39;k&#39;</p>"
    no_key = BadRequestKeyError()
    no_key.show_exception = True
    assert no_key.get_description().endswith("<br>KeyError: </p>")
