"""The matcher: all rules of a map compiled once, answering "which rule?".

The map builds a new matcher whenever its rules changed, never per request.
A fully static rule is found with one dictionary lookup. The other rules are
compiled into combined regexes, one per first path segment, so a match costs
one regex search plus the converters' ``to_python``. Turning the answer into
redirects and HTTP errors is the ``MapAdapter``'s job, not the matcher's.
"""
from __future__ import annotations

import re
import typing as t

from .converters import BaseConverter
from .exceptions import NoMatch, RequestAliasRedirect, RequestPath, ValidationError

if t.TYPE_CHECKING:  # pragma: no cover
    from .rules import Rule, RulePart

# How a path can reach a rule.
EXACT = "exact"  # the path is spelled as the rule is
SLASHLESS = "slashless"  # the rule ends in "/" and the path does not: redirect, or match without strict slashes
FUZZY = "fuzzy"  # the path ends in a "/" the rule lacks: a match only without strict slashes

_REPEATED_SLASHES_RE = re.compile("/{2,}")

_Candidate = t.Tuple["Rule", str]
_Field = t.Tuple[str, int, BaseConverter]
MatchResult = t.Tuple["Rule", t.Dict[str, t.Any]]


class _Node:
    """A step of the rule tree: rules that end here, and the parts that go on."""

    __slots__ = ("rules", "static", "dynamic")

    def __init__(self) -> None:
        self.rules: t.List["Rule"] = []
        self.static: t.Dict[str, _Node] = {}
        self.dynamic: t.Dict[t.Tuple[str, str], t.Tuple["RulePart", _Node]] = {}


def _build_tree(rules: t.Iterable["Rule"]) -> _Node:
    root = _Node()
    for rule in rules:
        node = root
        for part in rule._parts:
            if part.static:
                node = node.static.setdefault(part.content, _Node())
            else:
                key = (part.content, part.regex)
                if key not in node.dynamic:
                    node.dynamic[key] = (part, _Node())
                node = node.dynamic[key][1]
        node.rules.append(rule)
    return root


def _dynamic_children(node: _Node) -> t.List[_Node]:
    """The children reached through a variable, lightest part first.

    The sort is stable: parts of equal weight keep the order in which their
    rules were added. (Static children need no order: no two of them can
    match the same text.)
    """
    return [child for _, child in sorted(node.dynamic.values(), key=lambda entry: entry[0].weight)]


def _in_match_order(root: _Node) -> t.List[t.Tuple[str, t.List["Rule"]]]:
    """Every ``(kind, rules)`` way to reach rules, in the order a match tries them.

    A depth-first walk of the tree: at each node, the rules spelled with one
    more trailing slash (the node's ``""`` child), the node's own rules, the
    slashed rules reached without their slash, then the children, and last
    the node's rules reached with an extra slash (without strict slashes).
    The first level of the tree is the domain.
    """
    order: t.List[t.Tuple[str, t.List["Rule"]]] = []

    def walk(node: _Node, own_rules_done: bool = False) -> None:
        slashed = node.static.get("")
        slashed_rules = slashed.rules if slashed is not None else []
        # A path ending in "/" is the slashed rules' own spelling: try them
        # before this node's rules, whose variables (path) could take the slash.
        if slashed_rules:
            order.append((EXACT, slashed_rules))
        if node.rules and not own_rules_done:
            order.append((EXACT, node.rules))
        if slashed_rules:
            order.append((SLASHLESS, slashed_rules))
        for content, child in node.static.items():
            walk(child, own_rules_done=content == "")
        for child in _dynamic_children(node):
            walk(child)
        if node.rules and not own_rules_done:
            relaxed = [rule for rule in node.rules if not rule.strict_slashes]
            if relaxed:
                order.append((FUZZY, relaxed))

    for domain_node in [*root.static.values(), *_dynamic_children(root)]:
        walk(domain_node)
    return order


class _Choice:
    """The rules one spelling of a path reaches, as ``(rule, kind)`` in the order tried.

    ``plain`` is the first rule when it can be returned as it is (an exact,
    non-alias match): only then may the fast path answer on its own.
    """

    __slots__ = ("candidates", "plain")

    def __init__(self, candidates: t.Sequence[_Candidate]) -> None:
        self.candidates = tuple(candidates)
        rule, kind = self.candidates[0]
        self.plain = rule if kind == EXACT and not rule.alias else None


class _Alternative(_Choice):
    """A choice reached through a regex: one branch of a combined regex.

    ``indices`` are the group numbers of the variables within ``regex``.
    ``prefix`` is the text every path it matches starts with: ``"/user/"``
    for ``/user/<name>``, just ``"/"`` when the first segment is a variable.
    """

    __slots__ = ("source", "regex", "indices", "prefix", "variables")

    def __init__(
        self,
        candidates: t.Sequence[_Candidate],
        domain: t.Optional["RulePart"],
        path_parts: t.Sequence["RulePart"],
        trailing_slash: bool,
    ) -> None:
        super().__init__(candidates)
        sources: t.List[str] = []
        indices: t.List[int] = []
        group_count = 0
        if domain is not None:
            sources.append(domain.regex + r"\|")
            indices.extend(domain.variable_groups)
            group_count = domain.group_count
        for part in path_parts:
            sources.append("/" + part.regex)
            indices.extend(group_count + number for number in part.variable_groups)
            group_count += part.group_count
        if trailing_slash:
            sources.append("/")
        self.source = "".join(sources)
        self.regex = re.compile(self.source)
        self.indices = tuple(indices)
        # For the fast path: the plain rule's (name, converter) pairs.
        self.variables = tuple(self.candidates[0][0]._variables)
        self.prefix = _literal_prefix(path_parts, trailing_slash)


def _literal_prefix(path_parts: t.Sequence["RulePart"], trailing_slash: bool) -> str:
    """The static text before the first variable, up to its ``/``."""
    prefix = ""
    for part in path_parts:
        if not part.static:
            return prefix + "/"
        prefix += "/" + part.content
    return prefix + "/" if trailing_slash else prefix


class _Group:
    """Alternatives combined into one regex, tried left to right.

    Each alternative is wrapped in a group; the number of the outermost
    group that matched (``lastindex``) says which alternative won, and
    ``slots`` maps it to ``(alternative, fields)``, a field being
    ``(variable name, group number, converter)``.
    """

    __slots__ = ("regex", "alternatives", "slots")

    def __init__(self, alternatives: t.List[_Alternative]) -> None:
        self.alternatives = alternatives
        slots: t.List[t.Optional[t.Tuple[_Alternative, t.Tuple[_Field, ...]]]] = [None]
        sources = []
        for alternative in alternatives:
            outer = len(slots)
            numbers = [outer + number for number in alternative.indices]
            fields = tuple((name, number, converter) for (name, converter), number in zip(alternative.variables, numbers))
            slots.append((alternative, fields))
            slots.extend([None] * alternative.regex.groups)
            sources.append(f"({alternative.source})")
        self.slots = slots
        self.regex = re.compile("|".join(sources))


class _PrefixIndex:
    """One domain's regex alternatives, grouped by how their paths begin.

    The key is the first few characters after the leading slash, as many as
    the shortest prefix has: ``path[1:end]``. With ``/user/<name>``,
    ``/post/<int:id>`` and ``/p/<int:id>`` the keys are ``us``, ``po`` and
    ``p/``. A group holds, in match order, its alternatives and those whose
    prefix is too short for a key (a variable first segment); ``fallback``
    holds only the latter, for paths no key fits. A slice and a lookup are
    cheaper than cutting out the whole first segment.
    """

    __slots__ = ("end", "groups", "fallback")

    def __init__(self, alternatives: t.List[_Alternative]) -> None:
        self.end = end = min((len(alt.prefix) for alt in alternatives if len(alt.prefix) > 1), default=2)
        keys = {alt.prefix[1:end] for alt in alternatives if len(alt.prefix) >= end}
        self.groups = {
            key: _Group([alt for alt in alternatives if len(alt.prefix) < end or alt.prefix[1:end] == key])
            for key in keys
        }
        anywhere = [alt for alt in alternatives if len(alt.prefix) < end]
        self.fallback = _Group(anywhere) if anywhere else None

    def group_for(self, path: str) -> t.Optional[_Group]:
        return self.groups.get(path[1 : self.end], self.fallback)


class _Misses:
    """Near misses seen during a thorough search, to choose 405 or 400 over 404."""

    __slots__ = ("methods", "websocket")

    def __init__(self) -> None:
        self.methods: t.Set[str] = set()
        self.websocket = False


def _values(rule: "Rule", found: t.Optional["re.Match[str]"], indices: t.Sequence[int]) -> t.Dict[str, t.Any]:
    """The rule's variables converted to Python, then its defaults."""
    values = {}
    for (name, converter), index in zip(rule._variables, indices):
        values[name] = converter.to_python(found[index])  # type: ignore[index]
    if rule.defaults:
        values.update(rule.defaults)
    return values


class Matcher:
    """Finds the rule for a ``(domain, path)``; built once from a map's rules.

    The domain is the subdomain, or the host when the map matches hosts.
    Rules are tried in the order a Werkzeug user expects: static segments
    before variables at every step, lighter converters before heavier ones,
    otherwise the order the rules were added in.
    """

    def __init__(self, rules: t.Iterable["Rule"]) -> None:
        static: t.Dict[str, t.Dict[str, t.List[_Candidate]]] = {}
        by_domain: t.Dict[str, t.List[_Alternative]] = {}
        any_domain: t.List[_Alternative] = []
        for kind, rules_here in _in_match_order(_build_tree(rules)):
            domain, *path_parts = rules_here[0]._parts
            if kind == SLASHLESS:
                path_parts = path_parts[:-1]
            candidates = [(rule, kind) for rule in rules_here]
            if not domain.static:
                any_domain.append(_Alternative(candidates, domain, path_parts, kind == FUZZY))
            elif any(not part.static for part in path_parts):
                by_domain.setdefault(domain.content, []).append(
                    _Alternative(candidates, None, path_parts, kind == FUZZY)
                )
            else:
                path = "".join("/" + part.content for part in path_parts) + ("/" if kind == FUZZY else "")
                static.setdefault(domain.content, {}).setdefault(path, []).extend(candidates)
        self._static = {
            domain: {path: _Choice(candidates) for path, candidates in paths.items()}
            for domain, paths in static.items()
        }
        self._indexes = {domain: _PrefixIndex(alternatives) for domain, alternatives in by_domain.items()}
        self._any_domain = _PrefixIndex(any_domain) if any_domain else None

    def match(
        self, domain: str, path: str, method: str, websocket: bool, merge_slashes: bool = True
    ) -> t.Optional[MatchResult]:
        """``(rule, values)`` for the path, or None if no rule comes near it.

        ``NoMatch`` means rules matched the path but not the method or the
        WebSocket flag (a 405 or 400 rather than a 404). ``RequestPath`` asks
        for a redirect (a missing trailing slash, merged slashes);
        ``RequestAliasRedirect`` reports an alias rule. This fast path
        answers plain matches and misses, and leaves the rest to ``_search``.
        """
        paths = self._static.get(domain)
        if paths is not None:
            choice = paths.get(path)
            if choice is not None:
                rule = choice.plain
                if (
                    rule is not None
                    and (rule.methods is None or method in rule.methods)
                    and rule.websocket == websocket
                ):
                    return rule, dict(rule.defaults) if rule.defaults else {}
                return self._search(domain, path, method, websocket, merge_slashes)
        # The regex search: the group for how the path begins, among the
        # rules of this domain, then among rules with a variable domain.
        found = None
        index = self._indexes.get(domain)
        if index is not None:
            group = index.groups.get(path[1 : index.end], index.fallback)
            if group is not None:
                found = group.regex.fullmatch(path)
        if found is None and self._any_domain is not None:
            group = self._any_domain.group_for(path)
            if group is not None:
                found = group.regex.fullmatch(f"{domain}|{path}")
        if found is None:
            if merge_slashes and "//" in path:
                return self._search(domain, path, method, websocket, merge_slashes)
            return None
        alternative, fields = group.slots[found.lastindex]  # type: ignore[index, misc]
        rule = alternative.plain
        if rule is None or (rule.methods is not None and method not in rule.methods) or rule.websocket != websocket:
            return self._search(domain, path, method, websocket, merge_slashes)
        values = {}
        try:
            for name, number, converter in fields:
                values[name] = converter.to_python(found[number])
        except ValidationError:
            return self._search(domain, path, method, websocket, merge_slashes)
        if rule.defaults:
            values.update(rule.defaults)
        return rule, values

    def _search(
        self, domain: str, path: str, method: str, websocket: bool, merge_slashes: bool
    ) -> t.Optional[MatchResult]:
        """The thorough match: every candidate in order, noting the near misses."""
        misses = _Misses()
        found = self._search_path(domain, path, method, websocket, misses)
        if found is None and merge_slashes and "//" in path:
            merged = _REPEATED_SLASHES_RE.sub("/", path)
            found_merged = self._search_path(domain, merged, method, websocket, misses)
            if found_merged is not None and found_merged[0].merge_slashes:
                raise RequestPath(merged)
        if found is None:
            if misses.methods or misses.websocket:
                raise NoMatch(misses.methods, misses.websocket)
            return None
        rule, values = found
        if rule.alias and rule.map is not None and rule.map.redirect_defaults:
            raise RequestAliasRedirect(values, rule.endpoint)
        return found

    def _search_path(
        self, domain: str, path: str, method: str, websocket: bool, misses: _Misses
    ) -> t.Optional[MatchResult]:
        paths = self._static.get(domain)
        choice = paths.get(path) if paths is not None else None
        if choice is not None:
            found = _pick(choice.candidates, None, (), path, method, websocket, misses)
            if found is not None:
                return found
        searches: t.List[t.Tuple[_PrefixIndex, str]] = []
        index = self._indexes.get(domain)
        if index is not None:
            searches.append((index, path))
        if self._any_domain is not None:
            searches.append((self._any_domain, f"{domain}|{path}"))
        for index, target in searches:
            group = index.group_for(path)
            regex_match = group.regex.fullmatch(target) if group is not None else None
            if group is None or regex_match is None:
                continue
            alternative, fields = group.slots[regex_match.lastindex]  # type: ignore[index, misc]
            indices = [number for _, number, _ in fields]
            found = _pick(alternative.candidates, regex_match, indices, path, method, websocket, misses)
            if found is not None:
                return found
            # The combined regex stops at its first match; the alternatives
            # after it get their own search, so near misses are all seen.
            position = group.alternatives.index(alternative)
            for alternative in group.alternatives[position + 1 :]:
                regex_match = alternative.regex.fullmatch(target)
                if regex_match is None:
                    continue
                found = _pick(alternative.candidates, regex_match, alternative.indices, path, method, websocket, misses)
                if found is not None:
                    return found
        return None


def _pick(
    candidates: t.Sequence[_Candidate],
    found: t.Optional["re.Match[str]"],
    indices: t.Sequence[int],
    path: str,
    method: str,
    websocket: bool,
    misses: _Misses,
) -> t.Optional[MatchResult]:
    """The first candidate that accepts the method and the values, else None.

    A rule reached only by dropping a trailing slash does not count as a
    near miss: ``/p`` is not ``/p/``, so it gives 404 rather than 405.
    """
    for rule, kind in candidates:
        if rule.methods is not None and method not in rule.methods:
            if kind != SLASHLESS:
                misses.methods.update(rule.methods)
            continue
        if rule.websocket != websocket:
            if kind != SLASHLESS:
                misses.websocket = True
            continue
        try:
            values = _values(rule, found, indices)
        except ValidationError:
            continue
        if kind == SLASHLESS and rule.strict_slashes:
            raise RequestPath(path + "/")
        return rule, values
    return None
