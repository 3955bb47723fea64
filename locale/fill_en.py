"""Fill English translations into locale/en/LC_MESSAGES/django.po for msgids listed in TRANSLATIONS.

Run after `manage.py makemessages -l en --no-wrap` (the Makefile's `messages` target does both); entries that
already have a translation are left alone, so translators' edits survive. This file holds the foundation's
strings (accounts, shell, mail); every `locale/en_*.py` next to it adds its own `TRANSLATIONS` dict of the same
shape, merged in file-name order (a later file wins on a clash). Keys are msgids, or (msgctxt, msgid) tuples for
pgettext entries; values are the English text, or a (singular, plural) tuple for plural entries.
"""

import importlib.util
import re
import sys
from pathlib import Path

PO = Path(__file__).resolve().parent / "en" / "LC_MESSAGES" / "django.po"

TRANSLATIONS: dict[str | tuple[str, str], str | tuple[str, str]] = {
    # accounts: models, admin, forms
    "회원": "Members",
    "프로필": "Profile",
    "수신 동의와 추천": "Consents and recommendations",
    "권한": "Permissions",
    "주요 일시": "Important dates",
    "구성원": "Members",
    "두 비밀번호가 서로 달라요. 다시 입력해 주세요.": "The two passwords don't match. Please type them again.",
    "(선택) 할인·이벤트 소식 받기": "(Optional) Get news about deals and events",
    "쿠폰과 새 상품 소식을 피드와 알림으로 보내 드려요. 언제든 끌 수 있어요.": "We'll send coupons and new arrivals to your feed and notifications. You can turn this off any time.",
    "(선택) 밤 시간(21시~다음 날 8시)에도 혜택 알림 받기": "(Optional) Also get offers at night (9 pm to 8 am)",
    "할인·이벤트 소식 받기에 동의한 경우에만 받을 수 있어요.": "Only available if you agree to get news about deals and events.",
    "아이디": "Username",
    "영문, 숫자와 @ . + - _ 를 쓸 수 있어요.": "Letters, digits and @ . + - _ only.",
    "닉네임": "Nickname",
    "인사말과 리뷰에 보여요.": "Shown in greetings and reviews.",
    "이메일": "Email",
    "비밀번호를 잊었을 때 이 주소로 안내해 드려요.": "We'll use it if you ever forget your password.",
    "비밀번호": "Password",
    "비밀번호 확인": "Confirm password",
    "생년월일 (선택)": "Date of birth (optional)",
    "생일에 작은 선물을 챙겨 드려요.": "We'll have a little gift ready on your birthday.",
    "(필수) 이용약관과 개인정보 수집·이용에 동의해요": "(Required) I agree to the terms of use and the collection and use of personal data",
    "필수 약관에 동의해야 가입할 수 있어요.": "Please agree to the required terms to sign up.",
    "아이디 또는 비밀번호가 맞지 않아요. 다시 확인해 주세요.": "The username or password is not right. Please check and try again.",
    "쉬고 있는 계정이에요. 고객센터로 문의해 주세요.": "This account is inactive. Please contact customer service.",
    "생년월일": "Date of birth",
    "성별": "Gender",
    "선택 안 함": "Prefer not to say",
    "휴대폰 번호": "Mobile number",
    "배송 연락에만 써요.": "Used only to contact you about deliveries.",
    "둘러본 상품을 바탕으로 한 추천 끄기": "Turn off recommendations based on what I browse",
    "켜 두면 둘러본 기록을 추천에 쓰지 않고, 새로 모으지도 않아요.": "When on, we neither use nor collect your browsing history for recommendations.",
    "가구 이름": "Household name",
    "예: 망원동 우리 집": "e.g. Our home in Mangwon",
    "함께 사는 사람 수": "People living together",
    "아이가 있어요": "We have children",
    "반려동물이 있어요": "We have pets",
    "초대 코드": "Invite code",
    "가족에게 받은 8자리 코드를 입력해 주세요.": "Enter the 8-character code your family gave you.",
    "가구원 수": "Household size",
    "만든 때": "Created",
    "가구": "Household",
    "여성": "Female",
    "남성": "Male",
    "기타": "Other",
    "마케팅 수신 동의 일시": "Marketing consent given at",
    "야간(21시~8시) 마케팅 수신 동의 일시": "Night-time (9 pm-8 am) marketing consent given at",
    "행동 기반 추천 끄기": "Behaviour-based recommendations off",
    # accounts: services (errors)
    "이미 쓰고 있는 아이디예요. 다른 아이디를 골라 주세요.": "That username is taken. Please choose another one.",
    "이미 가입된 이메일이에요. 로그인하거나 비밀번호를 찾아 주세요.": "This email is already registered. Please log in or reset your password.",
    "닉네임을 입력해 주세요.": "Please enter a nickname.",
    "야간 혜택 알림은 마케팅 정보 수신에 동의해야 받을 수 있어요.": "Night-time offers need your consent to marketing messages first.",
    "생년월일이 오늘보다 늦어요. 다시 확인해 주세요.": "That date of birth is in the future. Please check it.",
    "휴대폰 번호는 010-1234-5678처럼 입력해 주세요.": "Please enter a mobile number like 010-1234-5678.",
    "이미 가구에 속해 있어요. 다른 가구를 만들거나 참여하려면 먼저 지금 가구에서 나와 주세요.": "You already belong to a household. Leave it first to create or join another one.",
    "아직 속한 가구가 없어요.": "You don't belong to a household yet.",
    "우리 가구 구성원만 가구 정보를 바꿀 수 있어요.": "Only members of this household can change it.",
    "초대 코드를 찾지 못했어요. 코드를 다시 확인해 주세요.": "We couldn't find that invite code. Please check it.",
    "가구원 수는 지금 참여한 회원 수({count}명)보다 적을 수 없어요.": "The household size can't be smaller than its current members ({count}).",
    "가구원 수는 1명에서 20명 사이로 입력해 주세요.": "Please enter a household size between 1 and 20.",
    "가구 이름을 입력해 주세요.": "Please enter a household name.",
    # accounts: views (messages)
    "%(name)s님, 동네가게에 오신 걸 환영해요. 천천히 둘러보세요.": "Welcome to Donggeu, %(name)s. Take your time and look around.",
    "로그아웃했어요. 또 만나요.": "You've logged out. See you soon.",
    "내 정보를 저장했어요.": "Your details are saved.",
    "우리 집을 만들었어요. 초대 코드로 가족을 불러 주세요.": "Your household is ready. Invite your family with the invite code.",
    "%(name)s에 참여했어요.": "You joined %(name)s.",
    "가구 정보를 저장했어요.": "Household details saved.",
    "가구에서 나왔어요.": "You left the household.",
    "새 초대 코드를 만들었어요. 예전 코드는 이제 쓸 수 없어요.": "A new invite code is ready. The old one no longer works.",
    "비밀번호를 바꿨어요.": "Your password has been changed.",
    # settings
    "한국어": "Korean",
    "English": "English",
    # base layout
    "우리 동네 생활 가게": "Your neighbourhood store",
    "본문으로 건너뛰기": "Skip to content",
    "홈": "Home",
    "상품 검색": "Search products",
    "오늘 필요한 걸 찾아보세요": "Find what you need today",
    "검색": "Search",
    "내 메뉴": "My menu",
    "피드": "Feed",
    "새 소식 %(counter)s개": ("%(counter)s new update", "%(counter)s new updates"),
    "장바구니": "Cart",
    "%(counter)s개 담김": ("%(counter)s item", "%(counter)s items"),
    "내 계정 메뉴": "My account menu",
    "%(name)s님": "%(name)s",
    "%(name)s님, 반가워요": "Hi, %(name)s",
    "내 정보": "My details",
    "우리 집": "My household",
    "주문 내역": "Orders",
    "쿠폰함": "Coupons",
    "포인트": "Points",
    "찜한 상품": "Wishlist",
    "관리자": "Admin",
    "로그아웃": "Log out",
    "로그인": "Log in",
    "회원가입": "Sign up",
    "쇼핑 메뉴": "Shopping menu",
    "카테고리": "Categories",
    "마이": "My",
    "언어": "Language",
    "고객센터": "Customer service",
    "평일 10:00~18:00 (점심 12:00~13:00, 주말·공휴일 휴무)": "Weekdays 10:00-18:00 (lunch 12:00-13:00; closed weekends and public holidays)",
    "상호 (주)동네가게": "Donggeu Inc.",
    "대표 김동네": "CEO Kim Dongne",
    "사업자등록번호 000-00-00000": "Business registration no. 000-00-00000",
    "통신판매업신고 제2026-서울마포-0000호": "Mail-order business report no. 2026-Seoul Mapo-0000",
    "주소 서울특별시 마포구 동네길 12, 2층": "2F, 12 Dongne-gil, Mapo-gu, Seoul",
    "이메일 hello@donggeu.example": "Email hello@donggeu.example",
    "동네가게는 동네 가게들이 입점한 통신판매중개자로, 입점 가게가 판매하는 상품의 거래 당사자가 아니에요. 상품·거래 정보와 거래에 대한 책임은 각 판매 가게에 있어요.": "Donggeu is a marketplace for neighbourhood shops and is not a party to the sales made by its shops. Each shop is responsible for its products, their information and its transactions.",
    "하단 메뉴": "Bottom menu",
    # error pages
    "페이지를 찾지 못했어요": "We couldn't find that page",
    "주소가 바뀌었거나 없어진 페이지예요. 오늘의 추천을 둘러볼까요?": "The address may have changed or the page is gone. How about today's picks?",
    "홈으로 가기": "Go to the home page",
    # account pages
    "마이 메뉴": "My page menu",
    "비밀번호 변경": "Change password",
    "%(name)s님의 정보": "%(name)s's details",
    "아이디 %(username)s · %(date)s 가입": "Username %(username)s · joined %(date)s",
    "기본 정보": "Basic details",
    "알림 받기": "Notifications",
    "%(date)s에 동의했어요.": "You agreed on %(date)s.",
    "맞춤 추천": "Personal recommendations",
    "저장하기": "Save",
    "동네 단골처럼 반갑게 맞을게요.": "We'll greet you like a regular at the corner shop.",
    "약관 동의": "Terms",
    "가입하기": "Sign up",
    "이미 회원이신가요?": "Already a member?",
    "다시 만나서 반가워요.": "Good to see you again.",
    "비밀번호 찾기": "Forgot password",
    "가족과 함께 쓰면 생필품을 떨어지기 전에 챙겨 드릴 수 있어요.": "Share with your family and we'll remind you before everyday essentials run out.",
    "%(counter)s인 가구": ("%(counter)s-person household", "%(counter)s-person household"),
    "아이": "Children",
    "반려동물": "Pets",
    "가족이 회원가입한 뒤 우리 집 페이지에서 이 코드를 입력하면 함께할 수 있어요.": "Once your family has signed up, they can enter this code on their household page to join.",
    "새 코드 만들기": "Make a new code",
    "함께하는 회원 %(counter)s명": ("%(counter)s member", "%(counter)s members"),
    "나": "Me",
    "%(date)s 가입": "Joined %(date)s",
    "가구 정보 바꾸기": "Change household details",
    "정말 이 가구에서 나갈까요?": "Do you really want to leave this household?",
    "가구에서 나가기": "Leave household",
    "우리 집 만들기": "Create a household",
    "가구를 만들면 초대 코드가 생겨요.": "Creating a household gives you an invite code.",
    "만들기": "Create",
    "초대 코드로 참여하기": "Join with an invite code",
    "가족이 이미 가구를 만들었다면 코드를 받아 참여해 주세요.": "If your family already has a household, ask them for the code and join.",
    "참여하기": "Join",
    # password reset / change
    "비밀번호 바꾸기": "Change password",
    "비밀번호를 바꿨어요": "Password changed",
    "이제 새 비밀번호로 로그인할 수 있어요.": "You can now log in with your new password.",
    "로그인하러 가기": "Go to log in",
    "새 비밀번호 만들기": "Set a new password",
    "새로 쓸 비밀번호를 두 번 입력해 주세요.": "Please enter your new password twice.",
    "링크가 만료되었거나 이미 사용되었어요. 비밀번호 찾기를 다시 요청해 주세요.": "This link has expired or was already used. Please request a new one.",
    "다시 요청하기": "Request again",
    "메일을 보냈어요": "Email sent",
    "가입된 이메일이라면 곧 비밀번호를 새로 만드는 링크가 도착해요. 메일이 보이지 않으면 스팸함도 확인해 주세요.": "If that email is registered, a link to set a new password is on its way. If you can't see it, please check your spam folder.",
    "%(name)s님, 안녕하세요.": "Hello %(name)s,",
    "동네가게 비밀번호를 새로 만들고 싶다는 요청을 받았어요. 아래 링크에서 새 비밀번호를 만들어 주세요.": "We received a request to set a new Donggeu password. Please use the link below to set one.",
    "아이디: %(username)s": "Username: %(username)s",
    "직접 요청하지 않았다면 이 메일은 무시해도 괜찮아요. 비밀번호는 바뀌지 않아요.": "If you didn't ask for this, you can ignore this email. Your password stays the same.",
    "동네가게 드림": "The Donggeu team",
    "가입할 때 쓴 이메일을 알려 주시면 새 비밀번호를 만드는 링크를 보내 드려요.": "Tell us the email you signed up with and we'll send you a link to set a new password.",
    "링크 받기": "Send link",
    "로그인으로 돌아가기": "Back to log in",
    "[%(site_name)s] 비밀번호 재설정 안내": "[%(site_name)s] Set a new password",
}


_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _unquote(text: str) -> str:
    """The text of a quoted PO string, also one split over several lines (makemessages splits at each newline)."""
    joined = "".join(line.strip()[1:-1] for line in text.split("\n"))
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), joined)


def load_translations() -> dict[str | tuple[str, str], str | tuple[str, str]]:
    """This file's TRANSLATIONS, then each locale/en_*.py module's TRANSLATIONS, in file-name order."""
    merged = dict(TRANSLATIONS)
    for path in sorted(Path(__file__).resolve().parent.glob("en_*.py")):
        spec = importlib.util.spec_from_file_location(f"_locale_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        merged.update(module.TRANSLATIONS)
    return merged


def fill(po_text: str, translations: dict | None = None) -> tuple[str, int]:
    translations = TRANSLATIONS if translations is None else translations
    blocks = po_text.split("\n\n")
    filled = 0
    for index, block in enumerate(blocks):
        match = re.search(r'^msgid (".*"(?:\n".*")*)$', block, re.MULTILINE)
        if not match:
            continue
        msgid = _unquote(match.group(1))
        context = re.search(r'^msgctxt (".*")$', block, re.MULTILINE)
        key = (_unquote(context.group(1)), msgid) if context else msgid
        if key not in translations:
            continue
        english = translations[key]
        # A fuzzy guess from makemessages would hide the translation; ours is exact, so it replaces the guess.
        fuzzy = re.search(r"^#, .*fuzzy", block, re.MULTILINE) is not None
        before = filled
        if re.search(r"^msgid_plural ", block, re.MULTILINE):  # not a "#| msgid_plural" line of a fuzzy guess
            singular, plural = english if isinstance(english, tuple) else (english, english)
            if fuzzy or re.search(r'^msgstr\[0\] ""$', block, re.MULTILINE):
                block = re.sub(
                    r"^msgstr\[0\] .*$", lambda _m, t=singular: f"msgstr[0] {_quote(t)}", block, flags=re.MULTILINE
                )
                block = re.sub(
                    r"^msgstr\[1\] .*$", lambda _m, t=plural: f"msgstr[1] {_quote(t)}", block, flags=re.MULTILINE
                )
                filled += 1
        elif fuzzy or (
            re.search(r'^msgstr ""$', block, re.MULTILINE) and not re.search(r'^msgstr ""\n"', block, re.MULTILINE)
        ):
            text = english[0] if isinstance(english, tuple) else english
            block = re.sub(
                r'^msgstr ".*"(\n".*")*$', lambda _m, t=text: f"msgstr {_quote(t)}", block, flags=re.MULTILINE
            )
            filled += 1
        if filled > before:
            block = re.sub(r"^#, fuzzy\n", "", block, flags=re.MULTILINE)
            block = re.sub(r"^#, fuzzy, ", "#, ", block, flags=re.MULTILINE)
            block = re.sub(r"^(#,.*), fuzzy\b", r"\1", block, flags=re.MULTILINE)
            block = re.sub(r"^#\| .*\n", "", block, flags=re.MULTILINE)
        blocks[index] = block
    header = blocks[0].replace("# SOME DESCRIPTIVE TITLE.", "# 동네가게: English translations.")
    header = header.replace('"Language: \\n"', '"Language: en\\n"')
    blocks[0] = re.sub(r"^#, fuzzy\n", "", header, flags=re.MULTILINE)
    return "\n\n".join(blocks), filled


def main() -> int:
    text, filled = fill(PO.read_text(encoding="utf-8"), load_translations())
    PO.write_text(text, encoding="utf-8")
    print(f"{PO}: filled {filled} translations")  # noqa: T201 (a maintenance script reports what it did)
    return 0


if __name__ == "__main__":
    sys.exit(main())
