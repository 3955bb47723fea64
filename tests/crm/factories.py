import factory

from crm.models import Team, TeamMember
from tests.accounts.factories import StaffUserFactory


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"생활 MD {n}팀")
    slug = factory.Sequence(lambda n: f"team-{n}")
    introduction = "매일 쓰는 물건을 꼼꼼히 골라요."


class TeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMember

    team = factory.SubFactory(TeamFactory)
    user = factory.SubFactory(StaffUserFactory)
    role = TeamMember.Role.MD_LEAD
