"""``domain_errors``: the one place where a page view turns domain errors into HTTP answers.

Access functions and services raise ``NotFound``, ``Forbidden`` and ``Invalid`` with a reason a
person can act on; pages answer 404, 403 and 400 with that reason, so views need no
hand-written ``try``/``except`` blocks. (The API and the WebSocket have their own handlers in
``api/errors.py`` and the consumer, with the same codes.)
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render

from peerassist.core.errors import Forbidden, Invalid, NotFound

V = TypeVar("V", bound=Callable[..., HttpResponseBase])


def domain_errors(view: V) -> V:
    """NotFound is a 404 page, Forbidden a 403 with its reason, Invalid a 400 with its message.

    Forms catch ``Invalid`` themselves to show it beside the field; this is the safety net for
    one-click buttons. Sign-in is a separate concern: stack ``login_required`` outside.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except NotFound as error:
            raise Http404(error.detail) from None
        except Forbidden as error:
            raise PermissionDenied(error.detail) from None
        except Invalid as error:
            messages.error(request, error.detail)
            return render(request, "core/400.html", status=400)

    return wrapped  # type: ignore[return-value]
