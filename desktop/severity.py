"""How serious a check's finding is. Here, not in desktop.checks, so the
window can show the problem list's colours before it imports the checks
(after its first paint)."""

ERROR = "error"
WARNING = "warning"
