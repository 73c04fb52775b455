"""``auth.test``, ``users.*`` and ``usergroups.*``: who is who in the fake workspace."""

from __future__ import annotations

from typing import Any

from fakeslack.arguments import Args
from fakeslack.objects import BOT_ID, BOT_NAME, BOT_USER_ID, TEAM_ID, TEAM_NAME, SlackError
from fakeslack.workspace import Workspace


def auth_test(ws: Workspace, args: Args) -> dict[str, Any]:
    """Identify the bot token's owner (Bolt calls this before its first listener runs)."""
    return {
        "ok": True,
        "url": f"{ws.permalink_base}/",
        "team": TEAM_NAME,
        "user": BOT_NAME,
        "team_id": TEAM_ID,
        "user_id": BOT_USER_ID,
        "bot_id": BOT_ID,
        "is_enterprise_install": False,
    }


def users_info(ws: Workspace, args: Args) -> dict[str, Any]:
    """One member's profile; ``locale`` only with ``include_locale``, as Slack does."""
    user = ws.user(args.required("user", "user_not_found"))
    return {"ok": True, "user": user.as_slack(include_locale=args.flag("include_locale"))}


def users_lookup_by_email(ws: Workspace, args: Args) -> dict[str, Any]:
    """Find a member by e-mail address (case-insensitive)."""
    email = args.required("email", "users_not_found").lower()
    for user in ws.users.values():
        if user.email.lower() == email:
            return {"ok": True, "user": user.as_slack(include_locale=False)}
    raise SlackError("users_not_found")


def usergroups_users_list(ws: Workspace, args: Args) -> dict[str, Any]:
    """The member ids of a seeded user group."""
    group = ws.usergroups.get(args.required("usergroup", "no_such_subteam"))
    if group is None:
        raise SlackError("no_such_subteam")
    return {"ok": True, "users": list(group[1])}


def usergroups_list(ws: Workspace, args: Args) -> dict[str, Any]:
    """Every seeded user group, with members when ``include_users`` is set."""
    groups = []
    for group_id, (handle, members) in ws.usergroups.items():
        group: dict[str, Any] = {
            "id": group_id,
            "team_id": TEAM_ID,
            "handle": handle,
            "name": handle,
            "is_usergroup": True,
            "user_count": len(members),
        }
        if args.flag("include_users"):
            group["users"] = list(members)
        groups.append(group)
    return {"ok": True, "usergroups": groups}


HANDLERS = {
    "auth.test": auth_test,
    "users.info": users_info,
    "users.lookupByEmail": users_lookup_by_email,
    "usergroups.users.list": usergroups_users_list,
    "usergroups.list": usergroups_list,
}
