"""Serializer fields that take a JSON body at its word: the schema says boolean or string, so a JSON number there
is refused (400) instead of being read as true/false or as text. Form and query input, which are always text,
is read as DRF reads it."""

from typing import Any

from rest_framework import serializers


class JsonBooleanField(serializers.BooleanField):
    def to_internal_value(self, data: Any) -> bool:
        if isinstance(data, int | float) and not isinstance(data, bool):
            self.fail("invalid", input=data)
        return super().to_internal_value(data)


class JsonCharField(serializers.CharField):
    def to_internal_value(self, data: Any) -> str:
        if isinstance(data, bool | int | float):
            self.fail("invalid")
        return super().to_internal_value(data)
