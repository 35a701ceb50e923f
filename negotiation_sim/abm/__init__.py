"""The Mesa layer: government and firm agents and ``NegotiationModel``, which wires the
economy, the firm population and the negotiation mechanism into Mesa's round loop."""
