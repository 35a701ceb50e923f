"""The lobbying threshold: when a firm group's stance counts as pushing at all."""

from __future__ import annotations

#: A stance (profit change relative to normal profit, in [-1, 1]) within +-QUIET_STANCE
#: counts as quiet: the firms neither push for escalation nor for concession. Assumption:
#: a profit change under 2% of normal profit is within ordinary year-to-year variation.
QUIET_STANCE = 0.02


def stance_word(stance: float) -> str:
    """``"escalate"``, ``"concede"`` or ``"quiet"``: which way firms with ``stance`` push."""
    if stance > QUIET_STANCE:
        return "escalate"
    if stance < -QUIET_STANCE:
        return "concede"
    return "quiet"
