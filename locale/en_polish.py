"""English for the polish branch: the shared image pipeline, history notes as codes, the strings of the English UI
that still showed Korean (with pgettext contexts for ambiguous words), the subscription address page and the
category placeholders. Loaded by locale/fill_en.py."""

TRANSLATIONS: dict[str | tuple[str, str], str | tuple[str, str]] = {
    # uploads: the shared image pipeline
    "표시 준비됨": "Ready to show",
    "표시용 크기": "Display sizes",
    # shop: order-history and points notes (codes rendered in the reader's language)
    "메모 코드": "Note code",
    "메모 값": "Note values",
    "내용 코드": "Note code",
    "내용 값": "Note values",
    "주문 접수": "Order placed",
    "카드 결제 승인": "Card payment approved",
    "무통장 입금 확인": "Bank transfer received",
    "결제 거절: 예약한 재고를 되돌렸어요": "Payment declined: the reserved stock was released",
    "고객 요청으로 취소": "Cancelled at the customer's request",
    "관리자 취소": "Cancelled by staff",
    "결제가 확인되지 않아 자동 취소": "Cancelled automatically: no payment arrived",
    "반품 환불": "Returned and refunded",
    "결제 금액 불일치로 자동 취소": "Cancelled automatically: the paid amount did not match",
    "결제창에서 결제를 마치지 않아 취소": "Cancelled: payment was not completed in the payment window",
    "결제 대행사에서 결제가 취소됨": "Cancelled by the payment provider",
    "토스페이먼츠에서 결제가 취소됨": "Cancelled at Toss Payments",
    "{carrier} 운송장 {number}": "{carrier} waybill {number}",
    "가입 축하 적립금": "Welcome points",
    ("brand name", "동네가게"): "Donggeu",
    # pgettext: words whose English depends on where they stand
    ("button", "취소"): "Cancel",
    ("condition builder", "다음"): "Of the following,",
    ("date range end", "까지"): "To",
    ("segmentation run", "구간"): "Ranges",
    ("segmentation run kind", "전체"): "Full run",
    ("household supply", "넉넉해요"): "Plenty left",
    ("stock", "넉넉해요"): "In stock",
    ("button", "장바구니"): "Add to cart",
    # shop: the subscription address page
    "정기배송 배송지 바꾸기": "Change the subscription address",
    "배송지 바꾸기": "Change address",
    "%(name)s 정기배송을 받을 곳을 골라 주세요. 다음 배송부터 바뀌어요.": "Choose where your %(name)s subscription goes. The change applies from the next delivery.",
    "지금 배송지": "Current address",
    "새 배송지는 내 배송지 목록에도 저장돼요.": "A new address is also saved to your address book.",
    "이 배송지로 받기": "Deliver here",
    "배송지를 바꿨어요. 다음 배송부터 새 주소로 보내 드려요.": "Address changed. The next delivery goes to the new address.",
}
