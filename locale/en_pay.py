"""English for payments: the Toss Payments widget, return URLs and webhook, retries of one checkout, and the demo
provider's limits. Loaded by locale/fill_en.py."""

TRANSLATIONS: dict[str | tuple[str, str], str | tuple[str, str]] = {
    # shop: payment model fields
    "입금 알림 확인 값": "Deposit notice check value",
    "부분 환불한 금액(원)": "Partly refunded (KRW)",
    "결제 대행 확인 필요": "Needs checking with the payment provider",
    # shop: checkout retries and the demo provider
    "이미 처리 중인 주문이에요. 잠시 후 주문 내역에서 확인해 주세요.": "This order is already being processed. Please check your orders in a moment.",
    "결제 결과는 데모 결제에서만 고를 수 있어요. demo_outcome 없이 보내 주세요.": "A payment outcome can only be chosen with demo payments. Please send the request without demo_outcome.",
    "결제 결과는 데모 결제에서만 고를 수 있어요.": "A payment outcome can only be chosen with demo payments.",
    "결제창을 열려면 자바스크립트가 필요해요. 브라우저에서 자바스크립트를 켜고 새로고침해 주세요.": "The payment window needs JavaScript. Please turn JavaScript on in your browser and reload the page.",
    # shop: Toss Payments
    "결제가 승인되지 않았어요. 다른 결제 수단으로 다시 시도해 주세요.": "The payment was not approved. Please try again with another payment method.",
    "결제할 주문을 찾지 못했어요. 주문 내역에서 확인해 주세요.": "We couldn't find the order to pay. Please check your orders.",
    "결제 금액이 주문 금액과 달라서 주문을 취소했어요. 장바구니에서 다시 주문해 주세요.": "The amount paid didn't match the order, so we cancelled the order. Please order again from your cart.",
    "이미 다른 결제로 진행 중인 주문이에요. 주문 내역에서 확인해 주세요.": "This order is already being paid another way. Please check your orders.",
    "결제 확인이 늦어지고 있어요. 돈이 두 번 나가지는 않으니, 잠시 후 주문 내역에서 결제 상태를 확인해 주세요.": "Confirming your payment is taking longer than usual. You won't be charged twice; please check the payment status in your orders in a moment.",
    "확인할 수 없는 입금 알림이에요.": "We couldn't verify this deposit notice.",
    "환불할 수 있는 금액보다 커요.": "That is more than can be refunded.",
    "환불하지 못했어요: {reason}": "We couldn't refund it: {reason}",
    "%(name)s 외 %(count)d건": "%(name)s and %(count)d more",
    "결제 정보를 읽지 못했어요. 주문 내역에서 결제 상태를 확인해 주세요.": "We couldn't read the payment details. Please check the payment status in your orders.",
    "결제를 취소했어요. 장바구니의 상품은 그대로 있어요.": "You cancelled the payment. The items are still in your cart.",
    "결제를 마치지 못했어요. 잠시 후 다시 시도하거나 다른 결제 수단을 골라 주세요.": "The payment didn't go through. Please try again in a moment or choose another payment method.",
    "토스페이먼츠 결제창을 불러오고 있어요…": "Loading the Toss Payments window…",
    "결제창을 불러오지 못했어요. 인터넷 연결을 확인하고 새로고침해 주세요. 주문 내용은 그대로 있어요.": "We couldn't load the payment window. Please check your internet connection and reload the page. Your order details are kept.",
}
