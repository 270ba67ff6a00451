"""Who may do what: five roles, and the writes each may make. Reads are filtered by town scope in the database."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    admin = "admin"
    commander = "commander"  # 指挥
    planner = "planner"  # 规划
    inspector = "inspector"  # 执法检查, limited to towns
    viewer = "viewer"


ROLE_LABELS: dict[str, tuple[str, str]] = {
    Role.admin: ("管理员", "Administrator"),
    Role.commander: ("指挥", "Commander"),
    Role.planner: ("规划", "Planner"),
    Role.inspector: ("执法检查", "Inspector"),
    Role.viewer: ("只读", "Viewer"),
}

# Every write names the roles allowed to make it; a viewer (and an anonymous visitor) makes none.
IMPORTERS = frozenset({Role.admin, Role.planner})
HIDDEN_DANGER_REPORTERS = frozenset({Role.admin, Role.commander, Role.inspector})
HIDDEN_DANGER_HANDLERS = frozenset({Role.admin, Role.commander, Role.inspector})
WRITERS = frozenset(Role) - {Role.viewer}
