"""community tables, split by area: tours (집들이), neighbourhoods and boards (동네생활), Q&A, participation, moderation."""

from community.models.base import Moderated

__all__ = ["Moderated"]
