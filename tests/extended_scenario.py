"""A scenario that uses every optional key of docs/scenario-format.md, shared by the tests of the extensions.

Every event carries speaker notes that contain `NOTE` (a word found nowhere
else in the file), so a test can search any output for it.
"""

from __future__ import annotations

NOTE = "Zq7-briefer-only"

# The start of a document for tests of single keys: five factions and seven
# towns, the towns last so that a test can add one.
HEAD = """\
sitboard: 1
title: Extensions
factions:
  - {id: gov, name: Government}
  - {id: hts, name: HTS}
  - {id: sdf, name: SDF}
  - {id: sna, name: SNA}
  - {id: isis, name: ISIS}
towns:
  - {id: homs, name: Homs, lat: 34.72, lon: 36.73, control: gov}
  - {id: hama, name: Hama, lat: 35.13, lon: 36.76, control: gov}
  - {id: damascus, name: Damascus, lat: 33.51, lon: 36.29}
  - {id: tartus, name: Tartus, lat: 34.89, lon: 35.89}
  - {id: latakia, name: Latakia, lat: 35.52, lon: 35.79}
  - {id: idlib, name: Idlib, lat: 35.93, lon: 36.63}
  - {id: aleppo, name: Aleppo, lat: 36.20, lon: 37.16}
"""

EXTENDED = f"""\
sitboard: 1
title: Extensions at work
map:
  areas: true
factions:
  - {{id: gov, name: Government, mark: G}}
  - {{id: hts, name: HTS, mark: H}}
  - {{id: sdf, name: SDF, mark: D}}
  - {{id: sna, name: SNA, mark: N}}
  - {{id: isis, name: ISIS, mark: I}}
towns:
  - {{id: homs, name: Homs, lat: 34.72, lon: 36.73, kind: city, control: gov, pcode: SY04, population: 700000}}
  - {{id: hama, name: Hama, lat: 35.13, lon: 36.76, control: {{holder: gov, state: besieged, by: [hts], from: [E, N]}}}}
  - {{id: manbij, name: Manbij, lat: 36.53, lon: 37.95, population: 100000,
     control: {{state: mixed, holders: [sdf, sna]}}}}
  - {{id: damascus, name: Damascus, lat: 33.51, lon: 36.29, kind: city, control: gov, pcode: SY01}}
  - {{id: tartus, name: Tartus, lat: 34.89, lon: 35.89, control: gov}}
  - {{id: daraa, name: Daraa, lat: 32.62, lon: 36.10, control: {{holder: gov, state: truce, with: [hts]}}}}
  - {{id: raqqa, name: Raqqa, lat: 35.95, lon: 39.01, control: {{holder: unknown, present: [isis]}}}}
sources:
  - {{id: sohr, name: Monitor, kind: war monitor, affiliation: hts}}
  - {{id: wire, name: Wire}}
events:
  - time: 2024-12-03
    until: 2024-12-09
    title: Fighting north of Homs
    at: {{town: homs, km: 5, toward: N}}
    precision: near
    deaths: {{best: 12, low: 5, high: 20}}
    notes: "{NOTE}: say the figure is the monitor's"
    view: {{focus: [homs, hama], margin_km: 30}}
    control: {{homs: {{holder: gov, state: besieged, by: [hts]}}}}
    flows:
      - {{from: homs, to: [damascus, tartus], estimate: thousands}}
    sources: [sohr]
  - time: 2024-12-05
    title: Homs falls
    at: hama
    precision: province
    deaths: 3
    notes: |-
      {NOTE} second step.
      Two lines of it.
    view: {{bounds: {{west: 35, south: 33, east: 38, north: 36}}}}
    control: {{homs: hts, hama: gov, manbij: {{state: mixed, holders: [sna, sdf]}}}}
    flows:
      - {{from: hama, to: homs, people: 1200, estimate: about a thousand}}
      - {{from: raqqa, to: [homs, hama, tartus], people: 300}}
    sources: [wire]
  - time: 2024-12-06T10:00
    until: 2024-12-06
    title: Manbij changes
    notes: "{NOTE} third"
    control: {{manbij: {{holder: sna, state: encircled, by: [sdf]}}, daraa: gov}}
"""
