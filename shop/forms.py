"""Shopper forms that are more than a button: the refund account a virtual account's refund needs."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from shop.models import BANK_CHOICES


class RefundAccountForm(forms.Form):
    bank_code = forms.ChoiceField(label=_("은행"), choices=[("", _("은행 선택")), *BANK_CHOICES])
    account_number = forms.CharField(
        label=_("계좌 번호"),
        max_length=24,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "placeholder": "110-123-456789"}),
    )
    holder_name = forms.CharField(label=_("예금주"), max_length=60)
