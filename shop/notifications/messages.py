"""The words of each notice.

E-mail: a subject here (gettext, Korean source) and a body template in templates/shop/notifications/.
카카오 알림톡: the template code and text exactly as registered with Kakao (through the sending provider). 알림톡 only
delivers a message whose text equals a reviewed template with its #{variables} filled in, so these texts are
fixed Korean and NOT translated: changing one means registering the new text and its code first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from shop.models import NotificationEvent

EMAIL_SUBJECTS = {
    NotificationEvent.ORDER_PLACED: _(
        "[동네가게] 주문이 접수됐어요. 입금해 주시면 바로 준비할게요 (주문 {order_number})"
    ),
    NotificationEvent.ORDER_PAID: _("[동네가게] 결제가 끝났어요 (주문 {order_number})"),
    NotificationEvent.ORDER_SHIPPED: _("[동네가게] 주문하신 상품이 출발했어요 (주문 {order_number})"),
    NotificationEvent.ORDER_DELIVERED: _("[동네가게] 배송이 끝났어요 (주문 {order_number})"),
    NotificationEvent.ORDER_REFUNDED: _("[동네가게] 환불이 끝났어요 (주문 {order_number})"),
    NotificationEvent.SUBSCRIPTION_REMINDER: _("[동네가게] 내일 {product_name} 정기배송이 있어요"),
    NotificationEvent.SUBSCRIPTION_PAYMENT_FAILED: _("[동네가게] {product_name} 정기배송 결제가 되지 않았어요"),
}


# 알림톡 variable (as registered) -> the notice variable that fills it.
ALIMTALK_VARIABLES = {
    "고객명": "nickname",
    "주문번호": "order_number",
    "상품명": "items",
    "결제금액": "total",
    "입금계좌": "deposit_account",
    "입금기한": "deposit_deadline",
    "택배사": "carrier",
    "운송장번호": "tracking_number",
    "배송조회링크": "tracking_url",
    "주문링크": "link",
    "배송일": "due_date",
    "수량": "quantity",
}
_VARIABLE_RE = re.compile(r"#\{([^}]+)\}")


@dataclass(frozen=True)
class AlimtalkTemplate:
    code: str
    text: str

    def variable_names(self) -> list[str]:
        return _VARIABLE_RE.findall(self.text)

    def parameters(self, variables: dict[str, str]) -> dict[str, str]:
        """The template's #{variables} filled from the notice (the provider substitutes them)."""
        return {name: variables.get(ALIMTALK_VARIABLES[name], "") or "-" for name in self.variable_names()}

    def render(self, variables: dict[str, str]) -> str:
        parameters = self.parameters(variables)
        return _VARIABLE_RE.sub(lambda match: parameters[match.group(1)], self.text)


ALIMTALK_TEMPLATES = {
    NotificationEvent.ORDER_PLACED: AlimtalkTemplate(
        "DG_ORDER_PLACED_01",
        "[동네가게] 주문 접수 안내\n#{고객명}님, 주문이 접수됐어요.\n\n주문번호: #{주문번호}\n상품: #{상품명}\n"
        "입금하실 금액: #{결제금액}\n입금 계좌: #{입금계좌}\n입금 기한: #{입금기한}\n\n"
        "입금이 확인되면 바로 준비해 보내 드릴게요.\n주문 상세: #{주문링크}",
    ),
    NotificationEvent.ORDER_PAID: AlimtalkTemplate(
        "DG_ORDER_PAID_01",
        "[동네가게] 결제 완료 안내\n#{고객명}님, 결제가 끝났어요.\n\n주문번호: #{주문번호}\n상품: #{상품명}\n"
        "결제 금액: #{결제금액}\n\n정성껏 준비해서 보내 드릴게요.\n주문 상세: #{주문링크}",
    ),
    NotificationEvent.ORDER_SHIPPED: AlimtalkTemplate(
        "DG_ORDER_SHIPPED_01",
        "[동네가게] 배송 시작 안내\n#{고객명}님, 주문하신 상품이 출발했어요.\n\n주문번호: #{주문번호}\n상품: #{상품명}\n"
        "택배사: #{택배사}\n운송장 번호: #{운송장번호}\n\n배송 조회: #{배송조회링크}",
    ),
    NotificationEvent.ORDER_DELIVERED: AlimtalkTemplate(
        "DG_ORDER_DELIVERED_01",
        "[동네가게] 배송 완료 안내\n#{고객명}님, 주문하신 상품이 도착했어요.\n\n주문번호: #{주문번호}\n상품: #{상품명}\n\n"
        "받으신 상품에 문제가 있으면 주문 상세에서 알려 주세요.\n주문 상세: #{주문링크}",
    ),
    NotificationEvent.ORDER_REFUNDED: AlimtalkTemplate(
        "DG_ORDER_REFUNDED_01",
        "[동네가게] 환불 완료 안내\n#{고객명}님, 환불이 끝났어요.\n\n주문번호: #{주문번호}\n환불 금액: #{결제금액}\n\n"
        "카드 결제는 카드사 사정에 따라 3~7일 안에 취소돼요.\n주문 상세: #{주문링크}",
    ),
    NotificationEvent.SUBSCRIPTION_REMINDER: AlimtalkTemplate(
        "DG_SUBSCRIPTION_REMIND_01",
        "[동네가게] 정기배송 안내\n#{고객명}님, 내일(#{배송일}) #{상품명} #{수량}개 정기배송이 있어요.\n\n"
        "건너뛰거나 주기를 바꾸려면 오늘 안에 알려 주세요.\n정기배송 관리: #{주문링크}",
    ),
    NotificationEvent.SUBSCRIPTION_PAYMENT_FAILED: AlimtalkTemplate(
        "DG_SUBSCRIPTION_PAYFAIL_01",
        "[동네가게] 정기배송 결제 실패 안내\n#{고객명}님, #{배송일} #{상품명} 정기배송을 결제하지 못해 이번 배송은 "
        "보내 드리지 못했어요.\n\n카드 한도나 유효기간을 확인하거나 카드를 바꿔 주세요.\n정기배송 관리: #{주문링크}",
    ),
}
