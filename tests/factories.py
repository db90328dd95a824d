"""factory_boy factories with traits for states. Identifiers are generated with valid check digits."""

from __future__ import annotations

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

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


# --- Integrity, accounts and audit records (the permission suite's victims; usable by any test) -------------


class RelationFactory(factory.django.DjangoModelFactory):
    """An owner or director given by name (a natural person unless ``is_company``)."""

    class Meta:
        model = "integrity.OrganisationRelation"

    organisation = factory.SubFactory(OrganisationFactory)
    kind = "owner"
    name = factory.Sequence(lambda n: f"Owner {n}")
    country = "UA"
    share_percent = 25


class WatchlistFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "integrity.Watchlist"

    name = factory.Sequence(lambda n: f"list-{n}")
    version = "v1"
    loaded_at = factory.LazyFunction(timezone.now)
    entity_count = 1
    sha256 = "0" * 64


class WatchlistEntityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "integrity.WatchlistEntity"

    watchlist = factory.SubFactory(WatchlistFactory)
    entity_id = factory.Sequence(lambda n: f"entity-{n}")
    schema = "Company"
    caption = factory.Sequence(lambda n: f"Listed Company {n}")
    data = factory.LazyAttribute(
        lambda o: {"names": [o.caption], "birth_dates": [], "countries": [], "registration_numbers": []}
    )
    content_hash = "1" * 64


class ScreeningHitFactory(factory.django.DjangoModelFactory):
    """An open hit of an organisation against a listed entity, with the evidence a reviewer sees."""

    class Meta:
        model = "integrity.ScreeningHit"

    organisation = factory.SubFactory(OrganisationFactory)
    party_type = "organisation"
    party_id = factory.LazyAttribute(lambda o: o.organisation.pk)
    party_label = factory.LazyAttribute(lambda o: o.organisation.legal_name)
    party_fingerprint = "2" * 64
    entity = factory.SubFactory(WatchlistEntityFactory)
    list_name = factory.LazyAttribute(lambda o: o.entity.watchlist.name)
    list_version = factory.LazyAttribute(lambda o: o.entity.watchlist.version)
    entity_key = factory.LazyAttribute(lambda o: o.entity.entity_id)
    entity_caption = factory.LazyAttribute(lambda o: o.entity.caption)
    entity_content_hash = "1" * 64
    score = 0.93
    matched_name = factory.LazyAttribute(lambda o: o.entity.caption)
    explanation = "name match"
    query = factory.LazyAttribute(lambda o: {"names": [o.party_label]})


class ScreeningRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "integrity.ScreeningRun"

    trigger = "rescreen"
    status = "finished"
    total = 3
    done = 3
    started_by = "tests"


class ApiTokenFactory(factory.django.DjangoModelFactory):
    """A token whose raw key is thrown away (tests that need the key use the service)."""

    class Meta:
        model = "accounts.ApiToken"

    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"token {n}")
    prefix = factory.Sequence(lambda n: f"lia_{n:04d}"[:8])
    key_hash = factory.Sequence(lambda n: f"{n:064x}")
