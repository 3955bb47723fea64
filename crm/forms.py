"""Back-office forms: the segment editor, the lifecycle thresholds and the audit log's filters."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from config.errors import DomainError
from crm.models import AuditLog, LifecycleThresholds, Segment
from crm.services.conditions import conditions_clean
from crm.services.thresholds import THRESHOLD_FIELDS

DEFINITION_NOT_JSON = _("조건을 읽을 수 없어요. 조건을 다시 골라 주세요.")
DEFINITION_NOT_OBJECT = _("조건 형식이 올바르지 않아요. 조건을 다시 골라 주세요.")


def definition_parse(raw: str | None) -> dict[str, Any]:
    """The editor's JSON text as a dict; raises forms.ValidationError with a Korean message when it is not one."""
    try:
        value = json.loads(raw or "")
    except (TypeError, ValueError) as exc:
        raise forms.ValidationError(DEFINITION_NOT_JSON, code="definition_json") from exc
    if not isinstance(value, dict):
        raise forms.ValidationError(DEFINITION_NOT_OBJECT, code="definition_shape")
    return value


def definition_validate(raw: str | None) -> dict[str, Any]:
    """Parse and validate with the engine's rules; the cleaned definition, or forms.ValidationError."""
    value = definition_parse(raw)
    try:
        return conditions_clean(value)
    except DomainError as exc:
        raise forms.ValidationError(exc.message, code="definition_invalid") from exc


class SegmentForm(forms.Form):
    """Name, description and the condition tree (as JSON: the builder script writes it; without the script people
    can still type it, and the server validates it either way)."""

    name = forms.CharField(
        label=_("세그먼트 이름"),
        max_length=Segment._meta.get_field("name").max_length,
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": _("예: 세제 떨어질 때 된 단골")}),
    )
    description = forms.CharField(
        label=_("설명"),
        max_length=Segment._meta.get_field("description").max_length,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("팀원들이 알아보기 쉽게 한 줄로 적어 주세요")}),
    )
    definition = forms.CharField(
        label=_("조건 (JSON)"),
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false", "class": "crm-json"}),
        error_messages={"required": _("조건을 하나 이상 골라 주세요.")},
    )
    is_active = forms.BooleanField(label=_("사용 중"), required=False, initial=True)

    def clean_definition(self) -> dict[str, Any]:
        return definition_validate(self.cleaned_data.get("definition"))


class LifecycleThresholdsForm(forms.ModelForm):
    class Meta:
        model = LifecycleThresholds
        fields = THRESHOLD_FIELDS
        widgets = {name: forms.NumberInput(attrs={"class": "num", "inputmode": "numeric"}) for name in THRESHOLD_FIELDS}


class AuditFilterForm(forms.Form):
    actor = forms.CharField(
        label=_("본 사람"), required=False, max_length=150, widget=forms.TextInput(attrs={"placeholder": _("아이디")})
    )
    action = forms.ChoiceField(label=_("한 일"), required=False, choices=[("", _("모두")), *AuditLog.Action.choices])
    customer = forms.CharField(
        label=_("고객"),
        required=False,
        max_length=150,
        widget=forms.TextInput(attrs={"placeholder": _("아이디 또는 번호")}),
    )
    date_from = forms.DateField(label=_("부터"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(
        label=pgettext_lazy("date range end", "까지"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("끝나는 날은 시작하는 날보다 뒤여야 해요."))
        return data


class CampaignForm(forms.Form):
    """The campaign editor. Segments and coupons are limited to the team's own segments and active coupon rules by
    the view (`segment_choices`, `coupon_choices`); the service checks the segment again."""

    segment = forms.TypedChoiceField(label=_("보낼 세그먼트"), coerce=int)
    title = forms.CharField(label=_("제목"), max_length=60)
    body = forms.CharField(
        label=_("메시지"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("{nickname} 을 쓰면 고객의 닉네임이 들어가요."),
    )
    link = forms.CharField(label=_("링크 (선택)"), max_length=300, required=False, help_text=_("예: /c/detergent/"))
    coupon_rule = forms.TypedChoiceField(
        label=_("받을 수 있는 쿠폰 (선택)"), coerce=int, required=False, empty_value=None
    )
    is_promotional = forms.BooleanField(
        label=_("광고성 메시지예요"),
        required=False,
        initial=True,
        help_text=_("할인·쿠폰·상품 소개는 광고예요. 수신 동의한 분께만, 밤 9시~아침 8시에는 야간 동의한 분께만 가요."),
    )
    control_percent = forms.IntegerField(
        label=_("대조군 비율(%)"),
        min_value=0,
        max_value=50,
        initial=10,
        help_text=_("무작위로 골라 보내지 않고, 효과를 비교하는 데 써요."),
    )
    scheduled_at = forms.DateTimeField(
        label=_("예약 보내기 (선택)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "class": "input"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("비워 두면 바로 보내요."),
    )

    def __init__(
        self, *args: Any, segment_choices: list[tuple[int, str]], coupon_choices: list[tuple[int, str]], **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.fields["segment"].choices = [("", _("세그먼트를 골라 주세요")), *segment_choices]
        self.fields["coupon_rule"].choices = [("", _("쿠폰 없이")), *coupon_choices]
