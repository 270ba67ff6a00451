"""隐患闭环: hidden dangers from report to verified closure, with photos, due dates and role checks."""
