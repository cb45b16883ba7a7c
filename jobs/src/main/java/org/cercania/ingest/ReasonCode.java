package org.cercania.ingest;

/**
 * The closed list of reasons an input row is quarantined, and of the normalisations recorded in the
 * fixes table (README: Reason codes). LATLON_SWAPPED is both: a fix when swapping puts the point in
 * Peru, a reject when it does not.
 */
public enum ReasonCode {
  MALFORMED_ROW("the line does not parse as a CSV record with the header's fields"),
  MISSING_REQUIRED("a required field is empty"),
  TYPE_MISMATCH("a field does not parse as its contract type (integer, number, date yyyy-MM-dd, true/false)"),
  UBIGEO_FORMAT("a UBIGEO is not 6 digits"),
  UBIGEO_UNKNOWN("a UBIGEO is not in the district table"),
  REFERENCE_UNKNOWN("an id refers to a row that does not exist in its source (e.g. a school-year of an unknown school)"),
  COORD_OUTSIDE_PERU("a coordinate lies outside Peru's bounding box"),
  LATLON_SWAPPED("longitude and latitude appear swapped (a fix when swapping them puts the point in Peru, else a reject)"),
  DUPLICATE_ID("the row's key repeats an earlier row's"),
  DATE_ORDER("a closing date is before its opening date"),
  DATE_FUTURE("a date is in the future"),
  YEAR_OUT_OF_RANGE("a year is before 1990 or in the future"),
  NEGATIVE_COUNT("a count is negative"),
  RATE_OUT_OF_RANGE("a rate is outside [0, 1]"),
  VALUE_OUT_OF_RANGE("a value is outside the range its contract gives (min, max; e.g. survey age 15-49)"),
  WEIGHT_NOT_POSITIVE("a survey weight is zero or negative"),
  VALUE_NOT_ALLOWED("a coded field has a value outside its code list (sex F/M, 0/1 indicators, ICD-10 format)"),
  GEOMETRY_INVALID("a geometry is not a valid polygon or multipolygon in WKT, and JTS GeometryFixer cannot make it one"),
  UBIGEO_PADDED("fix: a 5-digit UBIGEO (its leading zero lost, e.g. by a spreadsheet) left-padded to 6"),
  POINT_IN_OTHER_DISTRICT("recorded, value kept: the point does not lie in its UBIGEO's polygon; the fixes row's 'fixed' "
      + "is the district it lies in (or the nearest within 5 km, or 'none'); the curated row keeps its given UBIGEO"),
  UBIGEO_REASSIGNED("fix: a UBIGEO not in the district table replaced by the one district whose polygon covers the "
      + "row's point (with none or several it stays UBIGEO_UNKNOWN); 'original' is the code as read"),
  GEOMETRY_REPAIRED("fix: an invalid polygon repaired by JTS GeometryFixer into a non-empty Polygon or MultiPolygon");

  private final String meaning;

  ReasonCode(String meaning) {
    this.meaning = meaning;
  }

  public String meaning() {
    return meaning;
  }
}
