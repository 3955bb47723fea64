"""The survey editor: title, intro, the segment asked, and a few question slots (an empty prompt leaves a slot out)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.models import SurveyQuestion
from crm.services.surveys import QuestionSpec

QUESTION_SLOTS = 4


class SurveyForm(forms.Form):
    title = forms.CharField(label=_("설문 제목"), max_length=80)
    intro = forms.CharField(
        label=_("안내 문구"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("예: 두 번만 누르면 끝나요.")}),
    )
    segment = forms.TypedChoiceField(label=_("물어볼 세그먼트"), coerce=int)
    essential = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, segments: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["segment"].choices = segments
        for slot in range(1, QUESTION_SLOTS + 1):
            self.fields[f"q{slot}_kind"] = forms.ChoiceField(
                label=_("질문 종류"), choices=SurveyQuestion.Kind.choices, initial=SurveyQuestion.Kind.SINGLE
            )
            self.fields[f"q{slot}_prompt"] = forms.CharField(label=_("질문"), max_length=200, required=False)
            self.fields[f"q{slot}_choices"] = forms.CharField(
                label=_("보기 (한 줄에 하나)"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 5}),
            )
            self.fields[f"q{slot}_purpose"] = forms.CharField(required=False, widget=forms.HiddenInput)
            self.fields[f"q{slot}_required"] = forms.BooleanField(label=_("꼭 답해야 해요"), required=False)

    def slots(self) -> list[dict[str, Any]]:
        """The question slots' bound fields, for the template."""
        return [
            {
                "number": slot,
                "kind": self[f"q{slot}_kind"],
                "prompt": self[f"q{slot}_prompt"],
                "choices": self[f"q{slot}_choices"],
                "purpose": self[f"q{slot}_purpose"],
                "required": self[f"q{slot}_required"],
            }
            for slot in range(1, QUESTION_SLOTS + 1)
        ]

    def question_specs(self) -> list[QuestionSpec]:
        data = self.cleaned_data
        purposes = set(SurveyQuestion.Purpose.values)
        specs = []
        for slot in range(1, QUESTION_SLOTS + 1):
            purpose = data.get(f"q{slot}_purpose") or ""
            specs.append(
                QuestionSpec(
                    kind=data.get(f"q{slot}_kind") or SurveyQuestion.Kind.SINGLE,
                    prompt=data.get(f"q{slot}_prompt") or "",
                    choices=tuple((data.get(f"q{slot}_choices") or "").splitlines()),
                    purpose=purpose if purpose in purposes else "",
                    required=bool(data.get(f"q{slot}_required")),
                )
            )
        return specs


def survey_initial(*, title: str, intro: str, questions: list[QuestionSpec], essential: int | None) -> dict:
    initial: dict[str, Any] = {"title": title, "intro": intro, "essential": essential}
    for slot, spec in enumerate(questions[:QUESTION_SLOTS], start=1):
        initial[f"q{slot}_kind"] = spec.kind
        initial[f"q{slot}_prompt"] = spec.prompt
        initial[f"q{slot}_choices"] = "\n".join(spec.choices)
        initial[f"q{slot}_purpose"] = spec.purpose
        initial[f"q{slot}_required"] = spec.required
    return initial
