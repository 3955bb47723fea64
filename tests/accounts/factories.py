import factory
from faker import Faker

from accounts.models import Household, User

fake = Faker("ko_KR")


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    name = factory.LazyFunction(lambda: f"{fake.last_name()}네 집")
    size = 2


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"shopper{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    nickname = factory.LazyFunction(lambda: fake.first_name())
    password = factory.django.Password("test-pass-1234")


class StaffUserFactory(UserFactory):
    username = factory.Sequence(lambda n: f"staff{n}")
    is_staff = True
