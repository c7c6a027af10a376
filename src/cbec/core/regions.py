"""Zhejiang's 11 prefecture-level cities, with the names a feed may use for them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class City:
    """A prefecture-level city of Zhejiang."""

    code: str
    name_zh: str
    name_en: str

    @property
    def short_zh(self) -> str:
        """Return the name without the 市 suffix."""
        return self.name_zh.removesuffix("市")


CITIES: tuple[City, ...] = (
    City("330100", "杭州市", "Hangzhou"),
    City("330200", "宁波市", "Ningbo"),
    City("330300", "温州市", "Wenzhou"),
    City("330400", "嘉兴市", "Jiaxing"),
    City("330500", "湖州市", "Huzhou"),
    City("330600", "绍兴市", "Shaoxing"),
    City("330700", "金华市", "Jinhua"),
    City("330800", "衢州市", "Quzhou"),
    City("330900", "舟山市", "Zhoushan"),
    City("331000", "台州市", "Taizhou"),
    City("331100", "丽水市", "Lishui"),
)

_BY_NAME: dict[str, City] = {name: city for city in CITIES for name in (city.name_zh, city.short_zh, city.name_en)}


def city_names() -> frozenset[str]:
    """Return every accepted spelling of a city (全称, 简称, English)."""
    return frozenset(_BY_NAME)


def find_city(name: str) -> City | None:
    """Return the city a name denotes, or None."""
    return _BY_NAME.get(name)


Ring = list[tuple[float, float]]
OUTLINES_FILE = Path(__file__).resolve().parent / "data" / "zhejiang_cities.geojson"


def city_outlines() -> dict[str, list[Ring]]:
    """Return each city's outline rings (longitude, latitude) by region code, from the shipped GeoJSON."""
    data = json.loads(OUTLINES_FILE.read_text(encoding="utf-8"))
    outlines: dict[str, list[Ring]] = {}
    for feature in data["features"]:
        polygons = feature["geometry"]["coordinates"]
        outlines[feature["properties"]["code"]] = [
            [(float(x), float(y)) for x, y in ring] for polygon in polygons for ring in polygon
        ]
    return outlines
