from urllib.parse import urlencode

from django import template

from directory.text import safe_web_url

register = template.Library()


def _params(request):
    return {key: request.GET.getlist(key) for key in request.GET}


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced (None removes one)."""
    params = _params(context["request"])
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = [str(value)]
    return "?" + urlencode(params, doseq=True) if params else "?"


@register.simple_tag(takes_context=True)
def query_without(context, name, value):
    """The current query string without one selected filter value (and back on page 1)."""
    params = _params(context["request"])
    params[name] = [v for v in params.get(name, []) if v != value]
    params.pop("page", None)
    params = {k: v for k, v in params.items() if v}
    return "?" + urlencode(params, doseq=True) if params else "?"


@register.filter
def get_item(mapping, key):
    """mapping[key], or None: for dictionaries keyed by entry ids in templates."""
    if not mapping:
        return None
    return mapping.get(key)


@register.filter
def web_url(value) -> str:
    """An address from entry data as an href or src: a web address (http or https) or nothing.
    The models refuse anything else; this holds even for a row written before they did."""
    return safe_web_url(value)
