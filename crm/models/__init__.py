"""crm tables, split by area (see shared/DESIGN.md). Import models from here: `from crm.models import Segment`."""

from crm.models.audit import AuditLog
from crm.models.customers import CustomerNote, CustomerTag
from crm.models.households import HouseholdEssential
from crm.models.profiles import CustomerProfile, Lifecycle, LifecycleThresholds, RfmSegment
from crm.models.rounds import RoundEntry
from crm.models.runs import SegmentationRun
from crm.models.segments import Segment, SegmentMembership, SegmentSnapshot
from crm.models.surveys import Survey, SurveyAnswer, SurveyInvitation, SurveyQuestion, SurveyResponse
from crm.models.teams import Team, TeamMember

__all__ = [
    "AuditLog",
    "CustomerNote",
    "CustomerProfile",
    "CustomerTag",
    "HouseholdEssential",
    "Lifecycle",
    "LifecycleThresholds",
    "RfmSegment",
    "RoundEntry",
    "Segment",
    "SegmentMembership",
    "SegmentSnapshot",
    "SegmentationRun",
    "Survey",
    "SurveyAnswer",
    "SurveyInvitation",
    "SurveyQuestion",
    "SurveyResponse",
    "Team",
    "TeamMember",
]
