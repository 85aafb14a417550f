"""The Learning Handbook's ground rules for a peer assist, the default for every new one.

Kept free of imports so that ``models`` can use it as a field default (and migrations can
name it). Each peer assist may change its own copy on the planning form.
"""

from __future__ import annotations

HANDBOOK_GROUND_RULES = "\n".join(
    [
        "The host team is here to learn: listen first, and ask before you defend.",
        "Visitors share what they did and what happened, not what the host team ought to do.",
        "One conversation at a time; the facilitator keeps time and brings everyone in.",
        "Write one point per note; the note taker captures what is said aloud.",
        "What is said here stays here unless the speaker agrees to share it.",
        "No patient names or other details that could identify a patient or service user.",
    ]
)


def default_ground_rules() -> str:
    """The field default: a function, so that changing the text never needs a migration."""
    return HANDBOOK_GROUND_RULES
