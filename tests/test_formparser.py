"""The form-parsing seam: a request body becomes (stream, form, files)."""
import io
import tempfile

import pytest

from microflask.toolkit.datastructures import ImmutableMultiDict, MultiDict
from microflask.toolkit.exceptions import RequestEntityTooLarge
from microflask.toolkit.formparser import FormDataParser, default_stream_factory, parse_form_data


def form_environ(body, content_type="application/x-www-form-urlencoded", **extra):
    environ = {
        "REQUEST_METHOD": "POST",
        "CONTENT_TYPE": content_type,
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
    }
    environ.update(extra)
    return environ


def test_urlencoded_body_becomes_the_form():
    stream, form, files = parse_form_data(form_environ(b"name=Ada+Lovelace&tag=a&tag=b&empty="))
    assert form["name"] == "Ada Lovelace"
    assert form.getlist("tag") == ["a", "b"]
    assert form["empty"] == ""
    assert not files
    assert stream.read() == b""


def test_urlencoded_body_decodes_utf8_and_tolerates_bad_escapes():
    _, form, _ = parse_form_data(form_environ(b"city=K%C3%B8benhavn&bad=%zz%&broken=%FF"))
    assert form["city"] == "K\u00f8benhavn"
    assert form["bad"] == "%zz%"
    assert form["broken"] == "\ufffd"


def test_mimetype_parameters_and_case_do_not_matter():
    environ = form_environ(b"a=1", content_type="Application/X-WWW-Form-Urlencoded; charset=utf-8")
    _, form, _ = parse_form_data(environ)
    assert form["a"] == "1"


def test_form_storage_class_can_be_chosen():
    _, form, files = parse_form_data(form_environ(b"a=1"), cls=ImmutableMultiDict)
    assert isinstance(form, ImmutableMultiDict)
    assert isinstance(files, ImmutableMultiDict)


def test_form_larger_than_max_form_memory_size_is_refused():
    with pytest.raises(RequestEntityTooLarge) as info:
        parse_form_data(form_environ(b"a=" + b"x" * 100), max_form_memory_size=50)
    assert info.value.code == 413


def test_form_of_unknown_length_is_held_to_max_form_memory_size():
    body = b"a=" + b"x" * 100
    environ = form_environ(body, **{"wsgi.input_terminated": True})
    del environ["CONTENT_LENGTH"]
    with pytest.raises(RequestEntityTooLarge):
        parse_form_data(environ, max_form_memory_size=50)
    environ["wsgi.input"] = io.BytesIO(b"a=small")
    assert parse_form_data(environ, max_form_memory_size=50)[1]["a"] == "small"


def test_too_many_fields_are_refused():
    body = "&".join(f"f{i}=v" for i in range(11)).encode()
    with pytest.raises(RequestEntityTooLarge):
        parse_form_data(form_environ(body), max_form_parts=10)
    assert len(parse_form_data(form_environ(body), max_form_parts=11)[1]) == 11


def test_body_larger_than_max_content_length_is_refused():
    with pytest.raises(RequestEntityTooLarge):
        parse_form_data(form_environ(b"a=1234567890"), max_content_length=5)


def test_multipart_is_parsed_into_form_and_files():
    body = (
        b'--b\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n'
        b'--b\r\nContent-Disposition: form-data; name="f"; filename="f.txt"\r\n\r\ntext\r\n--b--\r\n'
    )
    stream, form, files = parse_form_data(form_environ(body, "multipart/form-data; boundary=b"))
    assert form == MultiDict([("a", "1")])
    assert files["f"].filename == "f.txt"
    assert files["f"].read() == b"text"
    assert stream.read() == b""


def test_multipart_is_one_entry_in_parse_functions():
    assert FormDataParser.parse_functions["multipart/form-data"] is FormDataParser._parse_multipart


def test_unknown_mimetype_leaves_the_stream_untouched():
    stream, form, files = parse_form_data(form_environ(b'{"a": 1}', "application/json"))
    assert not form and not files
    assert stream.read() == b'{"a": 1}'


def test_parse_takes_a_stream_and_mimetype_directly():
    parser = FormDataParser()
    stream, form, files = parser.parse(io.BytesIO(b"x=1"), "application/x-www-form-urlencoded", 3)
    assert form == MultiDict([("x", "1")])


def test_a_new_mimetype_is_one_entry_in_parse_functions():
    class LinesParser(FormDataParser):
        def _parse_lines(self, stream, mimetype, content_length, options):
            form = self.cls(line.split("=", 1) for line in stream.read().decode().splitlines())
            return stream, form, self.cls()

        parse_functions = dict(FormDataParser.parse_functions, **{"text/x-lines": _parse_lines})

    _, form, _ = LinesParser().parse_from_environ(form_environ(b"a=1\nb=2", "text/x-lines"))
    assert form.to_dict() == {"a": "1", "b": "2"}


def test_malformed_body_is_ignored_when_silent_and_raised_otherwise():
    class StrictParser(FormDataParser):
        def _refuse(self, stream, mimetype, content_length, options):
            raise ValueError("malformed body")

        parse_functions = {"text/strict": _refuse}

    _, form, _ = StrictParser().parse(io.BytesIO(b"?"), "text/strict", 1)
    assert not form
    with pytest.raises(ValueError, match="malformed body"):
        StrictParser(silent=False).parse(io.BytesIO(b"?"), "text/strict", 1)


def test_default_stream_factory_spools_large_or_unknown_uploads():
    small = default_stream_factory(1024, "text/plain", "a.txt")
    assert isinstance(small, io.BytesIO)
    for total in (600 * 1024, None):
        large = default_stream_factory(total, "text/plain", "a.txt")
        assert isinstance(large, tempfile.SpooledTemporaryFile)
        large.write(b"data")
        large.seek(0)
        assert large.read() == b"data"
        large.close()
