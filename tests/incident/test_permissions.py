"""Anyone may declare by default; guarded actions are for the commander and the admins."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from incident.model import Incident, IncidentRef, Status
from incident.permissions import GUARDED_ACTIONS, PermissionConfigError, Permissions

AT = datetime(2026, 11, 22, 14, 30, tzinfo=UTC)
INCIDENT = Incident(1, IncidentRef(2026, 1), "t", "high", Status.RESOLVED, "U0ALICE", AT, AT, commander="U0BOB")


def test_by_default_everyone_may_declare() -> None:
    assert Permissions().may_declare("U0ANYONE")


def test_declaring_can_be_limited_to_users_and_groups() -> None:
    permissions = Permissions.from_config({"declare": ["U0ALICE", "S0SRE"]})
    assert permissions.may_declare("U0ALICE")
    assert permissions.may_declare("U0CAROL", frozenset({"S0SRE"}))
    assert not permissions.may_declare("U0CAROL", frozenset({"S0OTHER"}))


@pytest.mark.parametrize("action", GUARDED_ACTIONS)
def test_guarded_actions_are_for_the_commander_and_admins(action: str) -> None:
    permissions = Permissions.from_config({"admins": ["U0ADMIN"], "admin_groups": ["S0LEADS"]})
    assert permissions.may(action, user_id="U0BOB", incident=INCIDENT)
    assert permissions.may(action, user_id="U0ADMIN", incident=INCIDENT)
    assert permissions.may(action, user_id="U0DAVE", incident=INCIDENT, user_groups=frozenset({"S0LEADS"}))
    assert not permissions.may(action, user_id="U0DAVE", incident=INCIDENT)
    assert not permissions.may(action, user_id="U0ALICE", incident=INCIDENT)


def test_unguarded_actions_are_open_to_everyone() -> None:
    permissions = Permissions.from_config({"commander_or_admin": ["close"]})
    assert permissions.may("resolve", user_id="U0DAVE", incident=INCIDENT)
    assert permissions.may("note", user_id="U0DAVE", incident=INCIDENT)
    assert not permissions.may("close", user_id="U0DAVE", incident=INCIDENT)


def test_the_groups_to_look_up_are_the_admin_and_declare_groups() -> None:
    permissions = Permissions.from_config({"declare": ["S0SRE"], "admin_groups": ["S0LEADS"]})
    assert permissions.groups_in_use == {"S0SRE", "S0LEADS"}


@pytest.mark.parametrize(
    ("config", "setting"),
    [
        ({"admins": "U0ADMIN"}, "permissions.admins"),
        ({"admin_groups": [1]}, "permissions.admin_groups"),
        ({"declare": "admins"}, "permissions.declare"),
        ({"commander_or_admin": ["delete"]}, "permissions.commander_or_admin"),
    ],
)
def test_bad_config_names_the_setting(config: dict[str, object], setting: str) -> None:
    with pytest.raises(PermissionConfigError) as raised:
        Permissions.from_config(config)
    assert str(raised.value).startswith(f"{setting}:")
