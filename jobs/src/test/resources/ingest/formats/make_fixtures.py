"""Writes the format fixtures of IngestFormatsTest with tools independent of the code under test:
openpyxl (XLSX), pyshp (Shapefile), pyproj (UTM 18S coordinates and the .prj / PROJJSON), shapely and
pyarrow (WKB and GeoParquet). Run from this folder: python3 make_fixtures.py. The polygons are drawn in
lon/lat and projected with pyproj; the test reprojects them back with GeoTools and compares."""
import datetime
import json

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import shapefile
from pyproj import CRS, Transformer
from pyproj.enums import WktVersion
from shapely import wkb
from shapely.geometry import MultiPolygon, Polygon

# --- centers.xlsx: the ministry directory's shape, with real date cells and a number-typed UBIGEO.
wb = openpyxl.Workbook()
ws = wb.active
ws.title = "CEM"
ws.append(["center_id", "name", "ubigeo", "lon", "lat", "opened_on", "closed_on", "modality"])
ws.append(["C1", "Cem Comisaría Lima", "150101", -77.03, -12.05, datetime.date(2005, 3, 1), None, "Comisaría"])  # row 2
ws.append(["C2", "Numeric code", 80101, -71.97, -13.52, datetime.date(2008, 1, 15), None, "Regular"])  # row 3: padded
ws.append([])  # row 4: empty, skipped
ws.append(["C3", "No latitude", "150101", -77.03, None, datetime.date(2005, 3, 1), None, "Regular"])  # row 5
ws.append(["C4", "Text date", "150101", -77.03, -12.05, "15/01/2008", None, "Regular"])  # row 6
ws.append(["C5", "Swapped", "150101", -12.05, -77.03, datetime.date(2010, 6, 30), None, "Regular"])  # row 7: swapped back
for row in ws.iter_rows(min_row=2, min_col=6, max_col=6):
    for c in row:
        if isinstance(c.value, datetime.date):
            c.number_format = "dd/mm/yyyy"
wb.save("centers.xlsx")

# --- districts in UTM zone 18S (EPSG:32718), the CRS of many Peruvian layers.
to_utm = Transformer.from_crs("EPSG:4326", "EPSG:32718", always_xy=True)


def utm(ring):
    return [to_utm.transform(lon, lat) for lon, lat in ring]


def square(x0, y0, x1, y1):  # clockwise, closed
    return [(x0, y0), (x0, y1), (x1, y1), (x1, y0), (x0, y0)]


lima = square(-77.05, -12.06, -77.02, -12.03)
ancon = square(-77.20, -11.80, -77.10, -11.70)
ancon_hole = list(reversed(square(-77.17, -11.77, -77.13, -11.73)))  # counter-clockwise: a hole
cusco_a = square(-72.00, -13.56, -71.95, -13.50)
cusco_b = square(-71.94, -13.56, -71.90, -13.50)
short = square(-77.30, -12.00, -77.25, -11.95)

w = shapefile.Writer("districts_utm18s", shapeType=shapefile.POLYGON, encoding="latin1")
w.field("IDDIST", "C", size=6)
w.field("NOMBDIST", "C", size=40)
w.poly([utm(lima)]); w.record("150101", "LIMA")
w.poly([utm(ancon), utm(ancon_hole)]); w.record("150102", "ANCÓN")
w.poly([utm(cusco_a), utm(cusco_b)]); w.record("080101", "CUSCO")
w.null(); w.record("150103", "SIN GEOMETRÍA")
w.poly([utm(short)]); w.record("15010", "CÓDIGO CORTO")
w.close()
with open("districts_utm18s.prj", "w") as f:
    f.write(CRS.from_epsg(32718).to_wkt(WktVersion.WKT1_ESRI))

# --- the same districts as GeoParquet (WKB, CRS in the "geo" metadata) and as plain Parquet with a WKB column.
geoms = [Polygon(utm(lima)), Polygon(utm(ancon), [utm(ancon_hole)]),
         MultiPolygon([Polygon(utm(cusco_a)), Polygon(utm(cusco_b))])]
bowtie = Polygon(utm([(-77.0, -12.0), (-76.9, -11.9), (-76.9, -12.0), (-77.0, -11.9), (-77.0, -12.0)]))
ids = ["150101", "150102", "080101", "150104", "150105"]
names = ["LIMA", "ANCÓN", "CUSCO", "BOWTIE", "NOT WKB"]
blobs = [wkb.dumps(g) for g in geoms] + [wkb.dumps(bowtie), b"\x01\x03\x00\x00garbage"]
geo = {"version": "1.0.0", "primary_column": "geometry",
       "columns": {"geometry": {"encoding": "WKB", "geometry_types": ["Polygon", "MultiPolygon"],
                                "crs": CRS.from_epsg(32718).to_json_dict()}}}
table = pa.table({"ubigeo": ids, "name": names, "geometry": pa.array(blobs, pa.binary())})
pq.write_table(table.replace_schema_metadata({"geo": json.dumps(geo)}), "districts_utm18s.geoparquet.parquet")
pq.write_table(pa.table({"ubigeo": ids, "name": names, "geometry_wkt": pa.array(blobs, pa.binary())}),
               "districts_utm18s_wkb.parquet")

# The lon/lat corners the test expects back (GeoTools inverse of pyproj's forward), for reference.
with open("expected_lonlat.json", "w") as f:
    json.dump({"lima": lima, "ancon_hole": ancon_hole, "cusco_b": cusco_b}, f)
print("written")
