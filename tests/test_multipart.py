"""multipart/form-data: uploads reach request.form and request.files, streamed.

The parser is driven through Request, EnvironBuilder and a WSGI app under
wsgiref's validator; the test client's encoder builds most bodies, and raw
bodies cover what a browser would never send.
"""
import io
import json
import random
import time
import tracemalloc
from wsgiref.validate import validator

import pytest

from microflask.toolkit.datastructures import FileStorage, MultiDict
from microflask.toolkit.exceptions import BadRequest, RequestEntityTooLarge
from microflask.toolkit.formparser import MultiPartParser
from microflask.toolkit.test import Client, EnvironBuilder, encode_multipart, stream_encode_multipart
from microflask.toolkit.wrappers import Request, Response

BOUNDARY = "frontier"
DELIMITER = b"\r\n--frontier"


def multipart_body(*parts, preamble=b"", epilogue=b""):
    """A raw body from ``(header_lines, data)`` parts, boundary ``frontier``."""
    chunks = [preamble]
    for headers, data in parts:
        chunks.append(b"--frontier\r\n" + b"".join(line + b"\r\n" for line in headers) + b"\r\n" + data + b"\r\n")
    chunks.append(b"--frontier--\r\n" + epilogue)
    return b"".join(chunks)


def field(name, value):
    return ([b'Content-Disposition: form-data; name="' + name + b'"'], value)


def upload(name, filename, data, content_type=b"application/octet-stream"):
    headers = [
        b'Content-Disposition: form-data; name="' + name + b'"; filename="' + filename + b'"',
        b"Content-Type: " + content_type,
    ]
    return (headers, data)


def raw_request(body, request_class=Request, boundary=BOUNDARY, **kwargs):
    return request_class.from_values(
        method="POST",
        input_stream=io.BytesIO(body),
        content_length=len(body),
        content_type=f"multipart/form-data; boundary={boundary}",
        **kwargs,
    )


def summary(form, files):
    """Everything a parse produced, in comparable form; the files are closed."""
    uploads = []
    for name, upload in files.items(multi=True):
        uploads.append((name, upload.filename, upload.read(), list(upload.headers)))
        upload.close()
    return list(form.items(multi=True)), uploads


class Trickle(io.RawIOBase):
    """A body that arrives in pieces of the given sizes (then 1 byte at a time),
    as a socket delivers it."""

    def __init__(self, data, sizes):
        self._data = memoryview(data)
        self._sizes = iter(sizes)
        self._pos = 0

    def readable(self):
        return True

    def read(self, size=-1):
        size = min(size, next(self._sizes, 1))
        piece = bytes(self._data[self._pos : self._pos + size])
        self._pos += len(piece)
        return piece


class GeneratedBody(io.RawIOBase):
    """``head``, then ``size`` bytes of ``filler``, then ``tail``, made as they
    are read: a huge body without holding it in memory. Not seekable, like a socket."""

    def __init__(self, head, size, tail, filler=b"\x00\xff\r\n-" * 13107):
        self._pending = [head, tail]
        self._size = size
        self._filler = filler
        self._current = b""
        self.bytes_read = 0

    def readable(self):
        return True

    def _next_piece(self):
        if self._size > 0:
            piece = self._filler[: self._size]
            self._size -= len(piece)
            return piece
        return self._pending.pop() if len(self._pending) == 1 else b""

    def read(self, size=-1):
        if not self._current:
            if len(self._pending) == 2:
                self._current = self._pending.pop(0)
            else:
                self._current = self._next_piece()
        piece, self._current = self._current[:size], self._current[size:]
        self.bytes_read += len(piece)
        return piece


def upload_head(boundary=BOUNDARY):
    return (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="big"; filename="big.bin"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()


def upload_tail(boundary=BOUNDARY):
    return f"\r\n--{boundary}--\r\n".encode()


class LimitedRequest(Request):
    max_form_memory_size = 100
    max_form_parts = 10
    max_content_length = 10_000


@Request.application
def echo_upload_app(request):
    """Answers with the form and a description of each upload."""
    files = {
        name: [[f.filename, f.mimetype, f.read().decode("latin-1")] for f in request.files.getlist(name)]
        for name in request.files
    }
    payload = {"form": request.form.to_dict(flat=False), "files": files, "content_type": request.content_type}
    return Response(json.dumps(payload), mimetype="application/json")


@LimitedRequest.application
def limited_upload_app(request):
    return Response(str(len(request.files)))


# -- fields and files ---------------------------------------------------------------


def test_fields_and_files_reach_form_and_files():
    request = Request.from_values(
        method="POST",
        data={
            "title": "Report",
            "tag": ["a", "b"],
            "doc": (io.BytesIO(b"%PDF-1.7"), "report.pdf"),
            "raw": (io.BytesIO(b"\x00\x01"), "blob", "application/x-thing"),
        },
    )
    with request:
        assert request.form.getlist("tag") == ["a", "b"]
        assert request.form["title"] == "Report"
        doc = request.files["doc"]
        assert isinstance(doc, FileStorage)
        assert (doc.name, doc.filename, doc.mimetype, doc.read()) == ("doc", "report.pdf", "application/pdf", b"%PDF-1.7")
        assert request.files["raw"].content_type == "application/x-thing"
        assert request.files["raw"].read() == b"\x00\x01"
        assert "doc" not in request.form and "title" not in request.files


def test_part_headers_are_kept_on_the_file():
    body = multipart_body(
        (
            [
                b'Content-Disposition: form-data; name="photo"; filename="cat.jpg"',
                b"Content-Type: image/jpeg; quality=high",
                b"Content-Length: 4",
                b"X-Checksum:   abc123  ",
            ],
            b"\xff\xd8\xff\xd9",
        )
    )
    with raw_request(body) as request:
        photo = request.files["photo"]
        assert photo.mimetype == "image/jpeg"
        assert photo.mimetype_params == {"quality": "high"}
        assert photo.content_length == 4
        assert photo.headers["X-Checksum"] == "abc123"
        assert photo.read() == b"\xff\xd8\xff\xd9"


def test_an_empty_file_input_gives_a_falsy_file_storage():
    # Browsers send filename="" when no file was chosen.
    with raw_request(multipart_body(upload(b"avatar", b"", b""))) as request:
        avatar = request.files["avatar"]
        assert avatar.filename == ""
        assert not avatar
        assert avatar.read() == b""


def test_preamble_and_epilogue_are_ignored():
    body = multipart_body(field(b"a", b"1"), preamble=b"This is a MIME message.\r\n", epilogue=b"--frontier\r\ntrailing junk")
    with raw_request(body) as request:
        assert request.form.to_dict() == {"a": "1"}


def test_transport_padding_after_a_boundary_and_no_final_crlf_are_accepted():
    body = b'--frontier \t\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--frontier--'
    with raw_request(body) as request:
        assert request.form["a"] == "1"


def test_an_empty_body_is_an_empty_form():
    with raw_request(b"") as request:
        assert not request.form and not request.files


def test_the_stream_is_used_up_and_data_is_empty_after_parsing():
    with raw_request(multipart_body(field(b"a", b"1"))) as request:
        assert request.form["a"] == "1"
        assert request.get_data() == b""


# -- exact bytes ------------------------------------------------------------------


PAYLOADS = [
    bytes(range(256)),
    b"ends with a CR\r",
    b"ends with CRLF\r\n",
    b"ends with dashes--",
    b"\r\n",
    b"\r\n--",
    b"",
    b"partial delimiter \r\n--frontie inside",
    b"delimiter without CR \n--frontier and without dashes \r\nfrontier",
    b"\r\n--frontie\r\n--frontie\r\n--fronti",
    b"-" * 100 + b"\r" * 50,
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_file_bytes_round_trip_exactly(payload):
    body = multipart_body(upload(b"f", b"f.bin", payload), field(b"after", payload))
    with raw_request(body) as request:
        assert request.files["f"].read() == payload
        assert request.form["after"] == payload.decode("utf-8", "replace")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_file_bytes_round_trip_through_the_test_client_encoder(payload):
    request = Request.from_values(method="POST", data={"f": (io.BytesIO(payload), "f.bin")})
    with request:
        assert request.files["f"].read() == payload


def test_a_boundary_split_across_every_chunk_edge_gives_the_same_result():
    body = multipart_body(
        field(b"name", b"Ada\r\n--frontie"),
        upload(b"file", b"a.bin", bytes(range(256)) + b"\r\n--\r"),
        ([b'Content-Disposition: form-data; name="empty"'], b""),
        upload(b"file", b"b.bin", b"\r\n\r\n"),
        preamble=b"pre\r\n--fro\r\n",
        epilogue=b"post",
    )
    # A small body of known length is read whole; of unknown length, in chunks.
    expected = summary(*MultiPartParser().parse(io.BytesIO(body), BOUNDARY.encode(), len(body)))
    assert expected[0][0] == ("name", "Ada\r\n--frontie")
    for buffer_size in range(1, 80):
        parser = MultiPartParser(buffer_size=buffer_size)
        assert summary(*parser.parse(io.BytesIO(body), BOUNDARY.encode(), None)) == expected, buffer_size
    rng = random.Random(2022)
    for _ in range(200):
        sizes = [rng.choice([1, 1, 2, 3, rng.randint(1, 40), rng.randint(1, 600)]) for _ in range(len(body))]
        parser = MultiPartParser(buffer_size=rng.choice([7, 64, 4096]))
        content_length = rng.choice([None, len(body)])
        assert summary(*parser.parse(Trickle(body, sizes), BOUNDARY.encode(), content_length)) == expected


def test_many_parts_and_a_large_file_in_one_buffer_or_in_chunks_give_the_same_result():
    # More parts than the reader lists in one search, around a file that
    # spans many chunks, with bytes that look like a delimiter almost.
    fields = [field(b"f%d" % i, b"v%d\r\n--frontie" % i) for i in range(70)]
    payload = (bytes(range(256)) + b"\r\n--frontie\r\n-") * 1500
    body = multipart_body(*fields[:35], upload(b"file", b"big.bin", payload), *fields[35:], preamble=b"pre\r\n")
    whole = summary(*MultiPartParser().parse(io.BytesIO(body), BOUNDARY.encode(), len(body)))
    assert [value for _, value in whole[0]] == ["v%d\r\n--frontie" % i for i in range(70)]
    assert whole[1][0][2] == payload
    for buffer_size in (100, 4096, 65536):
        parser = MultiPartParser(buffer_size=buffer_size)
        assert summary(*parser.parse(io.BytesIO(body), BOUNDARY.encode(), None)) == whole, buffer_size


class SameChunk(io.RawIOBase):
    """Gives back one bytes object over and over, as a generator of test
    data may: the reader must not mistake it for the chunk it already read."""

    def __init__(self, head, chunk, count, tail):
        self._pieces = [head] + [chunk] * count + [tail]

    def readable(self):
        return True

    def read(self, size=-1):
        return self._pieces.pop(0) if self._pieces else b""


def test_a_stream_that_repeats_one_chunk_object_is_parsed_right():
    chunk = b"x\r\n--frontier\r\n" + b'Content-Disposition: form-data; name="f"\r\n\r\n' + b"y" * 30
    stream = SameChunk(b"--frontier\r\n" + b'Content-Disposition: form-data; name="f"\r\n\r\n', chunk, 4, b"\r\n--frontier--")
    form, _ = MultiPartParser(buffer_size=len(chunk)).parse(stream, b"frontier", None)
    assert form.getlist("f") == ["x"] + ["y" * 30 + "x"] * 3 + ["y" * 30]


class ReadRecorder(io.BytesIO):
    """A body that records the size of every read asked of it."""

    def __init__(self, data):
        super().__init__(data)
        self.sizes = []

    def read(self, size=-1):
        self.sizes.append(size)
        return super().read(size)


def test_a_small_body_of_known_length_is_read_at_once_and_a_large_one_in_chunks():
    small = multipart_body(field(b"a", b"1"), upload(b"f", b"f.bin", b"z" * 400_000))
    stream = ReadRecorder(small)
    _, files = MultiPartParser(buffer_size=1000).parse(stream, BOUNDARY.encode(), len(small))
    assert stream.sizes == [len(small)]
    assert type(files["f"].stream) is io.BytesIO and files["f"].read() == b"z" * 400_000
    large = multipart_body(upload(b"f", b"f.bin", b"z" * 600_000))
    stream = ReadRecorder(large)
    _, files = MultiPartParser(buffer_size=64 * 1024).parse(stream, BOUNDARY.encode(), len(large))
    assert max(stream.sizes) == 64 * 1024
    assert files["f"].read() == b"z" * 600_000
    files["f"].close()


# -- names and charsets -----------------------------------------------------------


def test_text_fields_are_decoded_with_their_declared_charset():
    body = multipart_body(
        ([b'Content-Disposition: form-data; name="latin"', b"Content-Type: text/plain; charset=ISO-8859-1"], b"caf\xe9"),
        field(b"utf8", "caf\u00e9".encode()),
        ([b'Content-Disposition: form-data; name="odd"', b"Content-Type: text/plain; charset=utf-7"], b"+AOk-"),
        field(b"broken", b"caf\xe9"),
    )
    with raw_request(body) as request:
        assert request.form["latin"] == "caf\u00e9"
        assert request.form["utf8"] == "caf\u00e9"
        # Only a few safe charsets are honoured; others fall back to UTF-8.
        assert request.form["odd"] == "+AOk-"
        assert request.form["broken"] == "caf\ufffd"


def test_filenames_in_utf8_and_rfc5987_form():
    body = multipart_body(
        upload(b"raw", "r\u00e9sum\u00e9.txt".encode(), b"1"),
        (
            [b"Content-Disposition: form-data; name=\"ext\"; filename=\"fallback.txt\"; filename*=UTF-8''%E2%82%AC%20rates.txt"],
            b"2",
        ),
        ([b'Content-Disposition: form-data; name="quoted"; filename="say \\"hi\\".txt"'], b"3"),
    )
    with raw_request(body) as request:
        assert request.files["raw"].filename == "r\u00e9sum\u00e9.txt"
        assert request.files["ext"].filename == "\u20ac rates.txt"
        assert request.files["quoted"].filename == 'say "hi".txt'


def test_hostile_filenames_are_parsed_as_sent_without_crashing():
    body = multipart_body(
        upload(b"a", b"../../etc/passwd", b"1"),
        upload(b"b", b"evil\x00.txt", b"2"),
        upload(b"c", b"\xff\xfe\x80.bin", b"3"),
    )
    with raw_request(body) as request:
        # Kept as sent (secure_filename is for saving); a NUL becomes a space (RFC 9110).
        assert request.files["a"].filename == "../../etc/passwd"
        assert request.files["b"].filename == "evil .txt"
        assert request.files["c"].filename == "\ufffd\ufffd\ufffd.bin"


# -- malformed bodies: 400 ---------------------------------------------------------


@pytest.mark.parametrize(
    "body, message",
    [
        (b'--frontier\r\nContent-Disposition: form-data; name="a"\r\n\r\nno end', "ended before"),
        (b'--frontier\r\nContent-Disposition: form-data; name="a"\r\n\r\nv\r\n--frontier', "ended before"),
        (b'--frontier\r\nContent-Disposition: form-data; name="a"', "ended before"),
        (b"no delimiter at all", "ended before"),
        (b"--frontier\r\nContent-Disposition form-data\r\n\r\nv\r\n--frontier--", "Invalid header line"),
        (b'--frontier\r\nBad Name: x\r\nContent-Disposition: form-data; name="a"\r\n\r\nv\r\n--frontier--', "Invalid header"),
        (b"--frontier\r\nContent-Type: text/plain\r\n\r\nv\r\n--frontier--", "no Content-Disposition"),
        (b"--frontier\r\nContent-Disposition: form-data\r\n\r\nv\r\n--frontier--", "no name"),
        (b'--frontierX\r\nContent-Disposition: form-data; name="a"\r\n\r\nv\r\n--frontier--', "followed by"),
    ],
)
def test_malformed_bodies_are_bad_requests(body, message):
    with raw_request(body) as request:
        with pytest.raises(BadRequest, match=message) as info:
            request.form
        assert info.value.code == 400


@pytest.mark.parametrize(
    "content_type, message",
    [
        ("multipart/form-data", "no boundary"),
        ("multipart/form-data; boundary=", "no boundary"),
        ("multipart/form-data; boundary=" + "x" * 201, "invalid"),
        ('multipart/form-data; boundary="ends with space "', "invalid"),
        ("multipart/form-data; boundary*=UTF-8''%E2%82%AC", "invalid"),
    ],
)
def test_a_missing_or_invalid_boundary_is_a_bad_request(content_type, message):
    body = multipart_body(field(b"a", b"1"))
    request = Request.from_values(method="POST", input_stream=io.BytesIO(body), content_type=content_type)
    with pytest.raises(BadRequest, match=message):
        request.form


def test_a_200_character_boundary_is_accepted():
    boundary = "b" * 200
    body = f'--{boundary}\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--{boundary}--\r\n'.encode()
    with raw_request(body, boundary=boundary) as request:
        assert request.form["a"] == "1"


def test_files_already_written_are_closed_when_the_body_turns_out_broken():
    opened = []

    def recording_factory(total_content_length, content_type, filename, content_length=None):
        opened.append(io.BytesIO())
        return opened[-1]

    body = multipart_body(upload(b"a", b"a.txt", b"1"))[: -len(b"--frontier--\r\n") - 3]
    with pytest.raises(BadRequest):
        MultiPartParser(recording_factory).parse(io.BytesIO(body), b"frontier", len(body))
    assert len(opened) == 1 and opened[0].closed


def test_a_malformed_body_gives_400_from_a_wsgi_app():
    client = Client(validator(echo_upload_app))
    body = b'--frontier\r\nContent-Disposition: form-data; name="a"\r\n\r\ncut short'
    response = client.post(input_stream=io.BytesIO(body), content_type="multipart/form-data; boundary=frontier")
    with response:
        assert response.status_code == 400
        assert b"ended before its closing boundary" in response.get_data()


# -- limits: 413 -------------------------------------------------------------------


def test_text_fields_over_max_form_memory_size_are_refused_but_files_are_not():
    big_file = multipart_body(field(b"a", b"x" * 50), upload(b"f", b"f.bin", b"y" * 5000))
    with raw_request(big_file, LimitedRequest) as request:
        assert len(request.files["f"].read()) == 5000
    too_much_text = multipart_body(field(b"a", b"x" * 60), field(b"b", b"x" * 60))
    with raw_request(too_much_text, LimitedRequest) as request:
        with pytest.raises(RequestEntityTooLarge) as info:
            request.form
        assert info.value.code == 413
    # Streamed in small chunks, the field is refused before it is all read.
    streamed = MultiPartParser(max_form_memory_size=100, buffer_size=16)
    body = multipart_body(field(b"a", b"x" * 60), field(b"b", b"x" * 60 + b"\r\n" * 10_000))
    stream = io.BytesIO(body)
    with pytest.raises(RequestEntityTooLarge, match="limit of 100 bytes"):
        streamed.parse(stream, BOUNDARY.encode(), None)
    assert stream.tell() < 300


def test_parts_past_max_form_parts_are_refused():
    ten = multipart_body(*[field(b"f", b"v")] * 5, *[upload(b"u", b"u.txt", b"v")] * 5)
    with raw_request(ten, LimitedRequest) as request:
        assert len(request.form.getlist("f")) == 5 and len(request.files.getlist("u")) == 5
    eleven = multipart_body(*[field(b"f", b"v")] * 10, upload(b"u", b"u.txt", b"v"))
    with raw_request(eleven, LimitedRequest) as request:
        with pytest.raises(RequestEntityTooLarge, match="more than the allowed 10 parts"):
            request.files


def test_thousands_of_parts_and_the_default_limit_of_1000():
    client = Client(validator(echo_upload_app))
    response = client.post(data={"f": [str(i) for i in range(1000)]})
    with response:
        assert response.status_code == 200
        assert response.json["form"]["f"] == [str(i) for i in range(1000)]
    response = client.post(data={"f": [str(i) for i in range(1001)]})
    with response:
        assert response.status_code == 413
    unlimited = MultiPartParser(max_form_parts=None)
    boundary, body = encode_multipart({"f": ["v"] * 20_000})
    form, _ = unlimited.parse(io.BytesIO(body), boundary.encode(), len(body))
    assert len(form.getlist("f")) == 20_000


def test_an_oversized_part_header_block_is_refused():
    body = multipart_body(([b'Content-Disposition: form-data; name="a"', b"X-Pad: " + b"p" * 9000], b"v"))
    with raw_request(body) as request:
        with pytest.raises(RequestEntityTooLarge, match="headers are longer"):
            request.form


def test_a_body_over_max_content_length_is_refused_with_a_content_length():
    size = 50 * 1024 * 1024
    stream = GeneratedBody(upload_head(), size, upload_tail())
    request = LimitedRequest.from_values(
        method="POST",
        input_stream=stream,
        content_length=len(upload_head()) + size + len(upload_tail()),
        content_type="multipart/form-data; boundary=frontier",
    )
    with pytest.raises(RequestEntityTooLarge):
        request.files
    assert stream.bytes_read == 0


def test_a_body_over_max_content_length_is_refused_without_a_content_length():
    # No Content-Length: the server ends the input itself (chunked transfer).
    stream = GeneratedBody(upload_head(), 50 * 1024 * 1024, upload_tail())
    client = Client(validator(limited_upload_app))
    response = client.post(
        input_stream=stream,
        content_type="multipart/form-data; boundary=frontier",
        environ_overrides={"wsgi.input_terminated": True},
    )
    with response:
        assert response.status_code == 413
    assert "CONTENT_LENGTH" not in response.request.environ
    assert stream.bytes_read < LimitedRequest.max_content_length + 128 * 1024


# -- streaming: time and memory ---------------------------------------------------


@pytest.mark.parametrize(
    "filler",
    [b"\r\n", b"-", b"\r", b"\r\n--frontie", b"\r\n\r\n--frontie"],
    ids=["crlf", "dash", "cr", "near-delimiter", "crlf-crlf-near"],
)
@pytest.mark.parametrize("size", [4 * 1024 * 1024, 380 * 1024], ids=["streamed", "read-whole"])
def test_parsing_is_linear_on_adversarial_bytes(filler, size):
    payload = filler * (size // len(filler))
    body = multipart_body(upload(b"f", b"f.bin", payload), preamble=payload[: size // 4] + b"\r\n")
    started = time.perf_counter()
    with raw_request(body) as request:
        assert request.files["f"].read() == payload
    assert time.perf_counter() - started < 3.0


@pytest.mark.parametrize("content_length", ["known", "unknown"])
def test_a_body_of_nothing_but_delimiters_parses_in_linear_time(content_length):
    # 8,000 empty parts in under 500 KiB: the body is read whole when its
    # length is known, and in chunks when not.
    body = b"--frontier" + b'\r\nContent-Disposition: form-data; name="e"\r\n\r\n\r\n--frontier' * 8000 + b"--"
    length = len(body) if content_length == "known" else None
    started = time.perf_counter()
    with pytest.raises(RequestEntityTooLarge):
        MultiPartParser(max_form_parts=1000).parse(io.BytesIO(body), b"frontier", length)
    form, _ = MultiPartParser().parse(io.BytesIO(body), b"frontier", length)
    assert form.getlist("e") == [""] * 8000
    assert time.perf_counter() - started < 3.0


def test_a_large_text_field_of_dashes_parses_in_linear_time():
    payload = b"-" * (4 * 1024 * 1024)
    started = time.perf_counter()
    with raw_request(multipart_body(field(b"dashes", payload))) as request:
        assert len(request.form["dashes"]) == len(payload)
    assert time.perf_counter() - started < 3.0


def test_a_50_mb_upload_streams_in_constant_memory():
    size = 50 * 1024 * 1024
    head, tail = upload_head(), upload_tail()
    tracemalloc.start()
    try:
        request = Request.from_values(
            method="POST",
            input_stream=GeneratedBody(head, size, tail),
            content_length=len(head) + size + len(tail),
            content_type="multipart/form-data; boundary=frontier",
        )
        with request:
            big = request.files["big"]
            peak = tracemalloc.get_traced_memory()[1]
            big.seek(0, io.SEEK_END)
            assert big.tell() == size
    finally:
        tracemalloc.stop()
    assert peak < 20 * 1024 * 1024


def test_the_stream_factory_gets_the_sizes_and_names():
    calls = []

    def factory(total_content_length, content_type, filename, content_length=None):
        calls.append((total_content_length, content_type, filename, content_length))
        return io.BytesIO()

    body = multipart_body(
        ([b'Content-Disposition: form-data; name="f"; filename="a.txt"', b"Content-Type: text/plain", b"Content-Length: 3"], b"abc"),
        upload(b"g", b"b.bin", b"x"),
    )
    form, files = MultiPartParser(factory).parse(io.BytesIO(body), b"frontier", len(body))
    assert calls == [(len(body), "text/plain", "a.txt", 3), (len(body), "application/octet-stream", "b.bin", None)]
    assert files["f"].read() == b"abc"


# -- the test client's encoder -----------------------------------------------------


def test_client_uploads_every_kind_of_file_value(tmp_path):
    path = tmp_path / "pixel.png"
    path.write_bytes(b"\x89PNG")
    client = Client(validator(echo_upload_app))
    with open(path, "rb") as opened:
        response = client.post(
            "/upload",
            data={
                "pair": (io.BytesIO(b"1"), "one.txt"),
                "triple": (io.BytesIO(b"2"), "two.dat", "application/x-two"),
                "opened": opened,
                "storage": FileStorage(io.BytesIO(b"3"), "three.csv", content_type="text/csv"),
                "many": [(io.BytesIO(b"4"), "a.txt"), (io.BytesIO(b"5"), "b.txt")],
                "field": "value",
                "number": 42,
            },
        )
    with response:
        result = response.json
    assert result["content_type"].startswith("multipart/form-data; boundary=")
    assert result["form"] == {"field": ["value"], "number": ["42"]}
    assert result["files"] == {
        "pair": [["one.txt", "text/plain", "1"]],
        "triple": [["two.dat", "application/x-two", "2"]],
        "opened": [["pixel.png", "image/png", "\x89PNG"]],
        "storage": [["three.csv", "text/csv", "3"]],
        "many": [["a.txt", "text/plain", "4"], ["b.txt", "text/plain", "5"]],
    }


def test_multipart_content_type_forces_multipart_without_files():
    request = Request.from_values(method="POST", data={"a": "1"}, content_type="multipart/form-data")
    assert request.content_type.startswith("multipart/form-data; boundary=")
    assert request.form["a"] == "1"
    empty = Request.from_values(method="POST", content_type="multipart/form-data")
    assert not empty.form and not empty.files


def test_names_survive_the_encoder_and_the_parser():
    name = 'q"uo\\te \u00e9\u20ac'
    request = Request.from_values(
        method="POST", data={name: "v", "file": (io.BytesIO(b"x"), 'we"ird\\ \u00e9.txt')}
    )
    assert request.form[name] == "v"
    assert request.files["file"].filename == 'we"ird\\ \u00e9.txt'
    broken_line = Request.from_values(
        method="POST", data={"a\r\nX-Injected: 1": "v"}, content_type="multipart/form-data"
    )
    assert broken_line.form["a%0D%0AX-Injected: 1"] == "v"


def test_encode_multipart_builds_a_browser_style_body():
    boundary, body = encode_multipart(
        MultiDict([("name", "Ada"), ("cv", FileStorage(io.BytesIO(b"PDF"), "cv.pdf"))]), boundary="b"
    )
    assert boundary == "b"
    assert body == (
        b'--b\r\nContent-Disposition: form-data; name="name"\r\n\r\nAda\r\n'
        b'--b\r\nContent-Disposition: form-data; name="cv"; filename="cv.pdf"\r\n'
        b"Content-Type: application/pdf\r\n\r\nPDF\r\n"
        b"--b--\r\n"
    )
    random_boundary, _ = encode_multipart({"a": "1"})
    assert len(random_boundary) > 20 and random_boundary != encode_multipart({"a": "1"})[0]


def test_stream_encode_multipart_spools_large_bodies():
    stream, length, boundary = stream_encode_multipart(
        {"f": (FileStorage(io.BytesIO(b"z" * 600_000), "z.bin"))}, threshold=1024
    )
    assert length > 600_000
    form, files = MultiPartParser().parse(stream, boundary.encode(), length)
    assert files["f"].read() == b"z" * 600_000
    files["f"].close()
    stream.close()


def test_builder_files_can_be_edited_and_are_closed_with_the_builder():
    builder = EnvironBuilder(method="POST", data={"note": "n"})
    attachment = io.BytesIO(b"data")
    builder.files.add("attachment", FileStorage(attachment, "a.bin"))
    assert builder.content_type == "multipart/form-data"
    request = builder.get_request()
    builder.close()
    assert attachment.closed
    assert request.form["note"] == "n"
    assert request.files["attachment"].read() == b"data"


def test_builder_refuses_a_malformed_file_tuple():
    with pytest.raises(TypeError, match="'f'"):
        EnvironBuilder(method="POST", data={"f": ("not a stream", "name.txt")})
    with pytest.raises(TypeError, match="'f'"):
        EnvironBuilder(method="POST", data={"f": (io.BytesIO(b""),)})


def test_a_307_redirect_sends_the_upload_again():
    @Request.application
    def app(request):
        if request.path == "/old":
            return Response(status=307, headers={"Location": "/new"})
        return Response(request.files["f"].read())

    client = Client(validator(app))
    response = client.post("/old", data={"f": (io.BytesIO(b"payload"), "p.txt")}, follow_redirects=True)
    with response:
        assert response.get_data() == b"payload"
        assert response.request.path == "/new"


# -- through the framework ---------------------------------------------------------


def test_a_flask_view_reads_uploads_and_max_content_length_applies(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024

    @app.post("/avatar")
    def avatar():
        from microflask import request

        picture = request.files["picture"]
        return {"user": request.form["user"], "name": picture.filename, "size": len(picture.read())}

    response = client.post("/avatar", data={"user": "ada", "picture": (io.BytesIO(b"\x89PNG" * 10), "me.png")})
    assert response.status_code == 200
    assert response.json == {"user": "ada", "name": "me.png", "size": 40}
    too_big = client.post("/avatar", data={"user": "ada", "picture": (io.BytesIO(b"x" * 2048), "me.png")})
    assert too_big.status_code == 413


def test_with_request_closes_the_uploads_and_a_request_without_a_body_closes_cleanly():
    request = Request.from_values(method="POST", data={"f": (io.BytesIO(b"data"), "f.txt")})
    with request:
        upload = request.files["f"]
    assert upload.stream.closed
    with Request.from_values("/") as plain:
        assert plain.method == "GET"


def test_builder_names_files_without_their_folders(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_bytes(b"n")
    with open(path, "rb") as opened:
        builder = EnvironBuilder(method="POST", data={"notes": opened, "anonymous": io.BytesIO(b"a")})
        assert builder.files["notes"].filename == "notes.txt"
        assert builder.files["anonymous"].filename is None
        request = builder.get_request()
    assert request.files["anonymous"].filename == ""
    assert request.files["anonymous"].read() == b"a"
