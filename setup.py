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

setup(
    packages=[*find_packages(include=["negotiation_sim", "negotiation_sim.*"]), DATA, *FOLDERS],
    package_dir={DATA: "scenarios"},
    package_data={"negotiation_sim.app": ["*.vue"], **{p: ["*.toml"] for p in [DATA, *FOLDERS]}},
)
