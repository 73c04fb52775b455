"""Who may do what. By default anyone may declare; downgrading severity, resolving, reopening
and closing are for the commander and the configured admins (users or Slack user groups)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from incident.model import Incident

GUARDED_ACTIONS = ("downgrade", "resolve", "reopen", "close")


class PermissionConfigError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Permissions:
    declare_users: frozenset[str] | None = None  # None: everyone
    declare_groups: frozenset[str] = frozenset()
    admin_users: frozenset[str] = frozenset()
    admin_groups: frozenset[str] = frozenset()
    guarded: frozenset[str] = frozenset(GUARDED_ACTIONS)

    @classmethod
    def from_config(cls, raw: Mapping[str, Any]) -> Permissions:
        def ids(key: str) -> frozenset[str]:
            value = raw.get(key) or []
            if isinstance(value, str) or not all(isinstance(v, str) for v in value):
                raise PermissionConfigError(f"permissions.{key}: must be a list of Slack ids")
            return frozenset(value)

        declare = raw.get("declare", "everyone")
        guarded = ids("commander_or_admin") if "commander_or_admin" in raw else frozenset(GUARDED_ACTIONS)
        unknown = guarded - set(GUARDED_ACTIONS)
        if unknown:
            raise PermissionConfigError(f"permissions.commander_or_admin: unknown action {sorted(unknown)[0]!r}")
        if declare != "everyone" and (isinstance(declare, str) or not isinstance(declare, list)):
            raise PermissionConfigError("permissions.declare: 'everyone' or a list of user/group ids")
        declare_ids = frozenset(declare) if isinstance(declare, list) else None
        return cls(
            declare_users=frozenset(i for i in declare_ids if not i.startswith("S")) if declare_ids else None,
            declare_groups=frozenset(i for i in declare_ids if i.startswith("S")) if declare_ids else frozenset(),
            admin_users=ids("admins"),
            admin_groups=ids("admin_groups"),
            guarded=guarded,
        )

    @property
    def groups_in_use(self) -> frozenset[str]:
        return self.admin_groups | self.declare_groups

    def may_declare(self, user_id: str, user_groups: frozenset[str] = frozenset()) -> bool:
        if self.declare_users is None and not self.declare_groups:
            return True
        return user_id in (self.declare_users or ()) or bool(user_groups & self.declare_groups)

    def may(
        self,
        action: str,
        *,
        user_id: str,
        incident: Incident,
        user_groups: frozenset[str] = frozenset(),
    ) -> bool:
        if action not in self.guarded:
            return True
        if user_id == incident.commander or user_id in self.admin_users:
            return True
        return bool(user_groups & self.admin_groups)
