"""Names of seas, for the map's context layer: a small curated table, not Natural Earth data.

Natural Earth's marine label polygons (ne_10m_geography_marine_polys) are not
in any package registry this project can reach, so the bundled context has no
sea names. This table names the seas around the regions the bundled scenarios
and their likely neighbours cover. Each sea is a list of boxes (west, south,
east, north) in degrees that hold only that sea's water, drawn by hand from
general geography (public knowledge, no source copied); more specific seas
come first, so the Sea of Azov is named before the Black Sea around Kerch. The
map names a sea at the water of the view that falls in its boxes (see
`sitboard.geo.context_layer`); land inside a box is never labelled, because
only cells the bundled context calls sea are counted.
"""

from __future__ import annotations

from typing import NamedTuple


class Sea(NamedTuple):
    name: str
    boxes: tuple[tuple[float, float, float, float], ...]  # (west, south, east, north)


SEAS: tuple[Sea, ...] = (
    Sea("Sea of Azov", ((34.8, 45.3, 39.4, 47.3),)),
    Sea("Sea of Marmara", ((26.9, 40.3, 29.9, 41.1),)),
    Sea("Black Sea", ((27.3, 40.9, 41.8, 45.3), (28.5, 45.3, 34.8, 46.7))),
    Sea("Aegean Sea", ((22.5, 35.3, 27.3, 40.9),)),
    Sea("Adriatic Sea", ((12.2, 40.2, 19.7, 45.8),)),
    Sea("Ionian Sea", ((16.0, 36.0, 22.5, 40.2),)),
    Sea("Mediterranean Sea", ((-5.6, 30.0, 36.3, 36.0), (-1.0, 36.0, 12.2, 44.5), (12.2, 36.0, 16.0, 40.2))),
    Sea("Gulf of Suez", ((32.2, 27.6, 33.8, 30.0),)),
    Sea("Gulf of Aqaba", ((34.3, 27.9, 35.1, 29.6),)),
    Sea("Red Sea", ((32.0, 12.5, 43.5, 27.9), (33.8, 27.0, 34.3, 27.9))),
    Sea("Gulf of Aden", ((43.3, 10.3, 51.5, 15.0),)),
    Sea("Persian Gulf", ((47.5, 23.5, 56.5, 30.5),)),
    Sea("Gulf of Oman", ((56.5, 22.3, 61.5, 26.8),)),
    Sea("Arabian Sea", ((51.5, 5.0, 75.0, 22.3),)),
    Sea("Caspian Sea", ((46.5, 36.5, 54.8, 47.2),)),
    Sea("Baltic Sea", ((9.5, 53.5, 30.5, 66.0),)),
    Sea("North Sea", ((-4.0, 51.0, 9.5, 61.5),)),
)
