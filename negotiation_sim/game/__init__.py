"""The negotiation without Mesa: the policy state and the negotiating pair, offers and
packages, the mechanism that owns the deal in force and settles each round, the
calendar, the stage game and its solver, outcome classification and the round record."""
