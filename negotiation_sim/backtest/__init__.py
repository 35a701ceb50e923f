"""Back-testing and calibration against historical episodes (``docs/validation.md``):
the episode format (``schema``, ``episode``), target evaluation on an ensemble
(``targets``), running an episode's ensemble (``simulate``), reports (``report``), the
ABC-SMC calibration (``calibrate``) and the commands (``commands``)."""
