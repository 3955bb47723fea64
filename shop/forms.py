"""Shopper forms that are more than a button: the delivery address that checkout and a 정기배송 share, and the refund
account a virtual account's refund needs."""

from __future__ import annotations

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shop.models import BANK_CHOICES, Address
from shop.services.checkout import ShippingAddress

NEW_ADDRESS = "new"


class AddressChoiceForm(forms.Form):
    """A saved address of the customer's (`address_choice` is its pk), or a new one typed in (우편번호 찾기 fills
    postal code and address1). The fields of a new address are required only when it is the choice."""

    address_choice = forms.CharField(required=False, widget=forms.HiddenInput)
    recipient_name = forms.CharField(label=_("받는 분"), max_length=30, required=False)
    phone = forms.CharField(
        label=_("휴대폰"),
        max_length=20,
        required=False,
        validators=[RegexValidator(r"^01[016789]-?\d{3,4}-?\d{4}$", _("휴대폰 번호를 010-1234-5678처럼 적어 주세요."))],
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel", "placeholder": "010-1234-5678"}),
    )
    postal_code = forms.CharField(
        label=_("우편번호"),
        max_length=5,
        required=False,
        validators=[RegexValidator(r"^\d{5}$", _("우편번호 5자리를 적어 주세요."))],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code", "placeholder": "04524"}),
    )
    address1 = forms.CharField(
        label=_("기본 주소"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-line1", "placeholder": _("도로명 주소")}),
    )
    address2 = forms.CharField(
        label=_("상세 주소"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-line2", "placeholder": _("동·호수")}),
    )
    memo = forms.CharField(
        label=_("배송 메모"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("예: 문 앞에 놓아 주세요")}),
    )

    REQUIRED_FOR_NEW = ("recipient_name", "phone", "postal_code", "address1")

    def __init__(self, *args, addresses: list[Address], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.addresses = {str(address.pk): address for address in addresses}

    def clean(self):
        data = super().clean()
        choice = data.get("address_choice") or NEW_ADDRESS
        if choice != NEW_ADDRESS and choice not in self.addresses:
            self.add_error(None, gettext("배송지를 다시 골라 주세요."))
        if choice == NEW_ADDRESS:
            for name in self.REQUIRED_FOR_NEW:
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, gettext("꼭 적어 주세요."))
        return data

    @property
    def saved_address(self) -> Address | None:
        """The saved address chosen (after is_valid()), or None when a new one was typed in."""
        return self.addresses.get(self.cleaned_data.get("address_choice") or "")

    def typed_address(self) -> ShippingAddress:
        data = self.cleaned_data
        fields = ("recipient_name", "phone", "postal_code", "address1", "address2", "memo")
        return ShippingAddress(**{name: data.get(name, "") for name in fields})


class RefundAccountForm(forms.Form):
    bank_code = forms.ChoiceField(label=_("은행"), choices=[("", _("은행 선택")), *BANK_CHOICES])
    account_number = forms.CharField(
        label=_("계좌 번호"),
        max_length=24,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "placeholder": "110-123-456789"}),
    )
    holder_name = forms.CharField(label=_("예금주"), max_length=60)
