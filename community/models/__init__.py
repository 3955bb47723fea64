"""community tables, split by area: tours (집들이), neighbourhoods and boards (동네생활), Q&A, participation, moderation."""

from community.models.base import Moderated
from community.models.boards import BoardComment, BoardPost, BoardPostLike
from community.models.images import CommunityImage
from community.models.moderation import CommunityBan, Report
from community.models.neighbourhoods import LocalStore, LocalStoreReview, Neighbourhood, Residency
from community.models.participation import Notice, TrialApplication, TrialGroup, TrialReport, TrialReportPhoto
from community.models.qna import ProductQuestion
from community.models.tours import Follow, Tour, TourComment, TourLike, TourPhoto, TourPin, TourScrap, TourView

__all__ = [
    "BoardComment",
    "BoardPost",
    "BoardPostLike",
    "CommunityBan",
    "CommunityImage",
    "Follow",
    "LocalStore",
    "LocalStoreReview",
    "Moderated",
    "Neighbourhood",
    "Notice",
    "ProductQuestion",
    "Report",
    "Residency",
    "Tour",
    "TourComment",
    "TourLike",
    "TourPhoto",
    "TourPin",
    "TourScrap",
    "TourView",
    "TrialApplication",
    "TrialGroup",
    "TrialReport",
    "TrialReportPhoto",
]
