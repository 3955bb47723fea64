from typing import Any

from django.http import HttpRequest

from config import page_context


def mall(request: HttpRequest) -> dict[str, Any]:
    return {"MALL_NAME": "동네가게", **page_context.collect(request)}
