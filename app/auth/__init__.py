"""People and permissions: users, passwords, sessions and tokens, roles, and the town scope every request runs in."""
