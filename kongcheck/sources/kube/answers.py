"""What a LIST or GET answer must look like before kongcheck believes it.

An answer that is not what the API server sends (``200 {}``, a ``Status`` failure with code 200,
a list of another kind, items of another kind or namespace, a JSON array) would otherwise read
as "no objects" and let a clash with live state pass.  A malformed answer is an AnswerError (that
list is one error, exit 2); a malformed item is an ItemProblem (that item is one error, the others
are kept).  Built-in types' list items carry no apiVersion/kind in JSON; when present they must match.
"""

from __future__ import annotations

from .errors import AnswerError, scrub
from .resources import Resource


class ItemProblem(Exception):
    """One object of an answer (or a snapshot) that kongcheck cannot use; ``path`` locates the field."""

    def __init__(self, problem: str, path: tuple = ()) -> None:
        super().__init__(problem)
        self.problem, self.path = problem, path


def type_name(value) -> str:
    """How a problem names the type of a decoded JSON or YAML value."""
    for kind, name in ((bool, "a boolean"), (dict, "a mapping"), (list, "a list"), (str, "text"),
                       ((int, float), "a number")):
        if isinstance(value, kind):
            return name
    return "null" if value is None else type(value).__name__


def _status(body: dict, what: str) -> AnswerError:
    reason = body.get("reason") if isinstance(body.get("reason"), str) else "?"
    message = body.get("message") if isinstance(body.get("message"), str) else ""
    said = f": {scrub(' '.join(message.split()))}" if message else ""
    return AnswerError(f"the API server answered {what} with a Status object ({reason}) instead of the "
                        f"objects{said}")


def list_page(page, resource: Resource, what: str) -> tuple[list, str | None]:
    """(items, continue token) of one LIST page, or an AnswerError if it is not a list of ``resource``."""
    if not isinstance(page, dict):
        raise AnswerError(f"the API server answered {what} with {type_name(page)}, not a {resource.kind}List")
    if page.get("kind") == "Status":
        raise _status(page, what)
    kind, api_version = page.get("kind"), page.get("apiVersion")
    if kind != f"{resource.kind}List" or api_version != resource.api_version:
        raise AnswerError(f"the API server answered {what} with kind {_text(kind)} and apiVersion "
                           f"{_text(api_version)}, not {resource.kind}List {resource.api_version}; kongcheck "
                           "reads nothing from such an answer")
    meta = page.get("metadata", {})
    if not isinstance(meta, dict):
        raise AnswerError(f"the API server answered {what} with metadata that is {type_name(meta)}, not a mapping")
    if "items" not in page or not isinstance(page["items"], (list, type(None))):
        raise AnswerError(f"the API server answered {what} with a {resource.kind}List whose items are "
                           f"{type_name(page.get('items')) if 'items' in page else 'missing'}, not a list")
    token = meta.get("continue")
    if token not in (None, "") and not isinstance(token, str):
        raise AnswerError(f"the API server answered {what} with a continue token that is {type_name(token)}")
    return page["items"] or [], token or None


def _text(value) -> str:
    return repr(value) if isinstance(value, str) else type_name(value)


def _typed(item: dict, resource: Resource, required: bool) -> None:
    for key, wanted in (("kind", resource.kind), ("apiVersion", resource.api_version)):
        if key in item or required:
            if item.get(key) != wanted:
                raise ItemProblem(f"{key} is {_text(item.get(key))}, not {wanted!r}", (key,))


def _scoped(item: dict, resource: Resource, namespace: str | None) -> None:
    meta = item.get("metadata")
    if not isinstance(meta, dict):
        raise ItemProblem(f"metadata is {type_name(meta)}, not a mapping", ("metadata",))
    found = meta.get("namespace")
    if resource.namespaced:
        if not isinstance(found, str) or not found or (namespace is not None and found != namespace):
            want = f"namespace {namespace!r}" if namespace else "a namespace"
            raise ItemProblem(f"metadata.namespace is {_text(found)}, not {want}", ("metadata", "namespace"))
    elif found not in (None, ""):
        raise ItemProblem(f"a cluster-scoped {resource.kind} has metadata.namespace {_text(found)}",
                          ("metadata", "namespace"))


def list_item(item, resource: Resource, namespace: str | None, label: str | None) -> None:
    """Raise ItemProblem unless ``item`` is an object of ``resource`` in the listed scope."""
    if not isinstance(item, dict):
        raise ItemProblem(f"the item is {type_name(item)}, not a mapping")
    _typed(item, resource, required=False)
    _scoped(item, resource, namespace)
    labels = item["metadata"].get("labels")
    if label and not selected(labels, label):
        raise ItemProblem(f"the item lacks the label {label} the list was asked for", ("metadata", "labels"))


def selected(labels, selector: str) -> bool:
    """Whether ``labels`` match a selector of one requirement: ``key`` (exists) or ``key=value``."""
    key, equals, value = selector.partition("=")
    return isinstance(labels, dict) and key in labels and (not equals or labels[key] == value)


def single_object(obj, resource: Resource, namespace: str | None, name: str) -> None:
    """Raise ItemProblem unless ``obj`` is the object a GET of ``name`` asked for."""
    if not isinstance(obj, dict):
        raise ItemProblem(f"the answer is {type_name(obj)}, not a mapping")
    if obj.get("kind") == "Status":
        raise ItemProblem("the answer is a Status object, not the object")
    _typed(obj, resource, required=True)
    _scoped(obj, resource, namespace)
    if obj["metadata"].get("name") != name:
        raise ItemProblem(f"metadata.name is {_text(obj['metadata'].get('name'))}, not {name!r}",
                          ("metadata", "name"))
