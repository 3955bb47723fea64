"""community tables, split by area: tours (집들이), neighbourhoods and boards (동네생활), Q&A, participation, moderation."""

from community.models.base import Moderated
from community.models.images import CommunityImage
from community.models.tours import Follow, Tour, TourComment, TourLike, TourPhoto, TourPin, TourScrap, TourView

__all__ = [
    "CommunityImage",
    "Follow",
    "Moderated",
    "Tour",
    "TourComment",
    "TourLike",
    "TourPhoto",
    "TourPin",
    "TourScrap",
    "TourView",
]
