"""The variables the filter and test cases render with, shared by
``test_jinja_filters.py`` and ``test_jinja_tests.py``."""
from microflask.jinja import Environment


class User:
    def __init__(self, name, age, city=None):
        self.name = name
        self.age = age
        if city is not None:
            self.city = city

    def __repr__(self):
        return f"User({self.name!r})"


def make_context():
    """The variables every case renders with (fresh each time: ``gen`` is consumed)."""
    return {
        "users": [User("alice", 31, "Paris"), User("Bob", 25, "berlin"), User("carol", 31, "paris"), User("dave", 19)],
        "rows": [{"name": "b", "tags": ["x", "y"], "n": 2}, {"name": "A", "tags": ["z"], "n": 1}, {"name": "a", "tags": [], "n": 3}],
        "nums": [3, 1, 4, 1, 5, 9, 2, 6],
        "words": ["b", "A", "a", "C", "c"],
        "mapping": {"b": 2, "A": 1, "c": 3, "a": 0},
        "html": "<em>Tom & 'Jerry'</em>",
        "text": "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt",
        "lines": "one\ntwo\n\nthree\n",
        "empty": [],
        "nothing": None,
        "gen": (i for i in []),
    }


def render(source, autoescape=False, **options):
    return Environment(autoescape=autoescape, **options).from_string(source).render(make_context())
