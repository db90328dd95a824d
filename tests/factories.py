"""factory_boy factories with traits for states. Identifiers are generated with valid check digits."""

from __future__ import annotations

import factory
from django.contrib.auth.models import Group

from liaison.accounts.models import User
from liaison.engines.identifiers import edrpou_check_digit, lei_check_digits
from liaison.registry.models import Certification, Membership, Organisation, Person, Product, TechnologyField
from liaison.registry.search import document, name_key, organisation_documents

PASSWORD = "correct-horse-battery-staple-42"  # noqa: S105


def valid_edrpou(n: int) -> str:
    first = f"{3000000 + n:07d}"
    return first + edrpou_check_digit(first)


def valid_lei(n: int) -> str:
    first = f"5299{n:012d}LI"  # 4 LOU chars + 12 + 2 = 18
    return first + lei_check_digits(first)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if create and extracted:
            self.groups.set(Group.objects.filter(name__in=extracted))
        self.save()

    @factory.post_generation
    def organisations(self, create: bool, extracted: list[Organisation] | None, **kwargs: object) -> None:
        for org in extracted or []:
            Membership.objects.create(user=self, organisation=org)


class OrganisationFactory(factory.django.DjangoModelFactory):
    """Created directly (not through the service) for speed; search keys are filled the same way."""

    class Meta:
        model = Organisation

    legal_name = factory.Sequence(lambda n: f"Testfirma {n} GmbH")
    short_name = factory.Sequence(lambda n: f"Testfirma {n}")
    country = "DE"
    city = "Berlin"
    shared_groups = factory.LazyFunction(lambda: ["profile"])
    search_text = factory.LazyAttribute(lambda o: organisation_documents(o)[0])
    shared_search_text = factory.LazyAttribute(lambda o: organisation_documents(o)[1])
    name_key = factory.LazyAttribute(lambda o: name_key(o.short_name or o.legal_name))

    class Params:
        ukrainian = factory.Trait(
            country="UA",
            city="Київ",
            legal_name=factory.Sequence(lambda n: f"ТОВ «Тестзавод {n}»"),
            short_name=factory.Sequence(lambda n: f"Тестзавод {n}"),
            edrpou=factory.Sequence(valid_edrpou),
        )
        private = factory.Trait(shared_groups=[])
        fully_shared = factory.Trait(
            shared_groups=["profile", "address", "identifiers", "certifications", "products", "people"]
        )


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    organisation = factory.SubFactory(OrganisationFactory)
    name_en = factory.Sequence(lambda n: f"Product {n}")
    trl = 6
    category = "ML10"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    organisation = factory.SubFactory(OrganisationFactory)
    full_name = factory.Sequence(lambda n: f"Person {n}")
    email = factory.Sequence(lambda n: f"person{n}@example.org")
    search_text = factory.LazyAttribute(lambda o: document([o.full_name]))


class CertificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certification

    organisation = factory.SubFactory(OrganisationFactory)
    standard = "ISO 9001"


def technology_field(code: str) -> TechnologyField:
    return TechnologyField.objects.get(code=code)
