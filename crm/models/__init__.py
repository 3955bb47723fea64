"""crm tables, split by area (see shared/DESIGN.md). Import models from here: `from crm.models import Segment`."""

from crm.models.audit import AuditLog
from crm.models.campaigns import Campaign, CampaignRecipient, ConsentNotice
from crm.models.chat import BusinessHours, ChatDuty, Conversation, Message, SavedReply
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
    "BusinessHours",
    "Campaign",
    "CampaignRecipient",
    "ChatDuty",
    "ConsentNotice",
    "Conversation",
    "CustomerNote",
    "CustomerProfile",
    "CustomerTag",
    "HouseholdEssential",
    "Lifecycle",
    "LifecycleThresholds",
    "Message",
    "RfmSegment",
    "RoundEntry",
    "SavedReply",
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
