"""Fill Solara's asset proxy cache from the npm registry, so the browser app works offline.

Solara's page loads its JavaScript and CSS from a public CDN. The Solara server proxies
those requests through ``/_solara/cdn/<package>@<version>/<file>`` and serves them from a
cache folder when the file is there (``SOLARA_ASSETS_PROXY_CACHE_DIR``, by default
``<venv>/share/solara/cdn``). On a machine without internet access nothing renders until
that folder holds the packages. This module fills it with ``npm pack NAME@VERSION``,
unpacked to ``<cache>/NAME@VERSION/<file path>``::

    python -m negotiation_sim.app_assets                 # the default cache folder
    python -m negotiation_sim.app_assets --cache DIR     # another folder
    python -m negotiation_sim.app_assets --check         # report only, exit 1 if missing

It needs ``npm`` and access to an npm registry (npm's own configuration, e.g. a local
mirror, applies). Packages already present are skipped, so running it again is cheap.
On a classroom machine with no registry at all, fill a folder elsewhere and copy it
(docs/app.md, "Offline use").
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

#: The npm packages that Solara 1.64.1's page templates load from the CDN, as the CDN
#: names them (``NAME@VERSION``). Found by grepping the installed solara package for
#: ``getCdn()}/`` and ``{{ cdn }}/`` (``server/templates/solara.html.j2``,
#: ``widgets/vue/gridlayout*.vue``, ``widgets/vue/vegalite.vue``) plus the Font Awesome
#: path in ``solara.server.settings.assets.fontawesome_path``. Components this app does
#: not use (Markdown's KaTeX and Mermaid, the code editor, ECharts) load further packages
#: on demand; they are left out on purpose. ``referenced_packages()`` re-derives the list
#: from an installed solara; a browser test checks the two agree.
PACKAGES: tuple[str, ...] = (
    "@widgetti/solara-vuetify-app@10.1.1",
    "@widgetti/solara-vuetify3-app@5.2.0",
    "@widgetti/vue-grid-layout@2.3.13-alpha.2",
    "requirejs@2.3.6",
    "font-awesome@4.5.0",
    "vega@5",
    "vega-lite@5",
    "vega-embed@6",
)

#: files, relative to the solara package, whose CDN references the page needs
TEMPLATE_GLOBS = ("server/templates/*.j2", "widgets/vue/*.vue")
MARKER = ".npm-pack.json"  # written last into a package folder: the package is complete
_REF = re.compile(r"(?:getCdn\(\)\}|\{\{\s*cdn\s*\}\})/((?:@[\w.-]+/)?[\w.-]+@[\w.-]+)/")


class AssetError(RuntimeError):
    """The cache could not be filled (npm missing, a package not found...)."""


def default_cache_dir() -> Path:
    """Solara's proxy cache folder: ``SOLARA_ASSETS_PROXY_CACHE_DIR`` if set, else
    ``<sys.prefix>/share/solara/cdn`` (Solara's own default)."""
    env = os.environ.get("SOLARA_ASSETS_PROXY_CACHE_DIR")
    return Path(env) if env else Path(sys.prefix) / "share" / "solara" / "cdn"


def referenced_packages(solara_dir: Path | None = None) -> list[str]:
    """``NAME@VERSION`` of every package the installed solara's page templates load from
    its CDN, plus Font Awesome; sorted and without repeats."""
    if solara_dir is None:
        import solara

        solara_dir = Path(solara.__file__).parent
    found: set[str] = set()
    for pattern in TEMPLATE_GLOBS:
        for path in solara_dir.glob(pattern):
            found.update(_REF.findall(path.read_text(encoding="utf-8", errors="replace")))
    settings = (solara_dir / "server" / "settings.py").read_text(encoding="utf-8")
    fontawesome = re.search(r'fontawesome_path[^=]*=\s*"/([^/"]+@[^/"]+)/', settings)
    if fontawesome:
        found.add(fontawesome.group(1))
    return sorted(found)


def package_dir(cache: Path, spec: str) -> Path:
    """Folder of ``spec`` (``NAME@VERSION``) in the cache, as Solara's proxy looks it up."""
    return cache / spec


def is_present(cache: Path, spec: str) -> bool:
    """True when ``spec`` was fully unpacked into ``cache`` by this tool."""
    return (package_dir(cache, spec) / MARKER).is_file()


def missing(cache: Path, packages: Iterable[str] = PACKAGES) -> list[str]:
    return [spec for spec in packages if not is_present(cache, spec)]


def find_npm() -> str:
    npm = shutil.which("npm")
    if npm is None:
        raise AssetError(
            "npm was not found on the PATH. Install Node.js and npm (Debian/Ubuntu: "
            "'apt-get install -y npm'), or fill the cache on another machine and copy the "
            "folder (docs/app.md, 'Offline use')."
        )
    return npm


def fetch(spec: str, cache: Path, npm: str, log=print) -> None:
    """``npm pack spec`` into a temporary folder and unpack it to ``cache/spec``."""
    with tempfile.TemporaryDirectory(prefix="solara-assets-") as tmp:
        tmp_path = Path(tmp)
        proc = subprocess.run(
            [npm, "pack", spec, "--json", "--pack-destination", str(tmp_path)],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
            raise AssetError(f"npm pack {spec} failed:\n  " + "\n  ".join(tail))
        try:
            info = json.loads(proc.stdout)[0]
            tarball = tmp_path / info["filename"]
        except (ValueError, LookupError, TypeError):
            tarballs = list(tmp_path.glob("*.tgz"))
            if len(tarballs) != 1:
                raise AssetError(f"npm pack {spec}: no tarball produced") from None
            tarball, info = tarballs[0], {}
        unpacked = tmp_path / "unpacked"
        with tarfile.open(tarball) as tar:
            tar.extractall(unpacked, filter="data")
        root = unpacked / "package"
        if not root.is_dir():  # a few old packages use another top folder
            tops = [p for p in unpacked.iterdir() if p.is_dir()]
            if len(tops) != 1:
                raise AssetError(f"npm pack {spec}: unexpected tarball layout")
            root = tops[0]
        marker = {
            "spec": spec,
            "name": info.get("name"),
            "version": info.get("version"),
            "integrity": info.get("integrity"),
        }
        (root / MARKER).write_text(json.dumps(marker, indent=1) + "\n", encoding="utf-8")
        target = package_dir(cache, spec)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():  # files Solara's proxy fetched one by one, or an interrupted fill
            shutil.rmtree(target)
        shutil.move(str(root), str(target))
        log(f"  {spec}: {info.get('name', '?')} {info.get('version', '?')} unpacked")


def fill(cache: Path | None = None, packages: Sequence[str] = PACKAGES, log=print) -> list[str]:
    """Fill ``cache`` with ``packages``; returns the ones fetched (others were present)."""
    cache = Path(cache) if cache is not None else default_cache_dir()
    todo = missing(cache, packages)
    log(f"Solara asset cache: {cache}")
    for spec in packages:
        if spec not in todo:
            log(f"  {spec}: present, skipped")
    if not todo:
        return []
    npm = find_npm()
    cache.mkdir(parents=True, exist_ok=True)
    for spec in todo:
        fetch(spec, cache, npm, log)
    return todo


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m negotiation_sim.app_assets",
        description="Fill Solara's asset proxy cache from the npm registry (npm pack), so "
        "the browser app renders without internet access.",
    )
    parser.add_argument(
        "--cache",
        type=Path,
        default=None,
        help="cache folder (default: $SOLARA_ASSETS_PROXY_CACHE_DIR, else "
        "<venv>/share/solara/cdn); start the app with SOLARA_ASSETS_PROXY_CACHE_DIR=DIR "
        "when you use another folder",
    )
    parser.add_argument(
        "--check", action="store_true", help="only report; exit 1 if a package is missing"
    )
    parser.add_argument("--list", action="store_true", help="print the package list and exit")
    args = parser.parse_args(argv)
    if args.list:
        print("\n".join(PACKAGES))
        return 0
    cache = args.cache if args.cache is not None else default_cache_dir()
    if args.check:
        absent = missing(cache)
        for spec in PACKAGES:
            print(f"{'MISSING' if spec in absent else 'ok     '} {spec}")
        print(f"cache: {cache}")
        return 1 if absent else 0
    try:
        fetched = fill(cache)
    except AssetError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"done: {len(fetched)} fetched, {len(PACKAGES) - len(fetched)} already present")
    return 0


if __name__ == "__main__":
    sys.exit(main())
