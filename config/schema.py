"""The OpenAPI schema tells every status code an operation can answer, for every app's API at once.

DRF and config.api answer some errors for any view, whatever the view declares: 400 for a request that fails
validation (body, filters, page number), 403 without credentials or CSRF token, 404 for an unknown object (in the
path or named in the body), a page past the end or a path that matches no view, 415 for a body in a media type the
view does not parse, 429 from a throttle. `AutoSchema` adds each of these to an operation that can produce it, as
`{"detail": ...}` (ApiError), unless the view documented that code itself, so new endpoints are described honestly without repeating the list.

Request bodies are documented as JSON for views on the default parsers: the API is a JSON API (the browsable
form parsers stay on for the browser's convenience), and a form cannot say `null`.
"""

from typing import Any

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import serializers
from rest_framework.parsers import JSONParser
from rest_framework.settings import api_settings

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class ApiErrorSerializer(serializers.Serializer):
    """Every API error: a message to show (`detail`), a machine code where there is one, field errors on 400."""

    detail = serializers.CharField()
    code = serializers.CharField(required=False)
    errors = serializers.DictField(required=False, child=serializers.JSONField())

    class Meta:
        ref_name = "ApiError"


class AutoSchema(SpectacularAutoSchema):
    def map_parsers(self) -> list[Any]:
        if list(self.view.parser_classes) == list(api_settings.DEFAULT_PARSER_CLASSES):
            return [JSONParser.media_type]
        return super().map_parsers()

    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        self._filters_take_a_value(operation)
        responses = operation["responses"]
        for code in self._error_codes(operation):
            if code not in responses:
                responses[code] = self._get_response_for_code(ApiErrorSerializer, code)
        return operation

    def _filters_take_a_value(self, operation: dict[str, Any]) -> None:
        """config.api.StrictFilterBackend refuses an empty filter: a text filter's schema says minLength 1."""
        from config.api import StrictFilterBackend

        if not any(issubclass(backend, StrictFilterBackend) for backend in getattr(self.view, "filter_backends", ())):
            return
        filterset_class = getattr(self.view, "filterset_class", None)
        names = (
            set(filterset_class.base_filters) if filterset_class else set(getattr(self.view, "filterset_fields", ()))
        )
        for parameter in operation.get("parameters", []):
            schema = parameter.get("schema", {})
            if parameter["in"] == "query" and parameter["name"] in names and schema.get("type") == "string":
                schema.setdefault("minLength", 1)

    def _error_codes(self, operation: dict[str, Any]) -> list[str]:
        parameters = operation.get("parameters", [])
        has_body = "requestBody" in operation or self.method in {"POST", "PUT", "PATCH"}
        codes = []
        if has_body or any(p["in"] == "query" for p in parameters):
            codes.append("400")
        if self.method in UNSAFE_METHODS or {} not in operation.get("security", [{}]):
            codes.append("403")
        if has_body or any(p["in"] == "path" or p["name"] == "page" for p in parameters):
            codes.append("404")
        if has_body:
            codes.append("415")
        if self.view.get_throttles():
            codes.append("429")
        return codes
