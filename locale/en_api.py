"""English for the API contract (JSON 404) and the brute-force limits on log-in, sign-up, password reset and
coupon codes. Loaded by locale/fill_en.py."""

TRANSLATIONS: dict[str | tuple[str, str], str | tuple[str, str]] = {
    "찾는 주소가 없어요.": "There's nothing at this address.",
    "시도가 너무 많아요. 보안을 위해 {wait} 뒤에 다시 시도해 주세요.": (
        "Too many attempts. To keep your account safe, please try again in {wait}."
    ),
}
