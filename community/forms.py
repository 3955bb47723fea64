"""Forms of the 동네생활 pages (board posts, comments, local stores and their reviews)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from community.models import BoardPost, LocalStore, Neighbourhood
from community.services.boards import BODY_MAX, COMMENT_MAX, TITLE_MAX


class PostForm(forms.Form):
    topic = forms.ChoiceField(label=gettext_lazy("주제"), choices=BoardPost.Topic.choices, widget=forms.RadioSelect)
    title = forms.CharField(
        label=gettext_lazy("제목"),
        max_length=TITLE_MAX,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("이웃에게 어떤 이야기를 들려줄까요?")}),
    )
    body = forms.CharField(
        label=gettext_lazy("내용"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 8, "placeholder": gettext_lazy("우리 동네 이야기를 편하게 적어 주세요.")}),
    )
    local_store = forms.ModelChoiceField(
        label=gettext_lazy("추천하는 가게 (선택)"), queryset=LocalStore.objects.none(), required=False
    )

    def __init__(self, *args, neighbourhood: Neighbourhood, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["local_store"].queryset = LocalStore.objects.filter(
            neighbourhood=neighbourhood, is_hidden=False
        ).order_by("name")
        self.fields["local_store"].empty_label = _("고르지 않을게요")


class CommentForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("댓글"),
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": gettext_lazy("따뜻한 댓글을 남겨 주세요.")}),
    )


class LocalStoreForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("가게 이름"), max_length=60)
    kind = forms.ChoiceField(label=gettext_lazy("업종"), choices=LocalStore.Kind.choices)
    address = forms.CharField(
        label=gettext_lazy("주소"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("예) 망원로 12, 1층")}),
    )
    hours = forms.CharField(
        label=gettext_lazy("영업시간"),
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("예) 매일 08:00~21:00, 월요일 휴무")}),
    )
    introduction = forms.CharField(label=gettext_lazy("한 줄 소개"), max_length=200, required=False)


class StoreReviewForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=gettext_lazy("별점"),
        choices=[(5, "★★★★★"), (4, "★★★★☆"), (3, "★★★☆☆"), (2, "★★☆☆☆"), (1, "★☆☆☆☆")],
        coerce=int,
        widget=forms.RadioSelect,
        initial=5,
    )
    body = forms.CharField(
        label=gettext_lazy("후기"),
        max_length=1000,
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": gettext_lazy("이 가게의 좋은 점을 이웃에게 알려 주세요.")}
        ),
    )
