"""What goes into the package (the metadata is in pyproject.toml).

``negotiation_sim`` and its subpackages, plus the data package ``negotiation_sim.scenarios``,
which is the top-level ``scenarios/`` folder: it stays at the top of the repository, and
code finds it through ``importlib.resources`` (``negotiation_sim.core.resources``), from a
checkout and from an installed wheel alike. The packages are listed here, not in
pyproject.toml, because setuptools' ``find`` cannot add a package mapped from another folder.
"""

from setuptools import find_packages, setup

DATA = "negotiation_sim.scenarios"
# the session configs and sweep specs: data folders, listed so that setuptools ships them
FOLDERS = [f"{DATA}.sessions", f"{DATA}.sweeps"]
# the back-test episodes (top-level episodes/) and their calibration specs
EPISODES = "negotiation_sim.episodes"
DATA_PACKAGES = [DATA, *FOLDERS, EPISODES, f"{EPISODES}.calibration"]

setup(
    packages=[*find_packages(include=["negotiation_sim", "negotiation_sim.*"]), *DATA_PACKAGES],
    package_dir={DATA: "scenarios", EPISODES: "episodes"},
    package_data={"negotiation_sim.app": ["*.vue"], **{p: ["*.toml"] for p in DATA_PACKAGES}},
)
