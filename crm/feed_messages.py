"""The feed messages crm composes, as codes rendered in each reader's language (feed.messages).

Registered in CrmConfig.ready(). A code names its texts for good: rows keep the code, so a changed meaning needs a
new code (a changed wording of the same meaning keeps it). People's words (a campaign's copy, a survey's own title
and intro, an MD's round message) travel as params or stored text and are never translated.
"""

from django.utils.translation import gettext_noop

from feed.messages import FeedMessage

ESSENTIAL_DUE = "crm.essential_due"
ESSENTIAL_OVERDUE = "crm.essential_overdue"
CONSENT_NOTICE = "crm.consent_notice"
SURVEY_INVITATION = "crm.survey_invitation"
ROUND_MESSAGE = "crm.round_message"
CHAT_REPLY = "crm.chat_reply"

CONSENT_AGREED = gettext_noop("동의함")
CONSENT_NOT_AGREED = gettext_noop("동의 안 함")

CRM_FEED_MESSAGES: dict[str, FeedMessage] = {
    ESSENTIAL_DUE: FeedMessage(
        title=gettext_noop("%(category)s 떨어질 때 됐죠?"),
        body=gettext_noop("%(date)s에 마지막으로 샀어요. 곧 떨어질 것 같아서 미리 알려 드려요."),
    ),
    ESSENTIAL_OVERDUE: FeedMessage(
        title=gettext_noop("%(category)s 떨어질 때 됐죠?"),
        body=gettext_noop("%(date)s에 마지막으로 샀어요. 다 썼다면 지난번 그 상품을 한 번에 다시 담을 수 있어요."),
    ),
    CONSENT_NOTICE: FeedMessage(
        title=gettext_noop("마케팅 정보 수신 동의 내역을 알려 드려요"),
        body=gettext_noop(
            "%(nickname)s님은 %(date)s에 %(shop)s의 할인·이벤트 소식(광고) 받기에 동의하셨어요. "
            "밤 시간(21시~다음 날 8시) 알림: %(night)s. 그대로 두시면 계속 받아요. "
            "바꾸고 싶으면 수신 설정에서 언제든 바꿀 수 있어요."
        ),
        translated=("night",),
    ),
    # The survey's title is the team's own; only the invitation line the system adds is translated.
    SURVEY_INVITATION: FeedMessage(title=None, body=gettext_noop("잠깐 답해 주시면 더 잘 챙길게요.")),
    # The member's own message stays as written; the heading and the signature around it are ours.
    ROUND_MESSAGE: FeedMessage(
        title=gettext_noop("%(name)s님이 안부를 전해요"),
        body=gettext_noop("%(message)s\n— %(team)s %(name)s 드림"),
    ),
    # 1:1 문의: the team's answer itself stays as written.
    CHAT_REPLY: FeedMessage(title=gettext_noop("답변이 도착했어요"), body=gettext_noop("%(team)s: %(message)s")),
}
