"""The feed notices community composes (comments, likes, follows, answers, 체험단 results), as codes rendered in each
reader's language (feed.messages). Registered in CommunityConfig.ready().

Names, titles and excerpts are params and stay as people wrote them; only the sentence around them is translated.
A code names its texts for good: rows keep the code, so a changed meaning needs a new code.
"""

from django.utils.translation import gettext_noop

from feed.messages import FeedMessage

BOARD_COMMENT = "community.board_comment"
BOARD_LIKE = "community.board_like"
QUESTION_ANSWERED = "community.question_answered"
TRIAL_SELECTED = "community.trial_selected"
TRIAL_DECLINED = "community.trial_declined"
TOUR_COMMENT = "community.tour_comment"
TOUR_REPLY = "community.tour_reply"
TOUR_LIKE = "community.tour_like"
FOLLOW = "community.follow"

COMMUNITY_FEED_MESSAGES: dict[str, FeedMessage] = {
    BOARD_COMMENT: FeedMessage(
        title=gettext_noop("내 글에 댓글이 달렸어요"), body=gettext_noop("%(name)s님: %(text)s")
    ),
    BOARD_LIKE: FeedMessage(
        title=gettext_noop("내 글에 공감을 받았어요"), body=gettext_noop("%(name)s님이 '%(title)s'에 공감했어요.")
    ),
    QUESTION_ANSWERED: FeedMessage(
        title=gettext_noop("문의에 답변이 달렸어요"), body=gettext_noop("%(product)s: %(answer)s")
    ),
    TRIAL_SELECTED: FeedMessage(
        title=gettext_noop("체험단에 선정됐어요"),
        body=gettext_noop("'%(title)s' 체험단으로 함께해 주세요. 써 보시고 후기를 남겨 주시면 돼요."),
    ),
    TRIAL_DECLINED: FeedMessage(
        title=gettext_noop("체험단 결과를 알려 드려요"),
        body=gettext_noop("'%(title)s' 체험단에는 아쉽게 함께하지 못하게 됐어요. 다음 모집에서 꼭 만나요."),
    ),
    # The body of these is the comment excerpt or the tour's title, stored as written.
    TOUR_COMMENT: FeedMessage(title=gettext_noop("%(name)s님이 내 집들이에 댓글을 남겼어요")),
    TOUR_REPLY: FeedMessage(title=gettext_noop("%(name)s님이 내 댓글에 답글을 남겼어요")),
    TOUR_LIKE: FeedMessage(title=gettext_noop("%(name)s님이 내 집들이를 좋아해요")),
    FOLLOW: FeedMessage(
        title=gettext_noop("%(name)s님이 나를 팔로우하기 시작했어요"),
        body=gettext_noop("%(name)s님의 집들이도 구경해 보세요."),
    ),
}
