"""English for the API contract (JSON 404) and the brute-force limits on log-in, sign-up, password reset and
coupon codes. Loaded by locale/fill_en.py."""

TRANSLATIONS: dict[str | tuple[str, str], str | tuple[str, str]] = {
    "이 조건은 한 번만 보낼 수 있어요.": "Send this filter only once.",
    "조건 값이 비어 있어요. 값을 넣거나 조건을 빼 주세요.": "This filter is empty. Give it a value or leave it out.",
    "찾는 주소가 없어요.": "There's nothing at this address.",
    "시도가 너무 많아요. 보안을 위해 {wait} 뒤에 다시 시도해 주세요.": (
        "Too many attempts. To keep your account safe, please try again in {wait}."
    ),
}
