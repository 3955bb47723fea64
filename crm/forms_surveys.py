"""The survey editor: title, intro, the segment asked, and a list of questions the editor grows and shrinks (a
formset: the page adds a row from the formset's empty form and removes one by ticking its DELETE box; an empty
prompt leaves a row out). The service validates the questions again (crm.services.surveys._questions_clean)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.models import SurveyQuestion
from crm.services.surveys import MAX_QUESTIONS, QuestionSpec

QUESTIONS_PREFIX = "q"


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


class QuestionForm(forms.Form):
    prompt = forms.CharField(label=_("질문"), max_length=200, required=False)
    kind = forms.ChoiceField(
        label=_("질문 종류"), choices=SurveyQuestion.Kind.choices, initial=SurveyQuestion.Kind.SINGLE
    )
    choices = forms.CharField(label=_("보기 (한 줄에 하나)"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    purpose = forms.CharField(required=False, widget=forms.HiddenInput)
    required = forms.BooleanField(label=_("꼭 답해야 해요"), required=False, initial=True)


class BaseQuestionFormSet(forms.BaseFormSet):
    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        form.fields[forms.formsets.DELETION_FIELD_NAME].label = _("이 질문 빼기")

    def question_specs(self) -> list[QuestionSpec]:
        """The questions kept (not removed, prompt written), in the editor's order."""
        purposes = set(SurveyQuestion.Purpose.values)
        specs = []
        for form in self.forms:
            data = form.cleaned_data
            if not data.get("prompt") or data.get(forms.formsets.DELETION_FIELD_NAME):
                continue
            purpose = data.get("purpose") or ""
            specs.append(
                QuestionSpec(
                    kind=data.get("kind") or SurveyQuestion.Kind.SINGLE,
                    prompt=data["prompt"],
                    choices=tuple((data.get("choices") or "").splitlines()),
                    purpose=purpose if purpose in purposes else "",
                    required=bool(data.get("required")),
                )
            )
        return specs


# One row to start with; the page adds rows up to MAX_QUESTIONS (the service refuses more). A forged count is
# capped by absolute_max, so a request cannot make the server build thousands of forms.
QuestionFormSet = forms.formset_factory(
    QuestionForm,
    formset=BaseQuestionFormSet,
    extra=0,
    min_num=1,
    max_num=MAX_QUESTIONS,
    absolute_max=MAX_QUESTIONS * 4,
    can_delete=True,
)


def question_formset(*, data: Any = None, questions: list[QuestionSpec] | None = None) -> BaseQuestionFormSet:
    """The editor's question rows: bound to a POST, or filled from a template's questions, or one empty row."""
    initial = [
        {
            "kind": spec.kind,
            "prompt": spec.prompt,
            "choices": "\n".join(spec.choices),
            "purpose": spec.purpose,
            "required": spec.required,
        }
        for spec in questions or []
    ]
    return QuestionFormSet(data, initial=initial or None, prefix=QUESTIONS_PREFIX)
