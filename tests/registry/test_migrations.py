"""Moving Membership from accounts to the registry keeps every row, id and constraint (both databases)."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("accounts", "0002_roles"), ("registry", "0004_organisation_filter_indexes")]
AFTER = [("accounts", "0003_move_membership_to_registry"), ("registry", "0005_membership")]


def _migrate(targets: list[tuple[str, str]]):  # type: ignore[no-untyped-def]
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_membership_rows_survive_the_move_and_back() -> None:
    old = _migrate(BEFORE)
    user = old.get_model("accounts", "User").objects.create(username="olena")
    org = old.get_model("registry", "Organisation").objects.create(legal_name="Motor Sich", country="UA")
    kept = old.get_model("accounts", "Membership").objects.create(user=user, organisation=org)
    ContentType = old.get_model("contenttypes", "ContentType")
    ContentType.objects.get_or_create(app_label="accounts", model="membership")

    new = _migrate(AFTER)
    Membership = new.get_model("registry", "Membership")
    assert list(Membership.objects.values_list("pk", "user_id", "organisation_id")) == [(kept.pk, user.pk, org.pk)]
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user_id=user.pk, organisation_id=org.pk)
    assert set(new.get_model("contenttypes", "ContentType").objects.filter(model="membership").values_list(
        "app_label", flat=True)) == {"registry"}

    back = _migrate(BEFORE)
    assert list(back.get_model("accounts", "Membership").objects.values_list("pk", flat=True)) == [kept.pk]
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
